"""Preview a round, then confirm it: the plan is stored first, the board and mail follow."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import db
from app.models import Group, GroupMember, Round
from app.outbox import enqueue, lanes
from app.pairing import Policy, PoolTooSmall, new_seed, plan_round
from app.rounds import closing, tally
from app.rounds import pool as pools
from app.rounds.closing import RoundOpen
from app.rounds.introductions import queue_introductions
from app.rounds.life import closes_on
from app.rounds.membership import latest_round, open_round, stranded_people
from app.rounds.quiet import pause_quiet, quiet_people
from app.trello.gateway import TrelloError, get_gateway

DEFAULT_WINDOW_DAYS = 28
QUIET = "quiet: will be paused and asked whether to carry on"


class PoolChanged(Exception):
    """The pool is not the one the preview was drawn from: preview again."""


@dataclass
class OpenRound:
    """The round still open when the next is previewed: what closing it now would end."""

    id: int
    number: int
    meet_by: date
    closes_on: date
    met: int
    shared: int
    total: int
    stranded: int  # people whose partners all left, waiting to be re-matched

    @classmethod
    def of(cls, round_):
        """Return the summary of an open round, or None for no round."""
        if round_ is None:
            return None
        shared, met, total = tally.counts(round_)
        stranded = len(stranded_people(round_))
        return cls(
            round_.id, round_.number, round_.meet_by, round_.closes_on, met, shared, total, stranded
        )


@dataclass
class Preview:
    """A draw that has not been stored: what the organiser sees before confirming."""

    number: int
    seed: int
    round_date: date
    meet_by: date
    policy: Policy
    plan: object
    pool_hash: str
    people: dict
    waiting: list = field(default_factory=list)
    open_round: object = None  # OpenRound: the round a confirm would have to close first

    @property
    def unplaced(self):
        """Return how many could not be placed this round; who, and why, is never shown."""
        return len(self.plan.unplaced)

    @property
    def quiet(self):
        """Return the people a confirm pauses as quiet and asks whether to carry on."""
        return [person for person, reason in self.waiting if reason == QUIET]


def policy_of(programme):
    """Return the programme's pairing policy from its settings."""
    settings = programme.settings or {}
    return Policy(odd=settings.get("odd", "trio"), same_org=settings.get("same_org", "avoid"))


def window_days(programme):
    """Return how many days pairs have to meet."""
    return int((programme.settings or {}).get("meeting_window_days", DEFAULT_WINDOW_DAYS))


def preview_round(programme, seed=None, today=None):
    """Draw the next round without storing anything; raise PoolTooSmall for 0 or 1 people."""
    today = today or date.today()
    seed = new_seed(random.SystemRandom()) if seed is None else seed
    people, waiting = pools.eligible_people(programme, today)
    people, waiting = _drop_missing_cards(people, waiting)
    quiet = quiet_people(programme, people)
    people = [p for p in people if p not in quiet]
    waiting += [(p, QUIET) for p in quiet]
    policy = policy_of(programme)
    candidates = pools.candidates(programme, people)
    previous = latest_round(programme.id)
    number = (previous.number if previous else 0) + 1
    plan = plan_round(candidates, policy, random.Random(seed), round_number=number)
    if not plan.groups:
        # Everyone left could be placed only with someone they must never meet.
        raise PoolTooSmall(f"nobody in the pool can be paired; {_placed_text(plan)}")
    return Preview(
        open_round=OpenRound.of(open_round(programme.id, today)),
        number=number,
        seed=seed,
        round_date=today,
        meet_by=today + timedelta(days=window_days(programme)),
        policy=policy,
        plan=plan,
        pool_hash=pools.pool_hash(candidates, policy, plan),
        people={p.id: p for p in people},
        waiting=waiting,
    )


def _placed_text(plan):
    """Return "1 person could not be placed" or "k people could not be placed"."""
    count = len(plan.unplaced)
    return f"{count} {'person' if count == 1 else 'people'} could not be placed"


def unplaced_text(preview):
    """Return the sentence organisers see about people the draw could not place, or None."""
    return f"{_placed_text(preview.plan)} this round." if preview.unplaced else None


def _drop_missing_cards(people, waiting):
    """Leave out people whose card was deleted or archived by hand, and say so."""
    try:
        on_board = {card["id"] for card in get_gateway().cards("open")}
    except TrelloError:
        # Trello unreachable: draw anyway; applying the round reports missing cards.
        return people, waiting
    missing = [p for p in people if p.trello_card_id not in on_board]
    kept = [p for p in people if p.trello_card_id in on_board]
    return kept, waiting + [(p, "card missing on the board") for p in missing]


def _same_round(programme, seed):
    """Return the latest round if it was made with this seed (a second press), else None."""
    latest = latest_round(programme.id)
    return latest if latest is not None and latest.seed == str(seed) else None


def confirm_round(programme, seed, pool_hash=None, created_by="", today=None, close_open=False):
    """Store the round drawn with a previewed seed and queue its board writes and mails.

    Returns (round, created). Confirming the same seed again returns the same round. While a
    round is open this raises RoundOpen, unless close_open says to close it first (in the
    same transaction as the new round).
    """
    existing = _same_round(programme, seed)
    if existing is not None:
        return existing, False
    today = today or date.today()
    preview = preview_round(programme, seed, today)
    # Another press of confirm may have stored this very draw while we previewed it: then the
    # pool has changed and a round is open, both because of it, and that round is the answer.
    existing = _same_round(programme, seed)
    if existing is not None:
        return existing, False
    if pool_hash is not None and pool_hash != preview.pool_hash:
        raise PoolChanged("the pool changed since the preview: preview again")
    if preview.open_round is not None and not close_open:
        raise RoundOpen(latest_round(programme.id))
    try:
        closing.close_before_draw(programme, today)
        round_ = _store(programme, preview, created_by)
        db.session.commit()
    except IntegrityError:
        # Another organiser confirmed round N at the same moment; theirs stands.
        db.session.rollback()
        existing = _same_round(programme, seed)
        if existing is not None:
            return existing, False
        raise PoolChanged("another round was made meanwhile: preview again") from None
    return round_, True


def _store(programme, preview, created_by):
    """Add the round, its groups and its queued work to the session, all in one transaction."""
    plan = preview.plan
    round_ = Round(
        programme_id=programme.id,
        number=preview.number,
        seed=str(preview.seed),
        pool_hash=preview.pool_hash,
        policy={"odd": preview.policy.odd, "same_org": preview.policy.same_org},
        bent=[
            {"rule": b.rule, "pairs": [list(p) for p in b.pairs], "reason": b.reason}
            for b in plan.bent
        ],
        round_date=preview.round_date,
        meet_by=preview.meet_by,
        closes_on=closes_on(programme, preview.meet_by),
        odd_person_id=plan.odd_one,
        odd_role=("sit_out" if plan.sits_out is not None else "trio")
        if plan.odd_one is not None
        else None,
        cards_total=sum(len(g) for g in plan.groups),
        waiting=[[person.id, reason] for person, reason in preview.waiting],
        created_by=created_by[:64],
    )
    db.session.add(round_)
    db.session.flush()
    leads = []
    for position, ids in enumerate(plan.groups):
        leads.append(lead_of(programme, ids))
        group = Group(round_id=round_.id, position=position, lead_person_id=leads[-1])
        db.session.add(group)
        db.session.flush()
        db.session.add_all(GroupMember(group_id=group.id, person_id=pid) for pid in ids)
    for person, reason in preview.waiting:
        if reason == "skipping":
            person.skip_next_round = False  # they have skipped this round: that was the next one
    pause_quiet(programme, preview.quiet, preview.number)
    enqueue(programme, "round.apply", {"round_id": round_.id}, lane=lanes.board(programme))
    queue_introductions(programme, round_, preview, leads)
    return round_


def lead_of(programme, ids):
    """Return who finds a time: whoever in the group has led least often, lowest id on ties."""
    counts = dict.fromkeys(ids, 0)
    query = (
        select(Group.lead_person_id)
        .join(Round)
        .where(Round.programme_id == programme.id, Group.lead_person_id.in_(ids))
    )
    for person_id in db.session.scalars(query):
        counts[person_id] += 1
    return min(ids, key=lambda pid: (counts[pid], pid))
