"""What happens to a participant: confirm, pause, come back, skip a round, change details.

Each function changes the database and queues board writes and mails in the caller's
transaction; nothing here calls Trello or a mail server.
"""

from sqlalchemy import select, update

from app.db import db, utcnow
from app.models import Person
from app.people.cards import queue_create_card, queue_move, queue_refresh
from app.people.notify import queue_person_mail

# Fields shown on the card; a change to any of them rewrites it.
CARD_FIELDS = ("full_name", "organisation", "topics")


def activate(programme, person, card_id=None):
    """Make a pending person a participant: their card (given, or made in Sign-ups) and a welcome
    mail; return False, changing nothing, if another request got there first."""
    claim = (
        update(Person)
        .where(Person.id == person.id, Person.status == "pending")
        .values(status="active", confirmed_at=utcnow(), trello_card_id=card_id)
    )
    if db.session.execute(claim).rowcount != 1:
        return False
    if card_id is None:
        queue_create_card(programme, person)
    queue_person_mail(
        programme, person, "welcome", "You are signed up to UnMentoring", imported=bool(card_id)
    )
    return True


def pause(programme, person, until, *, reason="self", move_card=True):
    """Take the person out of rounds until a date (None: until they come back); their card
    waits in Paused (move_card False: an organiser has moved it there already). reason is
    "self", "organiser" or "quiet"."""
    person.status, person.paused_until, person.paused_reason = "paused", until, reason
    if move_card:
        queue_move(programme, person, "paused")


def resume(programme, person, *, move_card=True):
    """Bring a paused person back into the pool; their card returns to Sign-ups (move_card
    False: an organiser has moved it there already)."""
    person.status, person.paused_until, person.paused_reason = "active", None, None
    if move_card:
        queue_move(programme, person, "signups")


def skip_next_round(person, skip):
    """Leave the person out of the next draw, or take that back; the draw clears it."""
    person.skip_next_round = bool(skip)


def change_details(programme, person, details):
    """Store new details; rewrite the card when what it shows has changed."""
    before = [getattr(person, field) for field in CARD_FIELDS]
    for field, value in details.items():
        setattr(person, field, value)
    after = [getattr(person, field) for field in CARD_FIELDS]
    if before != after and person.status in ("active", "paused"):
        queue_refresh(programme, person)


def unpause_due(programme, today):
    """Return paused people whose date has come to the pool; return how many came back."""
    query = select(Person).where(
        Person.programme_id == programme.id,
        Person.status == "paused",
        Person.paused_until <= today,
    )
    people = list(db.session.scalars(query))
    for person in people:
        resume(programme, person)
    return len(people)
