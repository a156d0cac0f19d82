"""Processing of recorded Trello actions: handlers register per action type and only write to
the database and the outbox, so the webhook answers quickly and never calls Trello itself."""

import logging

from app.db import db
from app.models import utcnow

log = logging.getLogger(__name__)
HANDLERS = {}


def on(action_type):
    """Register a function(programme, event) that handles one type of Trello action."""

    def register(fn):
        HANDLERS.setdefault(action_type, []).append(fn)
        return fn

    return register


def process(programme, event):
    """Run the event's handlers in one transaction; a failure is recorded, never raised."""
    try:
        for handle in HANDLERS.get(event.action_type, ()):
            handle(programme, event)
        event.status, event.processed_at = "processed", utcnow()
        db.session.commit()
    except Exception:  # noqa: BLE001 - the action stays recorded; reconcile repairs the board
        db.session.rollback()
        log.exception("webhook action %s could not be processed", event.action_id)
        event.status = "failed"
        db.session.commit()
