"""A participant's choices about taking part (pause, come back, skip a round, leave) and what
each does beyond their record: their place in the open round, and their card.

Pausing or leaving during the open round takes the person out of their group; partners left
with nobody are told and wait to be re-matched (stranded).
"""

from sqlalchemy import select

from app.db import db
from app.models import Person, programme_scope
from app.people import erasure, lifecycle, participations
from app.rounds.cards import queue_sync
from app.rounds.membership import latest_round
from app.rounds.stranding import leave_open_round


def pause(programme, person, until, *, reason="self", move_card=True):
    """Pause the person and take them out of the open round; their card goes to Paused
    (move_card False: an organiser has moved it there already)."""
    lifecycle.pause(person, until, reason)
    leave_open_round(programme, person)
    queue_sync(programme, person, move=move_card)


def resume(programme, person, *, move_card=True):
    """Bring a paused person back into the pool; their card returns to Sign-ups (move_card
    False: an organiser has moved it there already)."""
    lifecycle.resume(person)
    latest = latest_round(programme.id)
    person.quiet_from_round = latest.number if latest else None  # a fresh start for quiet
    queue_sync(programme, person, move=move_card)


def heard_from(programme, person):
    """A check-in or an output came from the person: if they were paused as quiet, they are
    not, and they are back in the pool."""
    if person.status == "paused" and person.paused_reason == "quiet":
        resume(programme, person)


def skip_next_round(programme, person, skip):
    """Leave the person out of the next draw, or take that back; their card says so."""
    lifecycle.skip_next_round(person, skip)
    queue_sync(programme, person)


def leave(programme, person):
    """Take the person out of the open round, then erase them (see erasure.leave)."""
    leave_open_round(programme, person)
    erasure.leave(programme, person)


def leave_everywhere(person):
    """Leave every programme the person's address takes part in, each as leaving it alone
    would (its open round, its partners told, its card archived on its own board), in its
    own programme's scope; return the programmes left, this one first."""
    left = []
    for one in participations.every_participation(person):
        with programme_scope(one.programme) as programme:
            leave(programme, one)
        left.append(one.programme)
    return left


def unpause_due(programme, today):
    """Bring paused people whose date has come back to the pool; return how many came back."""
    query = select(Person).where(
        Person.programme_id == programme.id,
        Person.status == "paused",
        Person.paused_until <= today,
    )
    people = list(db.session.scalars(query))
    for person in people:
        resume(programme, person)
    return len(people)
