"""A round's live lines on its card: the tally ("Progress: …" while it is open, "Final: …"
once it closed) and a line per re-matched group."""

from sqlalchemy import func, select

from app.db import db
from app.models import CheckIn, Group, GroupMember, OutboxEntry, Output, Person, Round
from app.outbox import Operations, enqueue, lanes
from app.rounds.describe import pair_count, round_card_name, with_meet_by
from app.rounds.membership import drawn_people, is_open
from app.trello.gateway import get_gateway

operations = Operations()
PREFIXES = ("Progress: ", "Final: ")
RESCUE_PREFIX = "Re-matched after a partner left: "


def tally_text(shared, met, total, final=False):
    """Return the round card's tally line."""
    return f"{PREFIXES[final]}{shared} of {total} shared, {met} of {total} met"


def with_tally(desc, line):
    """Return the round card's description with its tally line (after the dates) replaced."""
    lines = [item for item in (desc or "").splitlines() if not item.startswith(PREFIXES)]
    at = next((i + 1 for i, item in enumerate(lines) if item.startswith("Meet by: ")), 0)
    return "\n".join(lines[:at] + [line] + lines[at:])


def rescue_lines(round_):
    """Return a line per group re-matched in the round, its members' cards as links."""
    query = (
        select(Group.id, Person.trello_card_id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .join(Person, Person.id == GroupMember.person_id)
        .where(Group.round_id == round_.id, Group.kind == "rescue")
        .order_by(Group.position, GroupMember.id)
    )
    groups = {}
    for group_id, card_id in db.session.execute(query):
        # Trello sends /c/<card id> on to the card; a card gone shows as such.
        groups.setdefault(group_id, []).append(
            f"https://trello.com/c/{card_id}" if card_id else "(card missing)"
        )
    return [f"{RESCUE_PREFIX}{' + '.join(links)}" for links in groups.values()]


def with_rescues(desc, lines):
    """Return the round card's description with its re-matched lines, at the end, replaced."""
    kept = [item for item in (desc or "").splitlines() if not item.startswith(RESCUE_PREFIX)]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept + ([""] + lines if lines else []))


def counts(round_):
    """Return (shared, met, total): people with an output, people who met, people drawn (those
    who dropped out too, so the total does not depend on the order things happened in)."""
    people = drawn_people(round_)
    shared = db.session.scalar(
        select(func.count(func.distinct(Output.person_id))).where(Output.round_id == round_.id)
    )
    met = db.session.scalar(
        select(func.count()).where(CheckIn.round_id == round_.id, CheckIn.answer == "met")
    )
    return shared, met, len(people)


def round_tally(round_, today=None):
    """Return the round card's tally line from the database; "Final" once the round closed."""
    return tally_text(*counts(round_), final=not is_open(round_, today))


def queue_tally(programme, round_):
    """Queue rewriting the round card's tally line, unless one is already waiting."""
    query = select(OutboxEntry).where(
        OutboxEntry.operation == "followup.round_tally", OutboxEntry.status == "pending"
    )
    if any(e.payload.get("round_id") == round_.id for e in db.session.scalars(query)):
        return None
    # The board lane runs after the round is applied, so the round card exists by then.
    payload = {"round_id": round_.id}
    return enqueue(programme, "followup.round_tally", payload, lane=lanes.board(programme))


# Named for where it began; entries already queued under this name must still run.
@operations.register("followup.round_tally")
def update_tally(payload, entry=None):
    """Rewrite the round card's tally line, e.g. "2 of 2 shared", from the database."""
    round_ = db.session.get(Round, payload["round_id"])
    if round_ is None or not round_.round_card_id:
        return {"skipped": "no round card yet"}
    gateway = get_gateway()
    card = gateway.card(round_.round_card_id)
    fields = round_card_changes(round_, card)
    if card.get("closed") or not fields:
        return {"changed": False}
    gateway.update_card(card["id"], **fields)
    return {"changed": True}


def round_card_changes(round_, card):
    """Return the fields of a round card that differ from what the database says: its tally,
    re-matched lines and name (and, on a card written before dates were in words, its date)."""
    desc = with_meet_by(card.get("desc"), round_)
    desc = with_rescues(with_tally(desc, round_tally(round_)), rescue_lines(round_))
    wanted = {"name": round_card_name(round_, pair_count(round_)), "desc": desc}
    return {key: value for key, value in wanted.items() if card.get(key) != value}
