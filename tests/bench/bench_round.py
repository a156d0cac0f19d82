"""A 500-person round applied to the rate-limited sandbox: writes per person, 429s, time."""

import os
import tempfile
import time
from datetime import UTC, datetime

import flask_migrate
import requests

from app import create_app, outbox
from app.db import db, utcnow
from app.models import Person, Programme, current_programme, first_programme, programme_scope
from app.rounds.service import confirm_round
from app.trello.board import setup_board
from trello_sandbox import constants
from trello_sandbox.server import SandboxServer

PEOPLE = 500
AUTH = {"key": constants.API_KEY, "token": constants.API_TOKEN}


def _app(server, folder):
    """Return an app on a fresh SQLite file, migrated, pointing at the sandbox."""
    os.environ["INSTANCE_PATH"] = folder
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "SANDBOX_URL": server.url,
            "TRELLO_API_BASE": server.api_base,
            "MAIL_URL": "sandbox",
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    return app


def add_people(server, app, count, organisations=40, programme_id=None, token=None):
    """Set up a programme's board (the first programme's unless named) and create count confirmed
    participants with cards, with the board admin's token (the service's by default), outside
    any timing."""
    auth = {**AUTH, "token": token} if token else AUTH
    with app.app_context():
        found = db.session.get(Programme, programme_id) if programme_id else first_programme()
        with programme_scope(found):
            setup_board()
            programme = current_programme()
            signups = programme.list_id("signups")
            for n in range(count):
                name, org = f"Person {n}", f"Organisation {n % organisations}"
                card = requests.post(
                    f"{server.api_base}/cards",
                    params={**auth, "idList": signups, "name": f"{name} · {org}"},
                    timeout=10,
                ).json()
                db.session.add(
                    Person(
                        programme_id=programme.id,
                        full_name=name,
                        email=f"p{n}@example.org",
                        organisation=org,
                        share_channels=["email"],
                        status="active",
                        confirmed_at=utcnow(),
                        trello_card_id=card["id"],
                    )
                )
            db.session.commit()


def run():
    """Apply one round of PEOPLE to a sandbox with Trello's rate limits on."""
    server = SandboxServer(rate_limits=False, webhook_retry_delays=(0.1, 0.1, 0.1))
    server.start()
    with tempfile.TemporaryDirectory() as folder:
        app = _app(server, folder)
        add_people(server, app, PEOPLE)
        requests.post(
            f"{server.url}/sandbox/control/rate-limits", json={"enabled": True}, timeout=5
        )
        # The sandbox keeps the last 2000 calls only: select the measured ones by time.
        since = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        started = time.monotonic()
        with app.app_context():
            round_, _ = confirm_round(current_programme(), 2026)
            entry_ids = [e.id for e in outbox_entries("round.apply")]
            for entry_id in entry_ids:
                outbox.run_entry(entry_id)
            status = db.session.get(type(round_), round_.id).status
        elapsed = time.monotonic() - started
        log = requests.get(f"{server.url}/sandbox/control/requests", timeout=10).json()
        log = [r for r in log if r["time"] >= since]
        db_engine_dispose(app)
    server.stop()
    sent = len(log)
    writes = sum(1 for r in log if r["method"] != "GET")
    limited = sum(1 for r in log if r["status"] == 429)
    floor = sent / 100 * 10.0
    row = {
        "scenario": f"round of {PEOPLE}",
        "requests": sent,
        "429s": limited,
        "retries": "",
        "failed": 0 if status == "applied" else 1,
        "seconds": round(elapsed, 1),
        "x floor": round(elapsed / floor, 3),
    }
    ok = limited == 0 and status == "applied"
    verdict = (
        f"round of {PEOPLE}: {writes} writes ({writes / PEOPLE:.3f} per person), "
        f"{sent - writes} reads, {limited} 429s, {elapsed:.1f} s = {elapsed / floor:.3f} x the "
        f"{floor:.1f} s floor for {sent} requests"
    )
    summary = {
        "measure": f"round of {PEOPLE} on the rate-limited sandbox",
        "ours": f"{writes} writes, {limited} 429s, {elapsed:.1f} s",
        "baseline": f"rate-limit floor for {sent} requests: {floor:.1f} s",
    }
    return {"rows": [row], "ok": ok, "verdict": verdict, "summary": summary}


def outbox_entries(operation):
    """Return the pending outbox entries of one operation."""
    from sqlalchemy import select

    from app.models import OutboxEntry

    query = select(OutboxEntry).where(OutboxEntry.operation == operation)
    return list(db.session.scalars(query.where(OutboxEntry.status == "pending")))


def db_engine_dispose(app):
    """Close the bench app's database connections."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
