"""Lanes: outbox entries that share a lane run strictly in the order they were queued.

Every lane name is made here, so that two features writing to the same card, person or board
always queue behind each other.
"""

from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry


def card(card_id):
    """Return the lane of writes to one Trello card."""
    return f"card:{card_id}"


def board(programme):
    """Return the lane of a programme's board-wide writes: a round's apply, then its tally."""
    return f"board:{programme.id}"


def person_mail(person_id):
    """Return the lane of the mails to one person."""
    return f"person:{person_id}"


def person_card(person):
    """Return the lane for writes to a person's card, whether or not the card exists yet."""
    waiting = f"person-card:{person.id}"
    # Writes queued before the card existed must finish before any that name the card.
    pending = select(OutboxEntry.id).where(OutboxEntry.lane == waiting, OutboxEntry.waiting())
    if person.trello_card_id and db.session.scalar(pending.limit(1)) is None:
        return card(person.trello_card_id)
    return waiting
