"""Processing of recorded Trello actions: handlers register per action type and only write to
the database and the outbox, so the webhook answers quickly and never calls Trello itself."""

import logging

from sqlalchemy.exc import OperationalError

from app.db import db
from app.models import utcnow

log = logging.getLogger(__name__)
HANDLERS = {}
SCRUBBERS = {}


def on(action_type):
    """Register a function(programme, event) that handles one type of Trello action."""

    def register(fn):
        HANDLERS.setdefault(action_type, []).append(fn)
        return fn

    return register


def scrubs(action_type):
    """Register a function(event) that takes personal data out of the action as stored.

    It runs after the handlers, which may need that data, and whether they succeeded or not:
    a failed action is kept for reconcile, so it must be as clean as a processed one.
    """

    def register(fn):
        SCRUBBERS.setdefault(action_type, []).append(fn)
        return fn

    return register


def process(programme, event):
    """Run the event's handlers inside the caller's transaction, which the caller commits.

    So the action and everything it causes are stored together or not at all: a delivery that
    fails half-way (the database locked) leaves nothing, and Trello's redelivery starts afresh.
    A handler's own failure undoes only the handlers' work; the action is kept as failed and
    reconcile repairs the board.
    """
    try:
        with db.session.begin_nested():
            for handle in HANDLERS.get(event.action_type, ()):
                handle(programme, event)
    except OperationalError:
        raise  # the database itself failed: the caller answers 503 and Trello delivers again
    except Exception:  # noqa: BLE001 - a bad action is recorded, never a 500
        log.exception("webhook action %s could not be processed", event.action_id)
        event.status = "failed"
    else:
        event.status, event.processed_at = "processed", utcnow()
    for scrub in SCRUBBERS.get(event.action_type, ()):
        scrub(event)
