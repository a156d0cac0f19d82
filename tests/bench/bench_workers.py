"""Several worker processes draining one outbox on PostgreSQL: compare-and-set claims (every
worker reads the same first due ids and races for them) against SKIP LOCKED claims.

Each worker is a process of its own, with the runner's claims counted: a lost claim is a
compare-and-set that found the entry already taken (a wasted round trip, and on PostgreSQL a
wait for the winner's commit), or a SKIP LOCKED claim that found none of the due ids it had
read still free. The entries are 300 writes on 100 lanes (three a card, as a round's card
moves are), each taking 20 ms as a stand-in for a Trello call; the time is counted from when
every worker is ready, and on two cores more processes also share the CPU. Needs PostgreSQL
(BENCH_DATABASE_URL or TEST_DATABASE_URL); skipped without it.
"""

import multiprocessing
import os
import tempfile
import time

import flask_migrate
from sqlalchemy import func, select

from tests.support import reset_postgres

ENTRIES, LANES, WORK_SECONDS = 300, 100, 0.02
OPERATION = "bench.work"


def _database_url():
    """Return the PostgreSQL URL to measure on, or None."""
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


def _app(url, folder):
    """Return an app on url, with the bench's stand-in operation registered."""
    from app import create_app

    os.environ["INSTANCE_PATH"] = folder
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_URL": "sandbox"})
    operations = app.extensions["outbox_operations"]
    if OPERATION not in operations:
        operations.register(OPERATION)(lambda payload, entry: time.sleep(WORK_SECONDS))
    return app


def _worker(url, folder, mode, ready, start, results):
    """Drain the outbox in this process, counting claims won and lost; put the counts."""
    from app import outbox
    from app.outbox import runner

    app = _app(url, folder)
    counts = {"won": 0, "lost": 0}
    claim, claim_first = runner._claim, runner._claim_first

    def counted_claim(entry_id, now):
        """Count a compare-and-set claim's outcome."""
        won = claim(entry_id, now)
        counts["won" if won else "lost"] += 1
        return won

    def counted_claim_first(now, candidates):
        """Count a SKIP LOCKED claim's outcome: none of the due ids read could be taken."""
        entry_id = claim_first(now, candidates)
        counts["won" if entry_id is not None else "lost"] += 1
        return entry_id

    runner._claim, runner._claim_first = counted_claim, counted_claim_first
    if mode == "compare-and-set":
        runner.skips_locked = lambda: False
    with app.app_context():
        outbox.pending_count()  # connected, like a worker that has started
        ready.release()
        start.wait()
        while outbox.pending_count():
            if not outbox.run_due(threads=1):
                time.sleep(0.01)  # the others hold what is left: look again shortly
    results.put((counts, time.monotonic()))


def _fill(app):
    """Empty the outbox and queue ENTRIES stand-in entries on LANES lanes."""
    from app import outbox
    from app.db import db
    from app.models import OutboxEntry, first_programme

    with app.app_context():
        db.session.execute(OutboxEntry.__table__.delete())
        programme = first_programme()
        for n in range(ENTRIES):
            outbox.enqueue(programme, OPERATION, {"n": n}, lane=f"card:{n % LANES}")
        db.session.commit()


def _measure(url, folder, mode, workers):
    """Run workers processes in mode over a fresh queue; return the figures."""
    from app.db import db
    from app.models import OutboxEntry

    app = _app(url, folder)
    _fill(app)
    context = multiprocessing.get_context("spawn")
    results, ready, start = context.Queue(), context.Semaphore(0), context.Event()
    processes = [
        context.Process(target=_worker, args=(url, folder, mode, ready, start, results))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire(timeout=120)
    started = time.monotonic()
    start.set()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    counts = [c for c, _ in outcomes]
    seconds = max(finished for _, finished in outcomes) - started
    with app.app_context():
        attempts = db.session.scalar(select(func.sum(OutboxEntry.attempts)))
        done = db.session.scalar(select(func.count()).where(OutboxEntry.status == "done"))
        db.session.remove()
        db.engine.dispose()
    won = sum(c["won"] for c in counts)
    lost = sum(c["lost"] for c in counts)
    return {
        "scenario": f"{mode}, {workers} workers",
        "entries": done,
        "runs": attempts,
        "claims won": won,
        "claims lost": lost,
        "lost per entry": round(lost / max(done, 1), 2),
        "seconds": round(seconds, 2),
    }


COLUMNS = ("scenario", "entries", "runs", "claims won", "claims lost", "lost per entry", "seconds")


def run():
    """Measure both claim modes with 1, 3 and 6 workers; fail if SKIP LOCKED loses more claims
    than compare-and-set or any mode runs an entry twice."""
    url = _database_url()
    if not url:
        return {"rows": [], "ok": True, "verdict": "skipped: set TEST_DATABASE_URL (PostgreSQL)"}
    from app.db import database_uri

    url = database_uri(url, "")
    reset_postgres(url)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        app = _app(url, folder)
        with app.app_context():
            flask_migrate.upgrade()
            from app.db import db

            db.session.remove()
            db.engine.dispose()
        for workers in (1, 3, 6):
            for mode in ("compare-and-set", "skip locked"):
                rows.append(_measure(url, folder, mode, workers))
    pairs = [(rows[i], rows[i + 1]) for i in range(0, len(rows), 2)]
    ok = all(r["runs"] == r["entries"] == ENTRIES for r in rows) and all(
        skip["claims lost"] <= cas["claims lost"] for cas, skip in pairs
    )
    cas, skip = pairs[-1]
    verdict = (
        f"every entry ran once in every mode; with 6 workers SKIP LOCKED lost "
        f"{skip['claims lost']} claims, compare-and-set {cas['claims lost']}"
    )
    return {
        "rows": rows,
        "columns": COLUMNS,
        "ok": ok,
        "verdict": verdict,
        "summary": {
            "measure": "claims lost, 6 workers",
            "ours": skip["claims lost"],
            "baseline": cas["claims lost"],
        },
    }


if __name__ == "__main__":
    from tests.bench.__main__ import table

    result = run()
    print(table(result["rows"], COLUMNS))
    print(("OK: " if result["ok"] else "FAILED: ") + result["verdict"])
