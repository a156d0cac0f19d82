"""Apply a stored round to the board: one read of the board, then one write per card that differs.

Re-running after a crash or an outage reads the board again and writes only what is still
wrong, so an interrupted round finishes to the same board as an uninterrupted one.
"""

import contextvars
import re

from sqlalchemy import select

from app.db import db, utcnow
from app.models import Person, Programme, Round
from app.outbox import Operations, lease
from app.rounds import cards, describe
from app.rounds.board_state import BoardState
from app.rounds.standing import standings as standings_of
from app.rounds.tally import rescue_lines, round_tally, with_rescues, with_tally
from app.trello.card_text import card_name, compose, organiser_part
from app.trello.gateway import get_gateway

# The CLI sets this to draw its progress bar; the worker leaves it unset.
progress = contextvars.ContextVar("round_progress", default=None)
ROUND_LABEL = re.compile(r"^Round \d+$")
STEP = 1024  # Trello's own spacing between card positions
operations = Operations()


@operations.register("round.apply")
def apply_round(payload, entry=None):
    """Bring the board in line with one stored round; safe to run again at any point."""
    round_ = db.session.get(Round, payload["round_id"])
    programme = db.session.get(Programme, round_.programme_id)
    started = utcnow()
    gateway = get_gateway()
    board = BoardState(gateway.board_state(), programme)
    people = _people(round_)
    round_.label_id = board.ensure_label(gateway, round_.name)
    short_urls = {pid: board.short_url(p.trello_card_id) for pid, p in people.items()}
    round_.left_out = [pid for pid, url in short_urls.items() if url is None]
    groups = [g.person_ids for g in round_.groups]
    organisations = {pid: p.organisation for pid, p in people.items()}
    base = _ensure_round_card(gateway, board, round_, groups, short_urls, organisations)
    _checkpoint(round_, entry)
    standings = standings_of(programme.id, people.values())
    targets = list(_member_targets(board, round_, groups, people, standings, short_urls, base))
    by_card = {p.trello_card_id: pid for pid, p in people.items()}
    for index, (card_id, fields) in enumerate(targets, start=1):
        # Someone who paused or left while the round was being written: their own sync wins.
        if board.differs(card_id, fields) and not cards.moved_since(by_card[card_id], started):
            gateway.update_card(card_id, **fields)
        round_.cards_done = index
        _checkpoint(round_, entry)
    _move_out_others(gateway, board, programme, set(people))
    _keep_closed_round_below(gateway, board, round_, base + STEP * (len(targets) + 1))
    round_.status, round_.applied_at = "applied", utcnow()
    _checkpoint(round_, entry)
    return {"round": round_.number, "cards": len(targets), "left_out": round_.left_out}


def _checkpoint(round_, entry):
    """Commit progress, keep the worker's lease alive, and tell the CLI how far we are."""
    if entry is not None:
        entry.locked_until = utcnow() + lease()
    db.session.commit()
    report = progress.get()
    if report is not None:
        report(round_.cards_done, round_.cards_total)


def _people(round_):
    """Return the round's people by id."""
    ids = [pid for group in round_.groups for pid in group.person_ids]
    return {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}


def _ensure_round_card(gateway, board, round_, groups, short_urls, organisations):
    """Create the round card at the top of Matched once; return the position cards follow."""
    name = describe.round_card_name(round_, describe.pair_count(round_))
    desc = describe.round_card_desc(round_, groups, short_urls, organisations)
    desc = with_rescues(with_tally(desc, round_tally(round_)), rescue_lines(round_))
    card = board.cards.get(round_.round_card_id or "") or board.made_by_lost_run(
        describe.round_card_names(round_, describe.pair_count(round_))
    )
    if card is None:
        card = gateway.create_card(board.lists["matched"], name, desc=desc, pos="top")
        board.cards[card["id"]] = card
        round_.round_card_id = card["id"]
    else:
        round_.round_card_id = card["id"]
        if card.get("desc") != desc or card.get("name") != name:
            card = {**card, **gateway.update_card(card["id"], name=name, desc=desc)}
    return float(card.get("pos", 0))


def _member_targets(board, round_, groups, people, standings, short_urls, base):
    """Yield (card id, one-PUT fields) for every grouped person whose card is on the board."""
    position = base
    for ids in groups:
        for pid in ids:
            if short_urls[pid] is None:
                continue
            position += STEP
            person, card = people[pid], board.cards[people[pid].trello_card_id]
            standing = standings[pid]
            progress = cards.open_round_progress(person, standing)
            service = cards.service_text(person, standing, short_urls, progress)
            labels = [lid for lid in card.get("idLabels", []) if not _is_round_label(board, lid)]
            yield (
                card["id"],
                {
                    # Names written before card names were plain text lose their escapes.
                    "name": card_name(person.full_name, person.organisation),
                    "list_id": board.lists["matched"],
                    "pos": position,
                    "label_ids": labels + [round_.label_id],
                    "desc": compose(organiser_part(card.get("desc")), service),
                },
            )


def _is_round_label(board, label_id):
    """Tell whether a label is one of the `Round N` labels."""
    return bool(ROUND_LABEL.match(board.labels.get(label_id, "")))


def _move_out_others(gateway, board, programme, in_round):
    """Move earlier rounds' cards out of Matched and Shared to where their standing puts them:
    Paused, or back to Sign-ups with their history line."""
    watched = {board.lists["matched"], board.lists["shared"]}
    query = select(Person).where(
        Person.programme_id == programme.id, Person.trello_card_id.is_not(None)
    )
    others = [
        p
        for p in db.session.scalars(query)
        if p.id not in in_round and board.cards.get(p.trello_card_id, {}).get("idList") in watched
    ]
    cards.sync_board_cards(gateway, board, programme, others)


def _keep_closed_round_below(gateway, board, round_, after):
    """Keep the round before this one, closed, with its final tally below the new round's
    cards in Matched, so its history stays in sight until this round closes too."""
    query = select(Round.round_card_id).where(
        Round.programme_id == round_.programme_id, Round.number == round_.number - 1
    )
    card = board.cards.get(db.session.scalar(query) or "")
    if card and card.get("idList") == board.lists["matched"] and float(card["pos"]) < after:
        gateway.update_card(card["id"], pos="bottom")
