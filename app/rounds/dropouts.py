"""People who drop out of the open round: pausing or leaving also takes them out of their group,
and partners left with nobody are told and wait to be re-matched (stranded)."""

from app.people import erasure, lifecycle


def pause(programme, person, until, *, reason="self", move_card=True):
    """Pause the person (see lifecycle.pause) and take them out of the open round."""
    lifecycle.pause(programme, person, until, reason=reason, move_card=move_card)


def leave(programme, person):
    """Erase the person (see erasure.leave) and take them out of the open round."""
    erasure.leave(programme, person)
