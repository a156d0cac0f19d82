"""Timed jobs the worker runs on every loop, apart from the outbox: due dates, not queued work."""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.db import db, utcnow
from app.followup.reminders import send_reminders
from app.models import Programme, active_programmes, all_programmes, programme_scope
from app.people.erasure import erase_unconfirmed
from app.people.retention import erase_programme, erasure_due
from app.rounds.closing import close_due
from app.rounds.rescue import RescueRaced, rescue_due
from app.rounds.taking_part import unpause_due
from app.worker.reconcile import run_if_due as reconcile_if_due
from app.worker.slots import claim_slot, slot_of

log = logging.getLogger(__name__)
# Matches the privacy notice: unconfirmed sign-ups are erased after this long.
UNCONFIRMED_KEPT = timedelta(days=30)
# The claim rows of the timed jobs' slots (app/worker/slots.py): written as done, never run.
CLAIM = "timed.claim"


def run_timed_jobs(now=None):
    """Run every active programme's timed jobs, each in its own scope, then erase the programmes
    stopped for longer than the retention period; count them together.

    Every worker calls this on every pass, but a programme's jobs run once per slot of
    TIMED_JOBS_SECONDS (and reconcile once per ten minutes) across all of them: the worker
    that claims the slot runs them, the others pass over that programme until the next slot.
    """
    now = now or utcnow()
    every = current_app.config["TIMED_JOBS_SECONDS"]
    totals = {}
    for programme in active_programmes():
        with programme_scope(programme):
            if claim_slot(programme, "timed", every, now, CLAIM, prune=True) is not None:
                for name, n in _programme_jobs(programme, now, slot_of(now, every)).items():
                    totals[name] = totals.get(name, 0) + n
            # Not counted: once per ten-minute slot of its own; it prints nothing.
            reconcile_if_due(programme, now)
    erased = erase_stopped_programmes(now)
    if erased:
        totals["people erased from stopped programmes"] = erased
    return totals


def erase_stopped_programmes(now):
    """Erase the people of each programme stopped for PROGRAMME_RETENTION_DAYS, one programme a
    transaction, one log line each; return how many people were erased."""
    days = current_app.config["PROGRAMME_RETENTION_DAYS"]
    total = 0
    for found in all_programmes():
        if found.active or not erasure_due(found, now, days):
            continue
        # Locked and read again: another worker may have erased it, or its board's admin set it
        # up again, since the list was read (SQLite's single writer does the same).
        again = select(Programme).where(Programme.id == found.id).with_for_update()
        programme = db.session.scalar(again.execution_options(populate_existing=True))
        if programme is None or programme.active or not erasure_due(programme, now, days):
            db.session.rollback()
            continue
        with programme_scope(programme):
            erased = erase_programme(programme, now)
        db.session.commit()
        log.info(
            "programme %s (board %s), stopped since %s, kept %s days: %s people erased",
            programme.id,
            programme.trello_board_id,
            programme.stopped_at.date().isoformat(),
            days,
            erased,
        )
        total += erased
    return total


def _programme_jobs(programme, now, slot):
    """Close rounds whose date passed, re-match people stranded long enough, bring back paused
    people, erase stale sign-ups, send round reminders: the jobs of one claimed slot."""
    log.debug("timed jobs for programme %s: slot %s", programme.id, slot)
    counts = {
        "rounds closed": close_due(programme, now.date()),
        "back from pause": unpause_due(programme, now.date()),
        "unconfirmed erased": erase_unconfirmed(programme, now - UNCONFIRMED_KEPT),
        "groups reminded": send_reminders(programme, now),
    }
    db.session.commit()
    counts["re-matched after a partner left"] = _rescue(programme, now)
    counts = {name: n for name, n in counts.items() if n}
    if counts:
        log.info("timed jobs for programme %s: %s", programme.id, counts)
    return counts


def _rescue(programme, now):
    """Re-match people stranded long enough, in a transaction of its own: when another worker
    (or an organiser) rescued them at the same moment, theirs stands and this one is dropped."""
    try:
        rescued = rescue_due(programme, now)
    except RescueRaced:
        db.session.rollback()
        return 0
    db.session.commit()
    return rescued
