"""A participant's one card: created, moved, renamed and archived through the outbox."""

from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry, Person
from app.outbox import Operations, PermanentError, enqueue, lanes
from app.trello.card_text import MARKER, card_name, compose, organiser_part, person_text
from app.trello.gateway import get_gateway

operations = Operations()

# The service's own lines in a card's description, refreshed when a person changes them.
OWN_LINES = ("Organisation: ", "Would like to talk about: ")


def _enqueue(programme, person, operation, payload):
    """Queue one card write about the person, tagged with their id."""
    return enqueue(programme, operation, payload, lane=lanes.person_card(person), person=person)


def queue_create_card(programme, person):
    """Queue the person's card in Sign-ups: name and organisation, never contact details."""
    payload = {
        "list_id": programme.list_id("signups"),
        "name": card_name(person.full_name, person.organisation),
        "desc": compose("", person_text(person)),
        "pos": "bottom",
        "person_id": person.id,
    }
    return _enqueue(programme, person, "trello.create_card", payload)


def queue_card_update(programme, person, **fields):
    """Queue a change to the person's card (list_id, name, desc, closed, pos), card or not yet."""
    payload = {"person_id": person.id, "fields": fields}
    return _enqueue(programme, person, "people.update_card", payload)


def queue_refresh(programme, person):
    """Queue rewriting the card's name and the service's own description lines from the record."""
    return _enqueue(programme, person, "people.refresh_card", {"person_id": person.id})


def queue_renames(programme, cards):
    """Queue a refresh of each participant's card whose name is not theirs as written now (a
    name from before card names were plain text, or edited by hand); return how many."""
    names = {card["id"]: card.get("name") for card in cards}
    query = select(Person).where(
        Person.programme_id == programme.id,
        Person.status.in_(("active", "paused")),
        Person.trello_card_id.in_(list(names)),
    )
    queued = 0
    for person in db.session.scalars(query):
        if names[person.trello_card_id] != card_name(person.full_name, person.organisation):
            if not _refresh_waiting(person):
                queue_refresh(programme, person)
                queued += 1
    return queued


def _refresh_waiting(person):
    """Tell whether a refresh of the person's card is already queued."""
    query = select(OutboxEntry.id).where(
        OutboxEntry.person_id == person.id,
        OutboxEntry.operation == "people.refresh_card",
        OutboxEntry.waiting(),
    )
    return db.session.scalar(query.limit(1)) is not None


def _card_of(payload):
    """Return (person, card id) for a queued write; a person without a card cannot be written."""
    person = db.session.get(Person, payload["person_id"])
    if person is None or not person.trello_card_id:
        raise PermanentError("the person has no card on the board")
    return person, person.trello_card_id


@operations.register("people.update_card")
def update_person_card(payload, entry=None):
    """Apply a queued change to a person's card, whose id may be known only now."""
    _, card_id = _card_of(payload)
    card = get_gateway().update_card(card_id, **payload["fields"])
    return {"card_id": card.get("id")}


def refreshed_desc(desc, person):
    """Return desc with the service's organisation and topics lines replaced by current ones."""
    desc = desc or ""
    tail = desc.split(MARKER, 1)[1] if MARKER in desc else ""
    fresh, lines, placed = person_text(person).splitlines(), [], False
    for line in tail.strip().splitlines():
        if line.startswith(OWN_LINES):
            # The old lines give way to the new ones where they stood, so the order stays.
            lines.extend([] if placed else fresh)
            placed = True
        else:
            lines.append(line)
    if not placed:
        lines = [*fresh, *([""] if lines else []), *lines]
    return compose(organiser_part(desc), "\n".join(lines))


@operations.register("people.refresh_card")
def refresh_person_card(payload, entry=None):
    """Rewrite a card's name and description lines from the person's current record."""
    person, card_id = _card_of(payload)
    gateway = get_gateway()
    card = gateway.card(card_id)
    name = card_name(person.full_name, person.organisation)
    updated = gateway.update_card(card_id, name=name, desc=refreshed_desc(card.get("desc"), person))
    return {"card_id": updated.get("id")}
