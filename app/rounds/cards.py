"""A participant's card as the database says it should be: the list their standing puts it in
and the service's part of its description (open round, partners, progress, a history line).

Every write is an outbox entry that reads the database when it runs, so entries can repeat or
run in any order and still leave the card as the database says.
"""

from sqlalchemy import select

from app.db import db, utcnow
from app.models import CheckIn, OutboxEntry, Output, Person, Programme
from app.outbox import Operations, enqueue, lanes
from app.rounds.standing import standing_of, standings
from app.trello.card_text import card_name, compose, link_or_plain, organiser_part, person_text
from app.trello.gateway import get_gateway
from app.vocabulary import BY_ANSWER, long_date

operations = Operations()
HISTORY_SHOWN = 6  # rounds named on the history line; older ones are counted
MOVABLE_FROM = ("signups", "matched", "shared")  # a card elsewhere was put there by hand


def progress_lines(outputs, check_in):
    """Return the card lines for a person's outputs and check-in answer in one round."""
    lines = []
    for output in outputs:
        shown = link_or_plain(output.url) if output.url else "marked by an organiser"
        lines.append(f"Shared: {shown}")
    if check_in is not None:
        lines.append(f"Check-in: {BY_ANSWER[check_in.answer].card}")
    return lines


def status_line(person, standing):
    """Return the line saying why a person is not in the open round, or None."""
    if standing.state == "skipping":
        return f"Skipping round {standing.skipping}"
    if standing.state == "quiet":
        return "Paused: no check-in or output for a while; asked whether to carry on"
    if standing.state == "paused":
        until = person.paused_until
        return f"Paused until {long_date(until)}" if until else "Paused"
    return None


def history_line(standing):
    """Return the short line naming the earlier rounds a person was in, or None."""
    if not standing.history:
        return None
    shown = []
    for past in standing.history[:HISTORY_SHOWN]:
        notes = [word for word, true in (("met", past.met), ("shared", past.shared)) if true]
        shown.append(f"{past.number} ({', '.join(notes)})" if notes else str(past.number))
    more = len(standing.history) - HISTORY_SHOWN
    return "Earlier rounds: " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def round_lines(standing, short_urls):
    """Return the open round's lines: round, meet-by date, partners (or that they left)."""
    round_ = standing.round
    lines = [f"Round {round_.number} · meet by {long_date(round_.meet_by)}"]
    if standing.state == "stranded":
        lines.append("Partner left: waiting to be re-matched")
        return lines
    if not standing.partner_ids:
        lines.append("Partner: left the round")
        return lines
    links = ", ".join(short_urls.get(pid) or "(card missing)" for pid in standing.partner_ids)
    plural = "s" if len(standing.partner_ids) > 1 else ""
    lines.append(f"Partner{plural}: {links}")
    if standing.rescued:
        lines.append("Re-matched after a partner left")
    return lines


def service_text(person, standing, short_urls, progress=()):
    """Return the service's part of a card's description for a person's standing."""
    head = round_lines(standing, short_urls) if standing.in_open_round else []
    head.append(person_text(person))
    tail = [line for line in (status_line(person, standing), history_line(standing)) if line]
    blocks = ["\n".join(head), "\n".join(progress), "\n".join(tail)]
    return "\n\n".join(block for block in blocks if block)


def open_round_progress(person, standing):
    """Return the person's progress lines in their open round (none outside one)."""
    if not standing.in_open_round:
        return []
    outputs = db.session.scalars(
        select(Output)
        .where(Output.person_id == person.id, Output.round_id == standing.round.id)
        .order_by(Output.id)
    ).all()
    check_in = db.session.scalar(
        select(CheckIn).where(CheckIn.person_id == person.id, CheckIn.round_id == standing.round.id)
    )
    return progress_lines(outputs, check_in)


def card_changes(programme, person, card, move=False, card_urls=None, today=None):
    """Return the one-PUT fields that bring a person's card in line with the database.

    The list changes when asked to (move), or when the person shared: a card an organiser
    put in Paused or in a list of their own stays there unless asked. card_urls ({card id:
    short URL}, from a board already read) saves reading each partner's card.
    """
    standing = standing_of(person, today)
    short_urls = _partner_urls(standing, card_urls)
    service = service_text(person, standing, short_urls, open_round_progress(person, standing))
    fields = {}
    desc = compose(organiser_part(card.get("desc")), service)
    if desc != (card.get("desc") or ""):
        fields["desc"] = desc
    target = programme.list_id(standing.list_key) if standing.list_key else None
    here = card.get("idList")
    movable = move or (
        standing.state == "shared" and here in {programme.list_id(k) for k in MOVABLE_FROM}
    )
    if target and here != target and movable:
        fields.update(list_id=target, pos="bottom")
    return fields


def moved_since(person_id, since):
    """Tell whether the person's card was queued to move after a moment (they paused, came
    back or left): a bulk write that read the database before then leaves that card to the
    queued sync, which reads afresh when it runs and puts the card in its list."""
    query = select(OutboxEntry.payload).where(
        OutboxEntry.person_id == person_id,
        OutboxEntry.operation == "rounds.sync_card",
        OutboxEntry.created_at >= since,
    )
    return any(payload.get("move") for payload in db.session.scalars(query))


def sync_board_cards(gateway, board, programme, people, today=None):
    """Bring these people's cards on a board already read (a BoardState) in line with their
    standing, one write each where list, name or text differ; return how many were written."""
    started = utcnow()
    people = [p for p in people if p.trello_card_id and p.trello_card_id in board.cards]
    found = standings(programme.id, people, today)
    partner_ids = {pid for standing in found.values() for pid in standing.partner_ids}
    query = select(Person.id, Person.trello_card_id).where(Person.id.in_(partner_ids))
    partner_cards = {pid: card_id for pid, card_id in db.session.execute(query)}
    written = 0
    for person in people:
        standing, card = found[person.id], board.cards[person.trello_card_id]
        if standing.list_key is None:
            continue
        urls = {pid: board.short_url(partner_cards.get(pid)) for pid in standing.partner_ids}
        service = service_text(person, standing, urls, open_round_progress(person, standing))
        fields = {
            "name": card_name(person.full_name, person.organisation),
            "desc": compose(organiser_part(card.get("desc")), service),
        }
        if card.get("idList") != board.lists[standing.list_key]:
            fields.update(list_id=board.lists[standing.list_key], pos="bottom")
        differs = any(
            card.get(TRELLO_FIELD.get(k, k)) != v for k, v in fields.items() if k != "pos"
        )
        if differs and not moved_since(person.id, started):
            board.cards[card["id"]] = {**card, **gateway.update_card(card["id"], **fields)}
            written += 1
    return written


TRELLO_FIELD = {"list_id": "idList"}  # our names for card fields that Trello names otherwise


def _partner_urls(standing, card_urls=None):
    """Return {partner id: their card's short URL} for the partners with a card on the board."""
    urls = {}
    gateway = None
    for partner in db.session.scalars(select(Person).where(Person.id.in_(standing.partner_ids))):
        if card_urls is not None:
            urls[partner.id] = card_urls.get(partner.trello_card_id or "")
        elif partner.trello_card_id:
            gateway = gateway or get_gateway()
            card = gateway.card(partner.trello_card_id)
            urls[partner.id] = None if card.get("closed") else card.get("shortUrl")
    return urls


def queue_sync(programme, person, move=False):
    """Queue bringing the person's card in line with the database, unless one already waits
    that does at least as much."""
    query = select(OutboxEntry).where(
        OutboxEntry.operation == "rounds.sync_card",
        OutboxEntry.person_id == person.id,
        OutboxEntry.status == "pending",
    )
    if any(entry.payload.get("move") or not move for entry in db.session.scalars(query)):
        return None
    payload = {"person_id": person.id, "move": bool(move)}
    lane = lanes.person_card(person)
    return enqueue(programme, "rounds.sync_card", payload, lane=lane, person=person)


@operations.register("rounds.sync_card")
@operations.register("followup.refresh_card")  # its earlier name: entries queued under it still run
def sync_card(payload, entry=None):
    """Write a person's card as the database says: description, and list when due."""
    person = db.session.get(Person, payload["person_id"])
    if person is None or not person.trello_card_id or person.status in ("left", "pending"):
        return {"skipped": "no card"}
    programme = db.session.get(Programme, person.programme_id)
    gateway = get_gateway()
    card = gateway.card(person.trello_card_id)
    if card.get("closed"):
        return {"skipped": "card archived"}
    fields = card_changes(programme, person, card, move=payload.get("move", False))
    if fields:
        gateway.update_card(card["id"], **fields)
    return {"card_id": card["id"], "changed": sorted(fields)}
