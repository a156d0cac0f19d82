"""Ten programmes, each on its own sandbox board with its own admin's token, make a 200-person
round at the same moment; the outbox is carried out as `flask worker` does it (outbox.run_due,
with OUTBOX_THREADS), against the sandbox with Trello's limits on: 100 requests per 10 s per
token and 300 per 10 s per API key, which all ten boards share.

What it checks (issue 16, acceptance 4):
- no 429 reaches the sandbox;
- the rounds, from the worker's start until the last board's round is applied, take at most
  1.15 x the per-key floor: total writes / 30 per second, the fastest Trello lets one API key
  write (the rounds' introduction mails, queued with them, are not Trello calls: the time
  until the outbox is drained is shown beside it);
- no board waits more than 1.5 x its fair share. While ten boards have work, each is owed a
  tenth of the key, 3 writes per second, so a board's fair share of time for its W writes is
  W / 3 s. Two figures per board are held to 1.5: its finish, the time until its round was
  applied over W / 3 s; and its worst lag, over each k of its writes after its first, from
  k = 3 on, the time its next k took over k / 3 s, so that a board that waited while the
  others took the key fails even if it caught up by the end. (Measured from a common start
  instead, the lag of the first few writes would show only how much sooner one board
  finished reading its board than another: each round first reads its board and works out
  its cards, 1.5 to 3.5 s with ten at once; each board's first write is shown.)

Baseline, in the same run: one more board's round alone, before the ten, with the key to
itself; its floor is its writes / 10 per second, its own token's limit, the tighter one for a
board alone. (The worker before OUTBOX_THREADS ran the ten rounds one after another, each at
its token's pace: 3.2 x the per-key floor, 212 s, and the tenth board's first write came after
190 s, when the nine before it were done.)
"""

import tempfile
import time
from datetime import UTC, datetime

import requests
from sqlalchemy import select

from app import outbox
from app.db import db, utcnow
from app.models import Person, Programme, Round, programme_scope
from app.rounds.service import confirm_round
from app.trello.authorise import keep_token
from tests.bench.bench_round import _app, add_people, db_engine_dispose
from tests.programme_helpers import member_token
from trello_sandbox.server import SandboxServer

BOARDS = 10
PEOPLE = 200
KEY_PER_SECOND = 300 / 10.0
TOKEN_PER_SECOND = 100 / 10.0  # one board alone is held to its token's limit, not the key's
FAIR_PER_SECOND = KEY_PER_SECOND / BOARDS
FLOOR_TARGET, FAIR_TARGET = 1.15, 1.5
STARTUP = 1.0  # seconds at a fair share before a board's lag counts: 3 writes
SEED = 2026


def add_programme(server, app, n):
    """Make board n with its own admin and token, set its programme up and fill it with PEOPLE
    confirmed participants; return the programme's id."""
    member = _control(server, "members", fullName=f"Admin {n}", username=f"bench_admin_{n}")
    board = _control(
        server, "boards", name=f"Network {n}", members={member["id"]: "admin"}, powerUp=True
    )
    token = member_token(server, member["id"])
    with app.app_context():
        programme = Programme(
            trello_board_id=board["id"], name=f"Network {n}", slug=f"network-{n}", settings={}
        )
        keep_token(programme, member["id"], token)
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    add_people(server, app, PEOPLE, programme_id=programme_id, token=token)
    return programme_id


def _control(server, path, **body):
    """POST to the sandbox's control API and return its answer."""
    answer = requests.post(f"{server.url}/sandbox/control/{path}", json=body, timeout=10)
    answer.raise_for_status()
    return answer.json()


def drain(app):
    """Carry out the outbox as the worker does, pass after pass, until nothing is due."""
    with app.app_context():
        while outbox.run_due(threads=app.config["OUTBOX_THREADS"]):
            pass


def make_rounds(server, app, programme_ids):
    """Confirm a round on each programme, then time the worker carrying them all out; return
    (seconds until the outbox was drained, introductions mailed too, UTC start, the sandbox's
    log of the calls made since)."""
    with app.app_context():
        for programme_id in programme_ids:
            with programme_scope(db.session.get(Programme, programme_id)) as programme:
                confirm_round(programme, SEED)
    since = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    started_at, started = utcnow(), time.monotonic()
    drain(app)
    elapsed = time.monotonic() - started
    log = requests.get(f"{server.url}/sandbox/control/requests", timeout=10).json()
    return elapsed, started_at, [r for r in log if r["time"] >= since]


def board_figures(app, programme_ids, started_at, log):
    """Return each board's figures: its writes, when its round was applied, its worst lag."""
    start = started_at.replace(tzinfo=UTC).timestamp()
    owner, rounds = {}, {}
    with app.app_context():
        for programme_id in programme_ids:
            programme = db.session.get(Programme, programme_id)
            owner[programme.trello_board_id] = programme_id
            query = select(Person.trello_card_id).where(Person.programme_id == programme_id)
            owner.update(dict.fromkeys(db.session.scalars(query), programme_id))
            round_ = db.session.scalar(select(Round).where(Round.programme_id == programme_id))
            owner[round_.round_card_id] = programme_id
            rounds[programme_id] = round_
    times = {programme_id: [] for programme_id in programme_ids}
    for call in log:
        whose = next((owner[p] for p in call["path"].split("/") if p in owner), None)
        if call["method"] != "GET" and call["status"] == 200 and whose is not None:
            times[whose].append(datetime.fromisoformat(call["time"]).timestamp() - start)
    figures = {}
    for programme_id, answered in times.items():
        round_ = rounds[programme_id]
        done = round_.applied_at.replace(tzinfo=UTC).timestamp() - start
        figures[programme_id] = {
            "writes": len(answered),
            "status": round_.status,
            "finished": done,
            "worst_lag": worst_lag(answered),
            "first": min(answered, default=float("inf")),
        }
    return figures


def worst_lag(answered):
    """Return the worst, over a board's writes after its first, of how long its next k took
    over how long k take at its fair share (1 is exactly its share), from k = 3 on (a second
    at its share): a board that waited while the others took the key shows here even if it
    caught up by the end."""
    answered = sorted(answered)
    lags = [
        (t - answered[0]) / (k / FAIR_PER_SECOND)
        for k, t in enumerate(answered[1:], start=1)
        if k / FAIR_PER_SECOND >= STARTUP
    ]
    return max(lags, default=float("inf"))


def row(name, elapsed, log, figures, per_second=KEY_PER_SECOND, fair_share=True):
    """Return one scenario's row: its floor at per_second writes; fair-share figures only
    where boards shared the key."""
    writes = sum(1 for r in log if r["method"] != "GET")
    floor = writes / per_second
    rounds = max(f["finished"] for f in figures.values())
    finish = [f["finished"] / (f["writes"] / FAIR_PER_SECOND) for f in figures.values()]
    result = {
        "scenario": name,
        "requests": len(log),
        "writes": writes,
        "429s": sum(1 for r in log if r["status"] == 429),
        "failed": sum(1 for f in figures.values() if f["status"] != "applied"),
        "seconds": round(rounds, 1),
        "floor (s)": round(floor, 1),
        "x floor": round(rounds / floor, 3),
        "drained (s)": round(elapsed, 1),
    }
    if fair_share:
        result["worst finish x fair"] = round(max(finish), 2)
        result["worst lag x fair"] = round(max(f["worst_lag"] for f in figures.values()), 2)
        result["boards' finish (s)"] = "-".join(f"{f['finished']:.0f}" for f in figures.values())
        result["boards' first write (s)"] = "-".join(f"{f['first']:.1f}" for f in figures.values())
    return result


def run():
    """Make the lone board's round, then the ten boards' at once; check the targets."""
    server = SandboxServer(rate_limits=False, webhook_retry_delays=(0.1, 0.1, 0.1))
    server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = _app(server, folder)
            print(f"  setting up {BOARDS + 1} boards of {PEOPLE} ...", flush=True)
            alone, *together = [add_programme(server, app, n) for n in range(BOARDS + 1)]
            _control(server, "rate-limits", enabled=True)
            print("  one board's round alone ...", flush=True)
            elapsed, started_at, log = make_rounds(server, app, [alone])
            figures = board_figures(app, [alone], started_at, log)
            baseline = row(
                "1 board alone", elapsed, log, figures, TOKEN_PER_SECOND, fair_share=False
            )
            print(f"    {baseline}", flush=True)
            time.sleep(10.5)  # its calls leave the key's window, the app's and the sandbox's
            print(f"  {BOARDS} boards' rounds at once ...", flush=True)
            elapsed, started_at, log = make_rounds(server, app, together)
            figures = board_figures(app, together, started_at, log)
            ours = row(f"{BOARDS} boards at once", elapsed, log, figures)
            print(f"    {ours}", flush=True)
            db_engine_dispose(app)
    finally:
        server.stop()
    return result(ours, baseline)


def result(ours, baseline):
    """Return the bench's verdict on the ten boards' row, the lone board's as the baseline."""
    ok = (
        ours["429s"] == 0
        and ours["failed"] == 0
        and ours["x floor"] <= FLOOR_TARGET
        and ours["worst finish x fair"] <= FAIR_TARGET
        and ours["worst lag x fair"] <= FAIR_TARGET
    )
    verdict = (
        f"{BOARDS} boards x {PEOPLE} people: {ours['writes']} writes, {ours['429s']} 429s, "
        f"{ours['seconds']} s = {ours['x floor']} x the {ours['floor (s)']} s per-key floor "
        f"(writes / 30 per s; target {FLOOR_TARGET}); fair share = a board's writes / 3 per s: "
        f"worst board finished at {ours['worst finish x fair']} x it, worst lag "
        f"{ours['worst lag x fair']} x (target {FAIR_TARGET}); one board alone: "
        f"{baseline['writes']} writes in {baseline['seconds']} s = {baseline['x floor']} x "
        f"its floor (its writes / 10 per s, its token's limit), {baseline['429s']} 429s"
    )
    summary = {
        "measure": f"{BOARDS} boards' {PEOPLE}-person rounds at once, one key",
        "ours": (
            f"{ours['429s']} 429s, {ours['x floor']} x floor, "
            f"fair {ours['worst finish x fair']}/{ours['worst lag x fair']}"
        ),
        "baseline": f"1 board alone: {baseline['x floor']} x floor, {baseline['429s']} 429s",
    }
    return {"rows": [baseline, ours], "ok": ok, "verdict": verdict, "summary": summary}
