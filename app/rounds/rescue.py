"""Rescue: stranded people (every partner left the open round) re-matched with each other,
under the draw's own rules: no repeat pairs, across organisations, a trio when the count is
odd. An organiser rescues from the Power-Up or the CLI; the worker does it on its own once
someone has waited the programme's rescue_after_days.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select, update

from app.db import db, utcnow
from app.models import Group, GroupMember, Person
from app.pairing import Policy, PoolTooSmall, new_seed, plan_round
from app.rounds import pool as pools
from app.rounds.cards import queue_sync
from app.rounds.introductions import queue_rescue_introductions
from app.rounds.life import days_left, rescue_after_days
from app.rounds.membership import open_round, waiting_for_rescue
from app.rounds.service import lead_of, policy_of
from app.rounds.tally import queue_tally


class RescueRaced(Exception):
    """Another rescue of the same round took these people at the same moment: nothing was
    done here (the caller rolls back), and theirs stands."""


@dataclass
class Rescue:
    """What a rescue did: the new groups (people), and who still waits with no partner."""

    round: object
    seed: int | None = None
    groups: list = field(default_factory=list)
    waiting: list = field(default_factory=list)


def waiting_text(outcome):
    """Return the sentence about stranded people still without a partner: a count, so a
    never-pair list can never be read from who is left."""
    count = len(outcome.waiting)
    who = "1 person still waits" if count == 1 else f"{count} people still wait"
    return f"{who} with no possible partner yet."


def stranded(round_):
    """Return the round's stranded people who still take part, in the order they were left."""
    query = (
        select(Person, GroupMember)
        .join(GroupMember, GroupMember.person_id == Person.id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(*waiting_for_rescue(round_), Person.status == "active")
        .order_by(GroupMember.stranded_at, GroupMember.id)
    )
    return list(db.session.execute(query))


def rescue(programme, round_=None, seed=None, today=None, dry_run=False):
    """Re-match the open round's stranded people with each other; return a Rescue.

    One stranded person alone waits (they are told they will be first next round if nobody
    joins them). The caller commits.
    """
    today = today or date.today()
    round_ = round_ or open_round(programme.id, today)
    if round_ is None:
        return Rescue(round=None)
    found = stranded(round_)
    people = [person for person, _ in found]
    outcome = Rescue(round=round_, waiting=list(people))
    if len(people) < 2 or today >= round_.meet_by:
        return outcome  # nobody to pair them with, or no days left to meet in
    outcome.seed = new_seed(random.SystemRandom()) if seed is None else seed
    policy = Policy(odd="trio", same_org=policy_of(programme).same_org)
    candidates = pools.candidates(programme, people)
    try:
        plan = plan_round(
            candidates, policy, random.Random(outcome.seed), round_number=round_.number
        )
    except PoolTooSmall:
        return outcome
    by_id = {p.id: p for p in people}
    outcome.groups = [[by_id[pid] for pid in ids] for ids in plan.groups]
    placed = {pid for ids in plan.groups for pid in ids}
    outcome.waiting = [p for p in people if p.id not in placed]
    if not dry_run:
        _store(programme, round_, outcome, dict((p.id, m) for p, m in found), today)
    return outcome


def _store(programme, round_, outcome, memberships, today):
    """Add the rescue groups, close the stranded places, and queue cards, tally and mail.

    Each stranded place is claimed by an update that only succeeds while it is still open, so
    two rescues at once (two workers, or a worker and an organiser) cannot both re-match the
    same person: the second raises RescueRaced.
    """
    now = utcnow()
    for person in (p for group in outcome.groups for p in group):
        claim = (
            update(GroupMember)
            .where(GroupMember.id == memberships[person.id].id, GroupMember.left_at.is_(None))
            .values(left_at=now)
        )
        if db.session.execute(claim).rowcount != 1:
            raise RescueRaced("another rescue re-matched these people a moment ago")
    position = max((g.position for g in round_.groups), default=-1) + 1
    for offset, people in enumerate(outcome.groups):
        ids = [p.id for p in people]
        group = Group(
            round_id=round_.id,
            position=position + offset,
            kind="rescue",
            lead_person_id=lead_of(programme, ids),
        )
        db.session.add(group)
        db.session.flush()
        # Their stranded places ended above; history keeps them.
        db.session.add_all(GroupMember(group_id=group.id, person_id=p.id) for p in people)
        db.session.flush()
        lead = db.session.get(Person, group.lead_person_id)
        queue_rescue_introductions(programme, round_, group, people, lead, days_left(round_, today))
        for person in people:
            queue_sync(programme, person)
    db.session.expire(round_, ["groups"])
    queue_tally(programme, round_)


def rescue_due(programme, now=None):
    """Rescue the open round once a stranded person has waited rescue_after_days; return how
    many people were re-matched."""
    now = now or utcnow()
    round_ = open_round(programme.id, now.date())
    if round_ is None:
        return 0
    due = now - timedelta(days=rescue_after_days(programme))
    found = stranded(round_)
    if len(found) < 2 or not any(member.stranded_at <= due for _, member in found):
        return 0
    outcome = rescue(programme, round_, today=now.date())
    return sum(len(group) for group in outcome.groups)
