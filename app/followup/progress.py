"""What the follow-up shows on the board: output and check-in lines on cards, the round's tally.

Every write is an outbox entry that reads the database when it runs, so entries can repeat or
run in any order and still leave the board as the database says.
"""

from sqlalchemy import func, select

from app.db import db
from app.followup.output_urls import card_safe
from app.models import CheckIn, OutboxEntry, Output, Person, Programme, Round
from app.outbox import Operations, enqueue, lanes
from app.rounds.membership import latest_round, round_people
from app.trello.card_text import MARKER, compose, organiser_part, plain
from app.trello.gateway import get_gateway
from app.vocabulary import BY_ANSWER

operations = Operations()
OWN_PREFIXES = ("Shared: ", "Check-in: ")
TALLY_PREFIX = "Progress: "


def progress_lines(outputs, check_in):
    """Return the card lines for a person's outputs and check-in answer in one round."""
    lines = []
    for output in outputs:
        if not output.url:
            lines.append("Shared: marked by an organiser")
        else:
            lines.append(f"Shared: {output.url if card_safe(output.url) else plain(output.url)}")
    if check_in is not None:
        lines.append(f"Check-in: {BY_ANSWER[check_in.answer].card}")
    return lines


def with_progress_lines(desc, lines):
    """Return a card description whose progress lines are these, all else kept as it was."""
    desc = desc or ""
    if MARKER not in desc and not lines:
        return desc
    tail = desc.split(MARKER, 1)[1] if MARKER in desc else ""
    kept = [line for line in tail.strip().splitlines() if not line.startswith(OWN_PREFIXES)]
    while kept and not kept[-1].strip():
        kept.pop()
    service = "\n".join(kept + ([""] if kept and lines else []) + lines)
    return compose(organiser_part(desc), service)


def tally_text(shared, met, total):
    """Return the round card's progress line."""
    return f"{TALLY_PREFIX}{shared} of {total} shared, {met} of {total} met"


def with_tally(desc, line):
    """Return the round card's description with its progress line (after the dates) replaced."""
    lines = [item for item in (desc or "").splitlines() if not item.startswith(TALLY_PREFIX)]
    at = next((i + 1 for i, item in enumerate(lines) if item.startswith("Meet by: ")), 0)
    return "\n".join(lines[:at] + [line] + lines[at:])


def person_lines(person_id, round_id):
    """Return the progress lines the database holds for one person in one round."""
    outputs = db.session.scalars(
        select(Output)
        .where(Output.person_id == person_id, Output.round_id == round_id)
        .order_by(Output.id)
    ).all()
    check_in = db.session.scalar(
        select(CheckIn).where(CheckIn.person_id == person_id, CheckIn.round_id == round_id)
    )
    return progress_lines(outputs, check_in), bool(outputs)


def round_tally(round_):
    """Return the round card's progress line from the database."""
    people = round_people(round_)
    shared = db.session.scalar(
        select(func.count(func.distinct(Output.person_id))).where(Output.round_id == round_.id)
    )
    met = db.session.scalar(
        select(func.count()).where(CheckIn.round_id == round_.id, CheckIn.answer == "met")
    )
    return tally_text(shared, met, len(people))


def _pending(operation, **match):
    """Tell whether an entry of this operation with this payload still waits to start."""
    query = select(OutboxEntry).where(
        OutboxEntry.operation == operation, OutboxEntry.status == "pending"
    )
    return any(
        all(e.payload.get(k) == v for k, v in match.items()) for e in db.session.scalars(query)
    )


def queue_refresh(programme, person, round_):
    """Queue rewriting the person's card from the database, unless one is already waiting."""
    if _pending("followup.refresh_card", person_id=person.id, round_id=round_.id):
        return None
    payload = {"person_id": person.id, "round_id": round_.id}
    lane = lanes.person_card(person)
    return enqueue(programme, "followup.refresh_card", payload, lane=lane, person=person)


def queue_tally(programme, round_):
    """Queue rewriting the round card's progress line, unless one is already waiting."""
    if _pending("followup.round_tally", round_id=round_.id):
        return None
    # The board lane runs after the round is applied, so the round card exists by then.
    payload = {"round_id": round_.id}
    return enqueue(programme, "followup.round_tally", payload, lane=lanes.board(programme))


def card_changes(programme, person, round_id, card):
    """Return the one-PUT fields that bring a person's card in line with the database."""
    lines, shared = person_lines(person.id, round_id)
    fields = {}
    desc = with_progress_lines(card.get("desc"), lines)
    if desc != (card.get("desc") or ""):
        fields["desc"] = desc
    latest = latest_round(programme.id)
    target = programme.list_id("shared")
    current = latest is not None and latest.id == round_id and person.status == "active"
    if shared and current and card.get("idList") not in (target, programme.list_id("paused")):
        fields.update(list_id=target, pos="bottom")
    return fields


@operations.register("followup.refresh_card")
def refresh_card(payload, entry=None):
    """Write a person's outputs and check-in on their card; move it to Shared once they shared."""
    person = db.session.get(Person, payload["person_id"])
    if person is None or not person.trello_card_id or person.status == "left":
        return {"skipped": "no card"}
    programme = db.session.get(Programme, person.programme_id)
    gateway = get_gateway()
    card = gateway.card(person.trello_card_id)
    if card.get("closed"):
        return {"skipped": "card archived"}
    fields = card_changes(programme, person, payload["round_id"], card)
    if fields:
        gateway.update_card(card["id"], **fields)
    return {"card_id": card["id"], "changed": sorted(fields)}


@operations.register("followup.round_tally")
def update_tally(payload, entry=None):
    """Rewrite the round card's progress line, e.g. "2 of 2 shared", from the database."""
    round_ = db.session.get(Round, payload["round_id"])
    if round_ is None or not round_.round_card_id:
        return {"skipped": "no round card yet"}
    gateway = get_gateway()
    card = gateway.card(round_.round_card_id)
    desc = with_tally(card.get("desc"), round_tally(round_))
    if card.get("closed") or desc == card.get("desc"):
        return {"changed": False}
    gateway.update_card(card["id"], desc=desc)
    return {"changed": True}
