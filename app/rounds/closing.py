"""Closing a round: by an organiser (before drawing the next, or on its own), or by its close
date passing. Its card keeps the final tally on the board until the next round closes too;
its people's cards go back to where their standing puts them.
"""

from datetime import datetime, time

from sqlalchemy import select

from app.db import db, utcnow
from app.models import Person, Programme, Round
from app.outbox import Operations, enqueue, lanes
from app.rounds import cards, describe
from app.rounds.board_state import BoardState
from app.rounds.membership import latest_round, round_people
from app.rounds.tally import round_tally, with_tally
from app.trello.gateway import get_gateway

operations = Operations()


class RoundOpen(Exception):
    """A round is still open: close it before drawing the next (the organiser must say so)."""

    def __init__(self, round_):
        super().__init__(f"round {round_.number} is still open: close it first")
        self.round = round_


def close_round(programme, round_, now=None):
    """Close a round and queue its final tally onto the board; False when already closed.

    Everything it had (outputs, check-ins) stays with it; outputs and check-ins arriving later
    through its links are still recorded there. The caller commits.
    """
    if round_.closed_at is not None:
        return False
    round_.closed_at = now or utcnow()
    enqueue(programme, "round.close", {"round_id": round_.id}, lane=lanes.board(programme))
    return True


def close_due(programme, today):
    """Close the programme's rounds whose close date has passed; return how many."""
    query = select(Round).where(
        Round.programme_id == programme.id, Round.closed_at.is_(None), Round.closes_on < today
    )
    closed = 0
    for round_ in db.session.scalars(query):
        # Closed as of the end of its close date, however late the worker noticed.
        closed += close_round(programme, round_, datetime.combine(round_.closes_on, time.max))
    return closed


def close_before_draw(programme, today, now=None):
    """Close the latest round before the next is drawn: the organiser chose to close it, or
    its date has passed and no timed job has closed it yet."""
    round_ = latest_round(programme.id)
    if round_ is not None:
        close_round(programme, round_, now)


@operations.register("round.close")
def write_closed_round(payload, entry=None):
    """Write a closed round's final tally on its card, archive the card of the round before
    it, and move its people's cards to where they now belong (unless a newer round does)."""
    round_ = db.session.get(Round, payload["round_id"])
    programme = db.session.get(Programme, round_.programme_id)
    gateway = get_gateway()
    board = BoardState(gateway.board_state(), programme)
    card = board.cards.get(round_.round_card_id or "")
    if card is not None:
        name = describe.round_card_name(round_, describe.pair_count(round_))
        desc = with_tally(describe.with_meet_by(card.get("desc"), round_), round_tally(round_))
        if (card.get("name"), card.get("desc")) != (name, desc):
            gateway.update_card(card["id"], name=name, desc=desc)
    earlier = _round(programme, round_.number - 1)
    if earlier is not None and earlier.round_card_id in board.cards:
        gateway.update_card(earlier.round_card_id, closed=True)
    if _round(programme, round_.number + 1) is not None:
        return {"round": round_.number, "cards": 0}  # the newer round's apply moves them
    ids = round_people(round_)  # the stranded too: they stay in their group
    people = db.session.scalars(select(Person).where(Person.id.in_(ids)))
    moved = cards.sync_board_cards(gateway, board, programme, people)
    return {"round": round_.number, "cards": moved}


def _round(programme, number):
    """Return the programme's round with this number, or None."""
    query = select(Round).where(Round.programme_id == programme.id, Round.number == number)
    return db.session.scalar(query)
