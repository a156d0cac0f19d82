"""Outbox handlers that write to Trello through the gateway, one domain operation each."""

from app import outbox
from app.db import db
from app.models import Person
from app.trello_gateway import get_gateway


def queue_update_card(programme, card_id, **fields):
    """Queue one PUT of a card (list, position, labels, description) behind earlier writes."""
    payload = {"card_id": card_id, "fields": fields}
    return outbox.enqueue(programme, "trello.update_card", payload, lane=f"card:{card_id}")


@outbox.handler("trello.update_card")
def update_card(payload, entry=None):
    """Apply one queued card update in a single request."""
    card = get_gateway().update_card(payload["card_id"], **payload["fields"])
    return {"card_id": card.get("id")}


@outbox.handler("trello.create_card")
def create_card(payload, entry=None):
    """Create a card and, for a person, remember its id in the same commit as the entry."""
    card = get_gateway().create_card(
        payload["list_id"],
        payload["name"],
        desc=payload.get("desc", ""),
        pos=payload.get("pos", "bottom"),
        label_ids=payload.get("label_ids", ()),
    )
    person_id = payload.get("person_id")
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is not None:
            person.trello_card_id = card["id"]
    return {"card_id": card["id"], "short_url": card.get("shortUrl")}


@outbox.handler("trello.comment")
def comment(payload, entry=None):
    """Add a queued comment to a card."""
    action = get_gateway().comment(payload["card_id"], payload["text"])
    return {"action_id": action.get("id")}


@outbox.handler("trello.attach_url")
def attach_url(payload, entry=None):
    """Attach a queued link to a card."""
    attachment = get_gateway().attach_url(payload["card_id"], payload["url"], payload.get("name"))
    return {"attachment_id": attachment.get("id")}
