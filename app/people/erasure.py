"""Erasure: a participant who leaves, and sign-ups never confirmed, keep nothing personal.

Their details, their "never pair me with" list, their unsent mail, the kept copies of mail about
them, the recorded Trello actions about their card and their free-text answers go; what the
report counts stays.
"""

import json
from datetime import datetime

from sqlalchemy import select, update

from app.db import db, utcnow
from app.models import CheckIn, OutboxEntry, Person, WebhookEvent
from app.models.delivery import WAITING
from app.people import avoidances
from app.people.cards import queue_card_update
from app.people.notify import person_entries
from app.people.organisations import forget_unused

LEFT_NAME = "(left)"
# Operations whose payloads carry personal data (an address, a name, free text).
PERSONAL_OPERATIONS = ("mail.send", "trello.create_card")


def leave(programme, person):
    """Erase the person's details, cancel their unsent mail, empty and archive their card."""
    _scrub_sent_mail_about(person)
    card_coming = _cancel_and_scrub(person)
    if person.trello_card_id:
        _scrub_events(person.trello_card_id)
    erase_details(person)
    if person.trello_card_id or card_coming:
        queue_card_update(programme, person, name=LEFT_NAME, desc="", closed=True)


def erase_details(person):
    """Keep only what the report needs: organisation and dates; the row stays so ids never recur.
    Their mail, outbox entries and recorded actions are the caller's to scrub (leave() does)."""
    person.full_name, person.email, person.phone = LEFT_NAME, None, None
    person.google_id = person.teams = person.skype = person.topics = None
    person.share_channels, person.skip_next_round, person.credit_name = [], False, False
    person.status, person.paused_until, person.left_at = "left", None, utcnow()
    # "What did you learn?" is free text: it goes; the answers the report counts stay.
    db.session.execute(update(CheckIn).where(CheckIn.person_id == person.id).values(learned=None))
    # Their list of whom to avoid is theirs and goes; others' lists naming them stay, as theirs.
    avoidances.forget(person)


def _cancel_and_scrub(person):
    """Cancel the person's unsent outbox entries and blank personal payloads; True if a card is
    being created right now (so it must still be archived once it exists)."""
    card_coming = False
    now = utcnow()
    for entry in db.session.scalars(person_entries(person.id)):
        if entry.status == "running" and entry.locked_until and entry.locked_until > now:
            # Leased by a worker this moment: it finishes, then whatever follows in its lane.
            # A lease run out means nobody holds it (a dead worker, a restored backup).
            card_coming = card_coming or entry.operation == "trello.create_card"
            continue
        if entry.status in WAITING:
            entry.status, entry.last_error = "cancelled", "cancelled: the person left"
        if entry.operation in PERSONAL_OPERATIONS:
            entry.payload = {"erased": True, "person_id": person.id}
    return card_coming


def _scrub_sent_mail_about(person):
    """Blank the kept copies of mail already sent to others that name the person or give their
    contact details (their partners' introductions); the mail itself has gone, the copy goes.

    Only the person's programme's copies: the same address (or a namesake) in another
    programme is another participation, which leaving this one does not touch."""
    details = [value for value in (person.email, person.phone, person.full_name) if value]
    sent = select(OutboxEntry).where(
        OutboxEntry.programme_id == person.programme_id,
        OutboxEntry.operation == "mail.send",
        OutboxEntry.status == "done",
        OutboxEntry.created_at >= (person.created_at or datetime.min),
    )
    for entry in db.session.scalars(sent):
        text = json.dumps(entry.payload, ensure_ascii=False)
        if any(value in text for value in details):
            entry.payload = {"erased": True, "about_person_id": person.id}


def _scrub_events(card_id):
    """Strip names and text from recorded Trello actions about the person's card."""
    about_card = WebhookEvent.payload["data"]["card"]["id"].as_string() == card_id
    for event in db.session.scalars(select(WebhookEvent).where(about_card)):
        strip_event(event)


def strip_event(event):
    """Reduce a recorded Trello action to its type, date, lists, board and card id: names, card
    text, comments and attachments go."""
    data = (event.payload or {}).get("data") or {}
    kept = {key: data[key] for key in ("list", "listBefore", "listAfter", "board") if key in data}
    card = data.get("card")
    if isinstance(card, dict) and card.get("id"):
        kept["card"] = {"id": card["id"]}
    event.payload = {
        "id": event.action_id,
        "type": event.action_type,
        "date": event.action_date,
        "data": kept,
    }


def erase_unconfirmed(programme, before):
    """Erase sign-ups not confirmed since before, with their unsent mail; return how many."""
    query = select(Person).where(
        Person.programme_id == programme.id,
        Person.status == "pending",
        Person.created_at < before,
    )
    people = list(db.session.scalars(query))
    for person in people:
        _cancel_and_scrub(person)
        erase_details(person)
        # Never confirmed, so even the organisation is only what a stranger typed.
        person.organisation = ""
    if people:
        db.session.flush()
        forget_unused(programme)
    return len(people)
