"""Namesakes (same name, same organisation): a lost answer never gives one the other's card."""

from sqlalchemy import select

from app import outbox
from app.db import db, utcnow
from app.models import OutboxEntry, Person, current_programme
from app.people.cards import queue_create_card


def _person(programme, email, card_id=None):
    """Add a confirmed participant called Ada Lovelace of the Analytical Council."""
    person = Person(
        programme_id=programme.id,
        full_name="Ada Lovelace",
        email=email,
        organisation="Analytical Council",
        topics="engines",
        share_channels=["email"],
        status="active",
        confirmed_at=utcnow(),
        trello_card_id=card_id,
    )
    db.session.add(person)
    db.session.flush()
    return person


def test_a_second_try_never_takes_a_namesakes_card_for_its_own(app, board):
    with app.app_context():
        programme = current_programme()
        first = _person(programme, "ada@example.org")
        entry = queue_create_card(programme, first)
        db.session.commit()
        outbox.run_entry(entry.id)
        first_card = db.session.get(Person, first.id).trello_card_id
        second = _person(programme, "ada.l@example.org")
        entry = queue_create_card(programme, second)
        # As if an earlier attempt had been cut off: this try looks before it creates.
        entry.attempts = 1
        db.session.commit()
        assert outbox.run_entry(entry.id) == "done"
        second_card = db.session.get(Person, second.id).trello_card_id
        statuses = set(db.session.scalars(select(OutboxEntry.status)))
    assert first_card and second_card and second_card != first_card
    cards = board.api("GET", f"/boards/{board.board_id}/cards").json()
    assert sorted(c["id"] for c in cards if c["name"].startswith("Ada Lovelace")) == sorted(
        [first_card, second_card]
    )
    assert statuses == {"done"}
