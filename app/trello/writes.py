"""Outbox operations that write to Trello through the gateway, one domain operation each.

A create may have been carried out by an attempt whose worker died before recording it, so
a later attempt looks for what the earlier one made before creating it again.
"""

from datetime import UTC

from sqlalchemy import select

from app.db import db
from app.models import Person
from app.outbox import Operations, enqueue, lanes
from app.trello.gateway import CLOCK_SLACK, get_gateway

operations = Operations()


def _since_first_try(entry):
    """Return when an earlier attempt of this entry may have made something, or None."""
    if entry is None or (entry.attempts or 0) <= 1:
        return None
    return entry.created_at.replace(tzinfo=UTC).timestamp() - CLOCK_SLACK


def _earlier_or_new(entry, find, make):
    """Return what a cut-off earlier attempt of this entry made (find(since)), else make()."""
    since = _since_first_try(entry)
    return (since is not None and find(since)) or make()


def queue_update_card(programme, card_id, **fields):
    """Queue one PUT of a card (list, position, labels, description) behind earlier writes."""
    payload = {"card_id": card_id, "fields": fields}
    return enqueue(programme, "trello.update_card", payload, lane=lanes.card(card_id))


@operations.register("trello.update_card")
def update_card(payload, entry=None):
    """Apply one queued card update in a single request."""
    card = get_gateway().update_card(payload["card_id"], **payload["fields"])
    return {"card_id": card.get("id")}


def _held(card_id):
    """Tell whether a participant already has this card (a namesake's, made at the same time)."""
    return db.session.scalar(select(Person.id).where(Person.trello_card_id == card_id)) is not None


@operations.register("trello.create_card")
def create_card(payload, entry=None):
    """Create a card and, for a person, remember its id in the same commit as the entry."""
    gateway = get_gateway()
    list_id, name, desc = payload["list_id"], payload["name"], payload.get("desc", "")
    card = _earlier_or_new(
        entry,
        lambda since: gateway.find_card(list_id, name, desc, since, _held),
        lambda: gateway.create_card(
            list_id,
            name,
            desc=desc,
            pos=payload.get("pos", "bottom"),
            label_ids=payload.get("label_ids", ()),
            taken=_held,
        ),
    )
    person_id = payload.get("person_id")
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is not None:
            person.trello_card_id = card["id"]
    return {"card_id": card["id"], "short_url": card.get("shortUrl")}


@operations.register("trello.comment")
def comment(payload, entry=None):
    """Add a queued comment to a card."""
    gateway, card_id, text = get_gateway(), payload["card_id"], payload["text"]
    action = _earlier_or_new(
        entry,
        lambda since: gateway.find_comment(card_id, text, since),
        lambda: gateway.comment(card_id, text),
    )
    return {"action_id": action.get("id")}


@operations.register("trello.attach_url")
def attach_url(payload, entry=None):
    """Attach a queued link to a card."""
    gateway, card_id, url = get_gateway(), payload["card_id"], payload["url"]
    attachment = _earlier_or_new(
        entry,
        lambda since: gateway.find_attachment(card_id, url, since),
        lambda: gateway.attach_url(card_id, url, payload.get("name")),
    )
    return {"attachment_id": attachment.get("id")}


def queue_comment(programme, card_id, text):
    """Queue a comment on a card behind the card's earlier writes."""
    payload = {"card_id": card_id, "text": text}
    return enqueue(programme, "trello.comment", payload, lane=lanes.card(card_id))
