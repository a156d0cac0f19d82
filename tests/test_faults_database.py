"""SQLite busy: a request waits out a short write lock, and answers 503 after a long one
having saved nothing, so the person (or Trello) tries again and it then works once."""

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app import create_app, outbox
from app.db import db
from app.models import OutboxEntry, Person, WebhookEvent
from app.webhooks import queue
from app.webhooks.routing import Router
from tests.followup_helpers import action, delivery
from tests.signup_helpers import FORM, csrf_token
from tests.support import participant_card, post_signed, process_webhooks

pytestmark = pytest.mark.sqlite_only  # SQLite's file lock; PostgreSQL locks rows instead


# A short lock is released after SHORT_LOCK s, far inside PATIENT s of waiting even on a
# loaded machine; a long lock is never released, so giving up after IMPATIENT s costs least.
SHORT_LOCK, PATIENT, IMPATIENT = 0.1, 3.0, 0.5


@pytest.fixture
def rebuilt(app):
    """Return a maker of the test app rebuilt to give up on a locked database after so many
    seconds (same database); each is closed after the test."""
    config = {k: v for k, v in app.config.items() if k != "SQLALCHEMY_ENGINE_OPTIONS"}
    made = []

    def make(busy_timeout):
        """Build one app with this busy timeout."""
        made.append(create_app({**config, "SQLITE_BUSY_TIMEOUT": busy_timeout}))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def busy_app(rebuilt):
    """The test app rebuilt to give up on a locked database after half a second."""
    return rebuilt(IMPATIENT)


@pytest.fixture
def patient_app(rebuilt):
    """The test app rebuilt to wait out a lock for a few seconds."""
    return rebuilt(PATIENT)


@contextmanager
def write_lock(app, release_after=None):
    """Hold SQLite's write lock from another connection, as a long write elsewhere would."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(release_after, holder.rollback) if release_after else None
    if timer:
        timer.start()
    try:
        yield
    finally:
        if timer:
            timer.join()
        else:
            holder.rollback()
        holder.close()


def _rows(app, model):
    """Count a model's rows."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _sign_up(client):
    """Post the sign-up form with a token fetched before any lock is taken."""
    data = {**FORM, "csrf_token": csrf_token(client)}
    return lambda: client.post("/signup", data=data)


def test_a_sign_up_waits_out_a_short_lock(patient_app):
    post = _sign_up(patient_app.test_client())
    with write_lock(patient_app, release_after=SHORT_LOCK):
        response = post()
    assert response.status_code == 200 and _rows(patient_app, Person) == 1
    assert _rows(patient_app, OutboxEntry) == 1  # the confirmation mail, with the person


def test_a_sign_up_during_a_long_lock_saves_nothing_and_asks_to_try_again(busy_app):
    post = _sign_up(busy_app.test_client())
    with write_lock(busy_app):
        response = post()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "try again" in page and "govuk-heading-l" in page
    assert response.headers["Retry-After"] and _rows(busy_app, Person) == 0
    assert _rows(busy_app, OutboxEntry) == 0
    assert post().status_code == 200 and _rows(busy_app, Person) == 1
    assert _rows(busy_app, OutboxEntry) == 1


def _deliver(app, client, body, process=True):
    """Deliver exact bytes signed as Trello signs them (then, unless told not to, run the
    worker's queue pass); return the status."""
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    secret = app.config["TRELLO_API_SECRET"]
    return post_signed(client, body, secret, callback, process=process).status_code


def test_a_webhook_during_a_long_lock_is_refused_whole_and_taken_when_redelivered(
    busy_app, patient_app
):
    participant_card(busy_app, "a" * 24)  # a card whose actions the receiver keeps
    body = delivery(action("updateCard", "a" * 24, old={"name": "x"}))
    with write_lock(busy_app):
        assert _deliver(busy_app, busy_app.test_client(), body) == 503  # delivered again later
    assert _rows(busy_app, WebhookEvent) == 0
    client = patient_app.test_client()  # the same database, a process that waits longer
    with write_lock(patient_app, release_after=SHORT_LOCK):
        assert _deliver(patient_app, client, body) == 200
    assert _deliver(patient_app, client, body) == 200  # a repeat is acknowledged, not stored
    with patient_app.app_context():
        events = list(db.session.scalars(select(WebhookEvent.status)))
    assert events == ["processed"]


def test_a_webhook_whose_processing_meets_a_lock_leaves_it_queued_and_a_later_pass_does_it_once(
    busy_app, monkeypatch
):
    participant_card(busy_app, "b" * 24)
    calls = []

    def queue_then_meet_a_lock(programme, event):
        """A handler that queues work, then (the first time only) finds the database locked."""
        outbox.enqueue(programme, "mail.send", {"to": [], "subject": "s", "text": "t"})
        calls.append(event.action_id)
        if len(calls) == 1:
            raise OperationalError("UPDATE outbox_entries", {}, Exception("database is locked"))

    only = Router()
    only.register("updateCard")(queue_then_meet_a_lock)
    monkeypatch.setitem(busy_app.extensions, "webhook_router", only)
    client = busy_app.test_client()
    body = delivery(action("updateCard", "b" * 24, old={"name": "x"}))
    assert _deliver(busy_app, client, body, process=False) == 200  # acknowledged, queued
    with busy_app.app_context(), pytest.raises(OperationalError):
        queue.process_received()  # the worker's pass meets the lock: it keeps nothing
    with busy_app.app_context():
        assert list(db.session.scalars(select(WebhookEvent.status))) == ["received"]
    assert _rows(busy_app, OutboxEntry) == 0
    assert process_webhooks(busy_app) == 1  # the next pass does it
    assert _deliver(busy_app, client, body) == 200  # a repeat: acknowledged, not run again
    with busy_app.app_context():
        assert list(db.session.scalars(select(WebhookEvent.status))) == ["processed"]
    assert _rows(busy_app, OutboxEntry) == 1 and len(calls) == 2
