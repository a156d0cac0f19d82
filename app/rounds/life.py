"""A round's life: open from its draw until its close date (the meet-by date plus the
programme's grace period) or until an organiser closes it, whichever comes first."""

from datetime import timedelta

from app.db import db
from app.models import Programme

DEFAULT_GRACE_DAYS = 7  # late meetings and outputs still count for the round this long
DEFAULT_RESCUE_AFTER_DAYS = 3  # stranded people are re-matched on their own after this long


def grace_days(programme):
    """Return how many days after the meet-by date a round stays open."""
    return int((programme.settings or {}).get("grace_days", DEFAULT_GRACE_DAYS))


def closes_on(programme, meet_by):
    """Return the last day a round with this meet-by date is open, unless closed sooner."""
    return meet_by + timedelta(days=grace_days(programme))


def days_left(round_, today):
    """Return how many days a round's pairs still have to meet (0 on or after meet-by)."""
    return max((round_.meet_by - today).days, 0)


def closed_on(round_):
    """Return the day a round closed (or will close, by its date, if nobody closes it)."""
    return round_.closed_at.date() if round_.closed_at is not None else round_.closes_on


def grace_days_of(person):
    """Return the grace period of the person's programme."""
    return grace_days(db.session.get(Programme, person.programme_id))


def rescue_after_days(programme):
    """Return how many days stranded people wait before they are re-matched on their own."""
    settings = programme.settings or {}
    return int(settings.get("rescue_after_days", DEFAULT_RESCUE_AFTER_DAYS))
