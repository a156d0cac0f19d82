"""The outbox's runner: claim a due entry with a lease, carry it out, record the outcome.

Lanes keep per-card and per-person order; the claim counts attempts, which fences off a worker
whose lease ran out; failures back off exponentially until OUTBOX_MAX_ATTEMPTS. On PostgreSQL a
claim takes the first due entry no other worker is claiming (FOR UPDATE SKIP LOCKED), so several
worker processes drain one outbox side by side; on SQLite it is a compare-and-set on an id.
"""

import logging
import random
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, or_, select, update
from sqlalchemy.orm import aliased

from app.db import db, utcnow
from app.models import OutboxEntry, Programme, programme_scope, stop_programme
from app.models.delivery import WAITING
from app.models.programmes import ACTIVE
from app.outbox.operations import PermanentError
from app.outbox.queue import operations
from app.outbox.together import side_by_side
from app.redact import describe_error

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


def lease():
    """Return how long a claimed entry stays with its worker (OUTBOX_LEASE_SECONDS)."""
    return timedelta(seconds=current_app.config.get("OUTBOX_LEASE_SECONDS", 300))


def _due_query(now):
    """Return a SELECT of the ids of entries that are due, unlocked and first in their lane."""
    earlier = aliased(OutboxEntry)
    blocked = exists().where(
        and_(
            earlier.lane == OutboxEntry.lane,
            earlier.id < OutboxEntry.id,
            earlier.status.in_(WAITING),
        )
    )
    return (
        select(OutboxEntry.id)
        .where(OutboxEntry.waiting())
        .where(OutboxEntry.available_at <= now)
        .where(or_(OutboxEntry.locked_until.is_(None), OutboxEntry.locked_until < now))
        .where(or_(OutboxEntry.lane.is_(None), ~blocked))
    )


def _working_programmes(programme_id=None):
    """Return the ids of the programmes that work (only programme_id's when named), in order."""
    working = select(Programme.id).where(Programme.state == ACTIVE).order_by(Programme.id)
    if programme_id is not None:
        working = working.where(Programme.id == programme_id)
    return list(db.session.scalars(working).all())


def _due_rows(now, limit, programme_id=None):
    """Return (id, programme id) of entries that are due, unlocked and first in their lane, of
    programmes that work (of one programme when named), at most limit per programme."""
    due = _due_query(now)
    rows = []
    for programme in _working_programmes(programme_id):
        mine = due.where(OutboxEntry.programme_id == programme)
        ids = db.session.scalars(mine.order_by(OutboxEntry.id).limit(limit))
        rows.extend((entry_id, programme) for entry_id in ids)
    return rows


def _due_ids(now, limit, programme_id=None):
    """Return ids of due entries (see _due_rows), taking the programmes in turn so that one
    busy board does not hold up the others."""
    return _in_turns(_due_rows(now, limit, programme_id))[:limit]


def due_programmes(now=None):
    """Return the ids of the working programmes with an entry due, and end the read, so that
    the next look sees what was queued since."""
    ids = list(dict.fromkeys(programme for _, programme in _due_rows(now or utcnow(), 1)))
    db.session.commit()
    return ids


def _in_turns(rows):
    """Return the ids of (id, programme id) rows, oldest first within each programme, taking
    one of each programme in turn."""
    queues = {}
    for entry_id, programme_id in rows:
        queues.setdefault(programme_id, []).append(entry_id)
    ordered, turn = [], 0
    while queues:
        for programme_id in list(queues):
            queue = queues[programme_id]
            if turn < len(queue):
                ordered.append(queue[turn])
            else:
                del queues[programme_id]
        turn += 1
    return ordered


def _claim(entry_id, now):
    """Lease one entry with a compare-and-set so two workers never run it at once."""
    result = db.session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id)
        .where(OutboxEntry.waiting())
        .where(or_(OutboxEntry.locked_until.is_(None), OutboxEntry.locked_until < now))
        .values(status="running", locked_until=now + lease(), attempts=OutboxEntry.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def skips_locked():
    """Tell whether the database can pass over rows that other workers hold (PostgreSQL's
    SKIP LOCKED); SQLite has one writer at a time and keeps to compare-and-set claims."""
    return db.session.get_bind().dialect.name == "postgresql"


def _claim_first(now, candidates):
    """Lease the first of candidates (due ids, in the order to run them) that is still due and
    that no other worker is claiming; return its id, or None when none is (PostgreSQL only).

    SELECT … FOR UPDATE SKIP LOCKED passes over the rows other workers are claiming at this
    moment, and the due conditions pass over those they have leased, so N workers reading the
    same due ids each take a different one in one query, instead of all racing for the first
    with a compare-and-set each. The UPDATE in the same transaction leases the row the SELECT
    locked, so the claim cannot be lost. The lane condition is _due_rows's: an entry whose lane
    has an earlier entry waiting or running is never picked, locked or not.
    """
    order = case({entry_id: n for n, entry_id in enumerate(candidates)}, value=OutboxEntry.id)
    query = (
        _due_query(now)
        .where(OutboxEntry.id.in_(candidates))
        .order_by(order)
        .limit(1)
        .with_for_update(skip_locked=True, of=OutboxEntry)
    )
    entry_id = db.session.scalar(query)
    if entry_id is not None:
        db.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(status="running", locked_until=now + lease(), attempts=OutboxEntry.attempts + 1)
        )
    db.session.commit()
    return entry_id


def _backoff(attempts):
    """Return the wait before the next try: exponential, capped, with jitter against herds."""
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    seconds = min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _is_permanent(error):
    """Tell whether an error cannot be cured by retrying (a 4xx other than 429 from Trello)."""
    if isinstance(error, PermanentError):
        return True
    retryable = getattr(error, "retryable", None)
    return retryable is False


def _token_refused(entry, error):
    """Tell whether Trello refused the token its board's admin gave (401: revoked); if so, stop
    the programme: its stored token is deleted and its work waits."""
    programme = entry.programme
    if getattr(error, "status", None) != 401 or programme is None:
        return False
    if programme.token_sealed is None:
        return not programme.active  # already stopped, or the first programme (fails as before)
    stop_programme(programme, "Trello refused the board's token: its authorisation was revoked")
    return True


def _hold(entry, error):
    """Put an entry back to wait, unclaimed, for when its programme works again."""
    entry.status, entry.locked_until = "pending", None
    entry.last_error = describe_error(error)


def _finish(entry, error):
    """Record the outcome of one attempt: done, retry later, or failed with the reason."""
    now = utcnow()
    entry.locked_until = None
    if error is None:
        entry.status, entry.done_at, entry.last_error = "done", now, None
    elif _is_permanent(error) or entry.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        entry.status, entry.last_error = "failed", describe_error(error)
        log.error("outbox entry %s (%s) failed: %s", entry.id, entry.operation, entry.last_error)
    else:
        entry.status, entry.last_error = "pending", describe_error(error)
        entry.available_at = now + _backoff(entry.attempts)
        log.warning(
            "outbox entry %s (%s) will retry: %s", entry.id, entry.operation, entry.last_error
        )


class LeaseLost(Exception):
    """The entry's lease ran out while it ran and another worker has claimed it since."""


def _still_ours(entry_id, attempt):
    """Raise LeaseLost unless the entry is still on the attempt this worker claimed.

    The claim counts attempts, so the count is a fencing token: a worker whose handler ran
    past its lease must not record its outcome over the one that took the entry over. The
    UPDATE also locks the row until this transaction ends, so no claim can slip in between.
    """
    fenced = db.session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id, OutboxEntry.attempts == attempt)
        .values(attempts=attempt)
    )
    if fenced.rowcount != 1:
        raise LeaseLost(entry_id)


def run_entry(entry_id, now=None):
    """Claim and carry out one entry; return its final status for this attempt, or None
    (not claimed, or taken over by another worker after this one's lease ran out)."""
    if not _claim(entry_id, now or utcnow()):
        return None
    return _run_leased(entry_id)


def _run_leased(entry_id):
    """Carry out an entry this worker has just leased, in its programme's scope (see run_entry)."""
    entry = db.session.get(OutboxEntry, entry_id)
    attempt = entry.attempts
    with programme_scope(entry.programme):
        return _run_claimed(entry, attempt)


def _run_claimed(entry, attempt):
    """Carry out a claimed entry for its programme and record the outcome (see run_entry)."""
    entry_id = entry.id
    try:
        try:
            entry.result = operations().handler(entry.operation)(entry.payload, entry)
            _finish(entry, None)
            _still_ours(entry_id, attempt)
            db.session.commit()  # what the handler changed, with the entry marked done
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, never crashes the loop
            db.session.rollback()
            entry = db.session.get(OutboxEntry, entry_id)
            if _token_refused(entry, exc):
                _hold(entry, exc)  # it runs once the board's admin authorises again
            else:
                _finish(entry, exc)
            _still_ours(entry_id, attempt)
            db.session.commit()
    except LeaseLost:
        db.session.rollback()
        log.warning(
            "outbox entry %s ran past its lease; the worker that took it over records it", entry_id
        )
        return None
    return entry.status


def run_due(limit=50, now=None, threads=1, programme_id=None):
    """Carry out due entries, each at most once per call, until none is due; count outcomes.

    With threads above 1, the programmes with work due run side by side, a thread each (at
    most threads at once), each until none of its own is due: their Trello calls then share
    the API key's budget by fair share (app/trello/throttle.py), where one after another each
    board waits for the ones before it and, alone on the key, is held to its own token's
    100 requests per 10 s. programme_id limits the call to one programme's entries.

    On PostgreSQL each lease is taken with SKIP LOCKED (_claim_first), so worker processes
    running this at once each take different entries; elsewhere (SQLite) the due ids are
    read, then each is claimed by compare-and-set (_claim)."""
    if threads > 1:
        return side_by_side(
            lambda: due_programmes(now),
            lambda programme: _run_due_until_none(limit, now, programme),
            threads,
        )
    if skips_locked():
        return _run_due_skipping_locked(limit, now, programme_id)
    counts, seen = {}, set()
    while len(seen) < limit:
        # Finishing an entry can unblock the next one in its lane, so look again.
        fresh = [i for i in _due_ids(now or utcnow(), limit, programme_id) if i not in seen]
        if not fresh:
            break
        for entry_id in fresh[: limit - len(seen)]:
            seen.add(entry_id)
            status = run_entry(entry_id, now)
            if status:
                counts[status] = counts.get(status, 0) + 1
    return counts


def _run_due_skipping_locked(limit, now, programme_id):
    """Carry out due entries as run_due does, leasing each with SKIP LOCKED (_claim_first): read
    the due ids (the programmes in turn), take them one by one in that order, passing over
    those other workers hold, and read again until none is due or limit have run.

    When twice running none of the ids just read could be claimed, the rest are held by other
    workers (or by a transaction that locked them): the call ends rather than spin, and the
    worker's next pass looks again."""
    counts, seen, missed = {}, set(), 0
    while len(seen) < limit and missed < 2:
        # Finishing an entry can unblock the next one in its lane, so look again.
        fresh = [i for i in _due_ids(now or utcnow(), limit, programme_id) if i not in seen]
        if not fresh:
            break
        while fresh and len(seen) < limit:
            entry_id = _claim_first(now or utcnow(), fresh)
            if entry_id is None:
                missed += 1
                break
            missed = 0
            fresh.remove(entry_id)
            seen.add(entry_id)
            status = _run_leased(entry_id)
            if status:
                counts[status] = counts.get(status, 0) + 1
    return counts


def _run_due_until_none(limit, now, programme_id):
    """Carry out one programme's due entries, pass after pass, until none is due; count them."""
    totals = Counter()
    while counts := run_due(limit, now, programme_id=programme_id):
        totals.update(counts)
    return totals
