"""Processing a recorded Trello action: its handlers write only to the database and the outbox
and never call Trello themselves; the worker's queue pass (app.webhooks.queue) runs them."""

import logging

from flask import current_app
from sqlalchemy.exc import OperationalError

from app.db import db, utcnow

log = logging.getLogger(__name__)


def router():
    """Return the app's Router: every handler of every Trello action (see app.handlers)."""
    return current_app.extensions["webhook_router"]


def process(programme, event):
    """Run the event's handlers inside the caller's transaction, which the caller commits.

    So the action's new status and everything it causes are stored together or not at all: a
    pass that fails half-way (the database locked, the worker killed) leaves the action
    "received", and the next pass starts afresh.
    A handler's own failure undoes only the handlers' work; the action is kept as failed and
    reconcile repairs the board.
    """
    routes = router()
    try:
        with db.session.begin_nested():
            for handle in routes.handlers_for(event.action_type):
                handle(programme, event)
    except OperationalError:
        raise  # the database itself failed: the caller rolls back and a later pass tries again
    except Exception:  # a bad action is recorded, never a 500
        log.exception("webhook action %s could not be processed", event.action_id)
        event.status = "failed"
    else:
        event.status, event.processed_at = "processed", utcnow()
    for scrub in routes.scrubbers_for(event.action_type):
        scrub(event)
