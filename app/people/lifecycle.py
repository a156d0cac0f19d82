"""What happens to a participant: confirm, pause, come back, skip a round, change details.

Each function changes the database and queues board writes and mails in the caller's
transaction; nothing here calls Trello or a mail server.
"""

from sqlalchemy import update

from app.db import db, utcnow
from app.models import Person
from app.people.cards import queue_create_card, queue_refresh
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
        programme,
        person,
        "welcome",
        f"You are signed up to {programme.title}",
        imported=bool(card_id),
    )
    return True


def pause(person, until, reason="self"):
    """Record that the person is out of rounds until a date (None: until they come back);
    reason is "self", "organiser" or "quiet". Their card is the caller's to move."""
    person.status, person.paused_until, person.paused_reason = "paused", until, reason


def resume(person):
    """Record that a paused person is back in the pool. Their card is the caller's to move."""
    person.status, person.paused_until, person.paused_reason = "active", None, None


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
