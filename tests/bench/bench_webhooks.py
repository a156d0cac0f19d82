"""Webhook acknowledgement under gunicorn: latency (p50, p99) and throughput of signed
deliveries from 8 concurrent clients, beside unsigned HEADs measured in the same run."""

import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import requests
from sqlalchemy import func, select

from app.db import db
from app.models import WebhookEvent, current_programme
from app.rounds.service import confirm_round
from app.webhooks.signature import signature
from tests.bench.bench_round import _app, add_people, db_engine_dispose
from tests.test_followup_burst import burst_bodies, sandbox_secret, start_gunicorn, wal
from trello_sandbox.server import SandboxServer

PEOPLE, DELIVERIES, CLIENTS = 10, 600, 8


def _round(server, app):
    """Ten participants with cards, paired and applied, so deliveries record real outputs."""
    from app import outbox

    # Every participant from a different organisation, so no draw needs to bend a rule.
    add_people(server, app, PEOPLE, organisations=PEOPLE)
    with app.app_context():
        programme = current_programme()
        round_, _ = confirm_round(programme, 1)
        outbox.run_due(limit=500)
        return [m.person.trello_card_id for g in round_.groups for m in g.members]


def _timed(requests_to_send, clients=CLIENTS):
    """Send (method, url, body, headers) tuples from a thread pool; return (latencies, statuses,
    seconds)."""
    sessions = {}

    def send(item):
        method, url, body, headers = item
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        started = time.perf_counter()
        status = session.request(method, url, data=body, headers=headers, timeout=30).status_code
        return time.perf_counter() - started, status

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(send, requests_to_send))
    return [r[0] for r in results], [r[1] for r in results], time.perf_counter() - started


def _row(scenario, latencies, statuses, seconds, baseline=None):
    """Return one table row with p50/p99 in milliseconds and throughput per second."""
    cuts = statistics.quantiles(latencies, n=100)
    p50, p99 = statistics.median(latencies) * 1000, cuts[98] * 1000
    return {
        "scenario": f"{scenario}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"{len(latencies) / seconds:.0f}/s",
        "requests": len(latencies),
        "429s": statuses.count(429),
        "retries": "",
        "failed": sum(1 for s in statuses if s != 200),
        "seconds": round(seconds, 2),
        "x floor": round(p50 / baseline, 2) if baseline else 1.0,
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "per_second": round(len(latencies) / seconds, 1),
    }


def run():
    """Measure HEADs, then signed deliveries, against the same gunicorn app."""
    server = SandboxServer(rate_limits=False)
    server.start()
    with tempfile.TemporaryDirectory() as folder:
        app = _app(server, folder)
        cards = _round(server, app)
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        with app.app_context():
            wal(uri)
        sandbox = SimpleNamespace(url=server.url, api_base=server.api_base)
        process, base = start_gunicorn(uri, sandbox, Path(folder))
        callback = base + "/webhooks/trello"
        try:
            heads = [("HEAD", callback, None, {})] * DELIVERIES
            baseline = _row("unsigned HEAD (baseline)", *_timed(heads))
            bodies = burst_bodies(cards, unique=DELIVERIES, repeats=0, seed=7)
            signed = [
                (
                    "POST",
                    callback,
                    body,
                    {
                        "Content-Type": "application/json",
                        "X-Trello-Webhook": signature(sandbox_secret(), body, callback),
                    },
                )
                for body in bodies
            ]
            deliveries = _row("signed deliveries", *_timed(signed), baseline=baseline["p50_ms"])
        finally:
            process.terminate()
            process.wait(timeout=10)
        with app.app_context():
            recorded = db.session.scalar(select(func.count()).select_from(WebhookEvent))
        db_engine_dispose(app)
    server.stop()
    ok = baseline["failed"] == 0 and deliveries["failed"] == 0 and recorded == DELIVERIES
    verdict = (
        f"{DELIVERIES} signed deliveries from {CLIENTS} clients under gunicorn (4 workers, "
        f"SQLite in WAL mode): p50 {deliveries['p50_ms']} ms, p99 {deliveries['p99_ms']} ms, "
        f"{deliveries['per_second']}/s; HEAD baseline p50 {baseline['p50_ms']} ms, "
        f"{baseline['per_second']}/s; {recorded} actions recorded"
    )
    summary = {
        "measure": f"{DELIVERIES} signed webhook deliveries, {CLIENTS} clients",
        "ours": f"p50 {deliveries['p50_ms']} ms, {deliveries['per_second']}/s",
        "baseline": f"HEAD: p50 {baseline['p50_ms']} ms, {baseline['per_second']}/s",
    }
    return {"rows": [baseline, deliveries], "ok": ok, "verdict": verdict, "summary": summary}
