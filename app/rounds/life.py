"""A round's life: open from its draw until its close date (the meet-by date plus the
programme's grace period) or until an organiser closes it, whichever comes first."""

from datetime import timedelta

DEFAULT_GRACE_DAYS = 7  # late meetings and outputs still count for the round this long


def grace_days(programme):
    """Return how many days after the meet-by date a round stays open."""
    return int((programme.settings or {}).get("grace_days", DEFAULT_GRACE_DAYS))


def closes_on(programme, meet_by):
    """Return the last day a round with this meet-by date is open, unless closed sooner."""
    return meet_by + timedelta(days=grace_days(programme))
