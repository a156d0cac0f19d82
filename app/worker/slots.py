"""Time slots that one worker wins: a timed job runs once per slot per programme, however many
worker processes ask.

A slot is claimed with an outbox row written as already done, whose unique dedupe key
(`<job>:<slot number>`) lets one insert win and every other lose quietly (INSERT … ON CONFLICT
DO NOTHING, on PostgreSQL and SQLite alike); the outbox never runs these rows.
"""

import calendar
from datetime import timedelta

from sqlalchemy import delete

from app.db import db, insert_once
from app.models import OutboxEntry

# How long a won slot's row is kept before the job's next win deletes it.
KEPT = timedelta(days=1)


def slot_of(now, every_seconds):
    """Return the number of the slot of every_seconds that now falls in."""
    return int(calendar.timegm(now.timetuple()) // every_seconds)


def claim_slot(programme, job, every_seconds, now, operation, *, prune=False):
    """Claim this slot of job for programme; return the claim row's id, or None when another
    worker (or an earlier pass of this one) has it. The claim is committed at once.

    prune deletes the job's claim rows older than KEPT, so that a job claimed every minute does
    not pile up rows; jobs that keep their outcome on the row (reconcile) leave it off.
    """
    slot = slot_of(now, every_seconds)
    key = f"{job}:{slot}"
    taken = db.select(OutboxEntry.id).where(
        OutboxEntry.programme_id == programme.id, OutboxEntry.dedupe_key == key
    )
    if db.session.scalar(taken) is not None:
        db.session.commit()  # end the read: the next look must see claims made since
        return None
    claim_id = insert_once(
        OutboxEntry,
        ("programme_id", "dedupe_key"),
        programme_id=programme.id,
        operation=operation,
        payload={"slot": slot},
        dedupe_key=key,
        status="done",
        done_at=now,
    )
    if claim_id is not None and prune:
        db.session.execute(
            delete(OutboxEntry).where(
                OutboxEntry.programme_id == programme.id,
                OutboxEntry.operation == operation,
                OutboxEntry.done_at < now - KEPT,
            )
        )
    db.session.commit()
    return claim_id
