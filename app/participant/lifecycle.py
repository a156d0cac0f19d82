"""What happens to a participant: confirm, pause, come back, skip a round, change details, leave.

Each function changes the database and queues board writes and mails in the caller's
transaction; nothing here calls Trello or a mail server.
"""

import json
from datetime import datetime

from sqlalchemy import select, update

from app.db import db
from app.loop.models import CheckIn
from app.models import OutboxEntry, Person, WebhookEvent, utcnow
from app.participant.cards import queue_card_update, queue_create_card, queue_move, queue_refresh
from app.participant.notify import person_entries, queue_person_mail

LEFT_NAME = "(left)"
# Fields shown on the card; a change to any of them rewrites it.
CARD_FIELDS = ("full_name", "organisation", "topics")
# Operations whose payloads carry personal data (an address, a name, free text).
PERSONAL_OPERATIONS = ("mail.send", "trello.create_card")


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


def pause(programme, person, until):
    """Take the person out of rounds until a date; their card waits in Paused."""
    person.status, person.paused_until = "paused", until
    queue_move(programme, person, "paused")


def resume(programme, person):
    """Bring a paused person back into the pool; their card returns to Sign-ups."""
    person.status, person.paused_until = "active", None
    queue_move(programme, person, "signups")


def change_details(programme, person, details):
    """Store new details; rewrite the card when what it shows has changed."""
    before = [getattr(person, field) for field in CARD_FIELDS]
    for field, value in details.items():
        setattr(person, field, value)
    after = [getattr(person, field) for field in CARD_FIELDS]
    if before != after and person.status in ("active", "paused"):
        queue_refresh(programme, person)


def leave(programme, person):
    """Erase the person's details, cancel their unsent mail, empty and archive their card."""
    _scrub_sent_mail_about(person)
    card_coming = _cancel_and_scrub(person)
    if person.trello_card_id:
        _scrub_events(person.trello_card_id)
    _erase(person)
    if person.trello_card_id or card_coming:
        queue_card_update(programme, person, name=LEFT_NAME, desc="", closed=True)


def _erase(person):
    """Keep only what the report needs: organisation and dates; the row stays so ids never recur."""
    person.full_name, person.email, person.phone = LEFT_NAME, None, None
    person.google_id = person.skype = person.topics = None
    person.share_channels, person.skip_next_round, person.credit_name = [], False, False
    person.status, person.paused_until, person.left_at = "left", None, utcnow()
    # "What did you learn?" is free text: it goes; the answers the report counts stay.
    db.session.execute(update(CheckIn).where(CheckIn.person_id == person.id).values(learned=None))


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
        if entry.status in ("pending", "running"):
            entry.status, entry.last_error = "cancelled", "cancelled: the person left"
        if entry.operation in PERSONAL_OPERATIONS:
            entry.payload = {"erased": True, "person_id": person.id}
    return card_coming


def _scrub_sent_mail_about(person):
    """Blank the kept copies of mail already sent to others that name the person or give their
    contact details (their partners' introductions); the mail itself has gone, the copy goes."""
    details = [value for value in (person.email, person.phone, person.full_name) if value]
    sent = select(OutboxEntry).where(
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
        data = (event.payload or {}).get("data") or {}
        kept = {
            key: data[key] for key in ("list", "listBefore", "listAfter", "board") if key in data
        }
        kept["card"] = {"id": card_id}
        event.payload = {
            "id": event.action_id,
            "type": event.action_type,
            "date": event.action_date,
            "data": kept,
        }


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
        _erase(person)
        # Never confirmed, so even the organisation is only what a stranger typed.
        person.organisation = ""
    return len(people)
