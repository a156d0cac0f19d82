"""What many tests share: a board ready on the sandbox, the outbox carried out as the worker
would, settings changed after the app was built, and real Trello payloads signed as Trello does.

A pytest plugin (conftest.py loads it), so its `board` fixture is every test's."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app import outbox, trello
from app.db import db, utcnow
from app.models import OutboxEntry, Person, current_programme
from app.webhooks import queue
from app.webhooks.signature import signature

# Real webhook deliveries captured by other projects (tests/payloads/SOURCES.md says whose).
PAYLOADS = Path(__file__).resolve().parent / "payloads"
# With the sandbox's limits off, the gateway's own 100-per-10-s pacing would only add waiting.
UNTHROTTLED = 100_000


def set_up_board(app, sandbox=None):
    """Make the board's lists as `flask setup-board` does; given the sandbox, with its rate limits
    and the gateway's own pacing off, which would only make the test wait."""
    if sandbox is not None:
        sandbox.control("rate-limits", enabled=False)
        reconfigure(app, TRELLO_RATE_LIMIT=UNTHROTTLED)
    result = app.test_cli_runner().invoke(args=["setup-board"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def board(app, sandbox):
    """The sandbox board with its four lists, their ids stored on the programme; the sandbox's
    rate limits off, so that setting it up and using it cost no waiting."""
    set_up_board(app, sandbox)
    return sandbox


def reconfigure(app, **settings):
    """Change settings of a built app, and rebuild the Trello gateway, which reads them once."""
    app.config.update(settings)
    trello.init_app(app)


def drain(app, now=None):
    """Process the webhook actions received, then carry out what is due in the outbox, each
    entry once, as one pass of the worker would; return the outbox's counts by outcome."""
    process_webhooks(app)
    with app.app_context():
        return outbox.run_due(limit=1000, now=now)


def process_webhooks(app):
    """Process every received webhook action, as the worker's queue passes would; return how
    many were processed."""
    done = 0
    with app.app_context():
        while passed := queue.process_received():
            done += passed
    return done


def drain_until_done(app, passes=30):
    """Run worker passes, skipping backoff waits, until nothing is left (or fail saying so)."""
    for _ in range(passes):
        drain(app, now=utcnow() + timedelta(hours=2))
        with app.app_context():
            if not outbox.pending_count():
                return
    raise AssertionError(f"outbox not drained: {outbox_states(app)}")


def outbox_states(app):
    """Return {status: count} of every outbox entry (a fresh read, the worker writes too)."""
    with app.app_context():
        rows = db.session.execute(
            select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)
        ).all()
        return dict(rows)


def payload_bytes(name, replacements=None):
    """Return a captured Trello payload as bytes, with ids swapped for sandbox ones."""
    text = (PAYLOADS / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        text = text.replace(old, new)
    return text.encode("utf-8")


def participant_card(app, card_id, name="Card Holder"):
    """Make a card a participant's, so that the receiver keeps actions on it (it drops actions on
    cards that are nobody's and in none of the programme's lists)."""
    with app.app_context():
        programme = current_programme()
        db.session.add(
            Person(
                programme_id=programme.id,
                full_name=name,
                email=f"{card_id}@example.org",
                organisation="Example",
                share_channels=["email"],
                status="active",
                confirmed_at=utcnow(),
                trello_card_id=card_id,
            )
        )
        db.session.commit()


def post_signed(client, body, secret, callback_url, process=True, **headers):
    """POST exact bytes to the webhook receiver with Trello's signature over them; then, unless
    told not to, let the worker's queue pass process what it recorded, as it would a moment
    later."""
    headers.setdefault("X-Trello-Webhook", signature(secret, body, callback_url))
    response = client.post(
        "/webhooks/trello", data=body, headers=headers, content_type="application/json"
    )
    if process:
        process_webhooks(client.application)
    return response


def board_id_of(payload_name):
    """Return the board id a captured payload's action names."""
    data = json.loads((PAYLOADS / payload_name).read_text(encoding="utf-8"))
    action = data.get("action", data)
    return action["data"]["board"]["id"]


def reset_postgres(url):
    """Drop everything in a PostgreSQL database (its public schema), so it migrates from
    nothing: each test's database, and each benchmark's."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
