"""Putting work in the outbox: each entry joins the caller's transaction, so it is queued exactly
when the change that caused it is committed, and never otherwise."""

from flask import current_app
from sqlalchemy import select

from app.db import db, utcnow
from app.models import OutboxEntry


def operations():
    """Return the app's Operations: every kind of entry the worker knows how to carry out."""
    return current_app.extensions["outbox_operations"]


def enqueue(programme, operation, payload, *, lane=None, dedupe_key=None, person=None):
    """Add an entry to the caller's transaction; nothing happens until the caller commits.

    person tags the entry with whom it is about, so that leaving can cancel and scrub it.
    """
    if operation not in operations():
        raise ValueError(f"no outbox handler for {operation!r}")
    entry = OutboxEntry(
        programme_id=programme.id,
        operation=operation,
        payload=payload,
        lane=lane,
        dedupe_key=dedupe_key,
        available_at=utcnow(),
        person_id=person.id if person is not None else None,
    )
    db.session.add(entry)
    return entry


def pending_count():
    """Return how many entries still wait to be carried out."""
    query = select(db.func.count()).where(OutboxEntry.waiting())
    return db.session.scalar(query)
