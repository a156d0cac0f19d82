"""Sign-up cards seen on the board: webhook actions queue an import; the worker and `reconcile`
carry it out."""

import re

from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry, Person, Programme, person_for_card
from app.outbox import Operations, enqueue, lanes
from app.people.cards import queue_create_card, queue_renames
from app.signup.hand_made import import_card, without_contact_lines
from app.trello.gateway import get_gateway
from app.webhooks.routing import Router

router = Router()
operations = Operations()

_EMAIL_LINE = re.compile(r"(?im)^\W*e-?mail\W*:")


def _in_signups(programme, data):
    """Tell whether an action's card is (now) in the Sign-ups list."""
    trello_list = data.get("listAfter") or data.get("list") or {}
    return bool(trello_list.get("id")) and trello_list.get("id") == programme.list_id("signups")


def _queue_import(programme, card_id):
    """Queue reading the card and importing it; the worker calls Trello, not the webhook."""
    enqueue(programme, "signup.import_card", {"card_id": card_id}, lane=lanes.card(card_id))


@router.register("createCard")
def card_created(programme, event):
    """A card added to Sign-ups may be a hand-made sign-up (its text is not in the action)."""
    data = event.payload.get("data") or {}
    card_id = (data.get("card") or {}).get("id")
    if not card_id or not _in_signups(programme, data):
        return
    if person_for_card(programme, card_id) is None:
        _queue_import(programme, card_id)


@router.register("updateCard")
def card_updated(programme, event):
    """An Email: line written into a Sign-ups card's description makes it a sign-up."""
    data = event.payload.get("data") or {}
    card = data.get("card") or {}
    if "desc" not in card or not card.get("id"):
        return
    if _EMAIL_LINE.search(card.get("desc") or "") and _in_signups(programme, data):
        _queue_import(programme, card["id"])


@router.scrubber("updateCard")
def scrub_contact_lines(event):
    """Keep no contact details in the recorded action: its descriptions lose those lines."""
    payload = dict(event.payload)
    data = dict(payload.get("data") or {})
    for key in ("card", "old"):
        part = dict(data.get(key) or {})
        if part.get("desc") and without_contact_lines(part["desc"]) != part["desc"]:
            part["desc"] = without_contact_lines(part["desc"])
            data[key] = part
            payload["data"] = data
            payload.pop("display", None)  # Trello repeats the description there
    event.payload = payload


@operations.register("signup.import_card")
def import_card_now(payload, entry=None):
    """Read a card queued by a webhook action and import it, in the entry's transaction."""
    programme = db.session.get(Programme, entry.programme_id)
    card = get_gateway().card(payload["card_id"])
    return {"outcome": import_card(programme, card)}


def reconcile_signups(programme):
    """Import hand-made cards in Sign-ups, re-queue missing cards and rename cards whose name is
    not their person's; return counts by outcome."""
    counts = {}
    signups = programme.list_id("signups")
    cards = get_gateway().board_state().get("cards", [])
    for card in cards:
        if card.get("idList") == signups and _EMAIL_LINE.search(card.get("desc") or ""):
            outcome = import_card(programme, card)
            db.session.commit()
            counts[outcome] = counts.get(outcome, 0) + 1
    counts["cards re-queued"] = _requeue_missing_cards(programme)
    counts["cards renamed"] = queue_renames(programme, cards)
    db.session.commit()
    return counts


def _requeue_missing_cards(programme):
    """Queue cards again for participants whose card was never made (the create failed)."""
    waiting = select(OutboxEntry.person_id).where(
        OutboxEntry.operation == "trello.create_card",
        OutboxEntry.waiting(),
        OutboxEntry.person_id.is_not(None),
    )
    # Cards an organiser deleted by hand stay deleted (app.followup.hand_moves records them).
    deleted = (programme.settings or {}).get("cards_deleted_by_hand", [])
    query = select(Person).where(
        Person.programme_id == programme.id,
        Person.status.in_(("active", "paused")),
        Person.trello_card_id.is_(None),
        Person.id.not_in(waiting),
        Person.id.not_in(deleted),
    )
    people = list(db.session.scalars(query))
    for person in people:
        queue_create_card(programme, person)
    return len(people)
