"""A burst of 1,000 signed deliveries (10% repeats) through gunicorn: all acknowledged and
queued, then each action processed exactly once by the worker's queue pass."""

import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.db import db
from app.models import Output, WebhookEvent
from app.webhooks.signature import signature
from tests.conftest import free_port
from tests.followup_helpers import action, delivery, make_round
from tests.support import process_webhooks

pytestmark = pytest.mark.usefixtures("board")
ROOT = Path(__file__).resolve().parents[1]
UNIQUE, REPEATS, CLIENTS = 900, 100, 8


def start_gunicorn(database_uri, sandbox, tmp_path, workers=4, factory="app:create_app()"):
    """Start an app (the factory gunicorn calls) on a free port; return (process, base URL) once
    it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TRELLO_", "DATABASE_"))},
        "DATABASE_URL": database_uri,
        "PUBLIC_URL": base,
        "SECRET_KEY": "burst",
        "INSTANCE_PATH": str(tmp_path / "gunicorn-instance"),
        "SANDBOX_URL": sandbox.url,
        "TRELLO_API_BASE": sandbox.api_base,
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            factory,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.head(base + "/webhooks/trello", timeout=1).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(process.stderr.read().decode()[-2000:])


def wal(uri):
    """Put a SQLite test file in write-ahead-log mode (kept in the file), as a busy site would."""
    if uri.startswith("sqlite"):
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")


def send_all(base, bodies, clients=CLIENTS):
    """POST each signed body from a pool of client threads; return the statuses."""
    callback = base + "/webhooks/trello"

    def send(body):
        headers = {
            "Content-Type": "application/json",
            "X-Trello-Webhook": signature(sandbox_secret(), body, callback),
        }
        return requests.post(callback, data=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(send, bodies))


def sandbox_secret():
    """The webhook secret the app uses in sandbox mode."""
    from trello_sandbox import constants

    return constants.API_SECRET


def burst_bodies(cards, unique=UNIQUE, repeats=REPEATS, seed=1):
    """Return shuffled delivery bodies: unique comment actions with a link each, plus repeats."""
    rng = random.Random(seed)
    bodies = [
        delivery(action("commentCard", cards[n % len(cards)], text=f"https://o.example.org/{n}"))
        for n in range(unique)
    ]
    bodies += [rng.choice(bodies) for _ in range(repeats)]
    rng.shuffle(bodies)
    return bodies


def test_a_burst_of_a_thousand_deliveries_is_acknowledged_and_processed_exactly_once(
    app, runner, sandbox, tmp_path
):
    people = make_round(app, runner, sandbox, count=10)
    cards = [card for card, _, _ in people.values()]
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        wal(uri)
    process, base = start_gunicorn(uri, sandbox, tmp_path)
    try:
        statuses = send_all(base, burst_bodies(cards))
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert statuses.count(200) == UNIQUE + REPEATS, sorted(set(statuses))
    with app.app_context():
        waiting = db.session.scalars(select(WebhookEvent.status).distinct()).all()
    assert waiting == ["received"]  # acknowledged, for the worker to process
    assert process_webhooks(app) == UNIQUE
    with app.app_context():
        events = db.session.execute(
            select(WebhookEvent.status, func.count()).group_by(WebhookEvent.status)
        ).all()
        assert dict(events) == {"processed": UNIQUE}
        assert db.session.scalar(select(func.count()).select_from(Output)) == UNIQUE
