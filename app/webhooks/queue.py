"""The webhook queue: actions the receiver recorded as "received" are processed here, by the
worker, each exactly once, in the order they arrived within their programme.

Each pass takes a programme's oldest received actions and runs their handlers (app.handlers) in
one transaction, with the actions' new statuses: a crash or a database failure before the commit
leaves them all "received" for the next pass, and nothing they caused is half-stored. A handler
that fails marks only its action "failed" (reconcile repairs the board), as before.

Several workers may run passes at once: on PostgreSQL one takes a programme's queue at a time
(a transaction-level advisory lock, skipped, not waited for, when another worker holds it), so
actions on one card keep their order; on SQLite the database's single writer does the same,
and each action is claimed by a conditional update, so none is processed twice.
"""

import logging
import time

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from app.db import db, utcnow
from app.models import Programme, WebhookEvent, programme_scope
from app.webhooks.dispatch import process

log = logging.getLogger(__name__)

RECEIVED = "received"
# A stopped programme's queued actions are kept, not processed: its board is no longer served.
IGNORED = "ignored"
# Actions per transaction: enough to share a commit, few enough to hold SQLite's one write lock
# (which the receiver's inserts wait for) only briefly; a batch also ends after BATCH_SECONDS.
BATCH, BATCH_SECONDS = 50, 0.1
# A namespace for PostgreSQL advisory locks, so they cannot collide with anyone else's.
LOCK_SPACE = 0x554D5751  # "UMWQ"


def process_received(batch=BATCH):
    """Process up to batch received actions of each programme that has some; return how many
    actions this pass processed (0 when the queue is empty or other workers hold it)."""
    waiting = select(WebhookEvent.programme_id).where(WebhookEvent.status == RECEIVED).distinct()
    programme_ids = list(db.session.scalars(waiting))
    db.session.rollback()
    return sum(_process_programme(programme_id, batch) for programme_id in programme_ids)


def received_count():
    """Return how many recorded actions wait to be processed."""
    query = select(func.count()).select_from(WebhookEvent).where(WebhookEvent.status == RECEIVED)
    return db.session.scalar(query)


def _process_programme(programme_id, batch):
    """Process one programme's oldest received actions in one transaction; return how many."""
    programme = db.session.get(Programme, programme_id)
    done = 0
    try:
        if not _take_queue(programme_id):
            db.session.rollback()
            return 0
        query = (
            select(WebhookEvent)
            .where(WebhookEvent.programme_id == programme_id, WebhookEvent.status == RECEIVED)
            .order_by(WebhookEvent.id)
            .limit(batch)
        )
        started = time.monotonic()
        with programme_scope(programme):
            for event in list(db.session.scalars(query)):
                done += _process_one(programme, event)
                if time.monotonic() - started > BATCH_SECONDS:
                    break
        db.session.commit()
    except OperationalError:
        # The database failed or stayed locked: nothing of this batch is kept; the next pass
        # takes the same actions again.
        db.session.rollback()
        raise
    return done


def _take_queue(programme_id):
    """Take the programme's queue for this transaction; False when another worker has it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    query = select(func.pg_try_advisory_xact_lock(LOCK_SPACE, programme_id))
    return bool(db.session.scalar(query))


def _process_one(programme, event):
    """Claim one action and run its handlers; return 1 when this pass processed it, else 0."""
    claim = (
        update(WebhookEvent)
        .where(WebhookEvent.id == event.id, WebhookEvent.status == RECEIVED)
        .values(status="processing")
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(claim).rowcount != 1:
        return 0  # another worker processed it meanwhile
    if not programme.active:
        # Its Power-Up was removed (perhaps by an earlier action of this batch): the receiver
        # would not have recorded this action, so it changes nothing either.
        event.status, event.processed_at = IGNORED, utcnow()
        return 1
    process(programme, event)
    log.info("webhook action %s (%s) %s", event.action_id, event.action_type, event.status)
    return 1
