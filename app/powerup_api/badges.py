"""The badges of every participant's card on a board, read in a handful of queries, so the
Power-Up asks once per board render instead of once per card."""

from collections import defaultdict

from sqlalchemy import and_, func, select

from app.db import db
from app.models import CheckIn, Group, GroupMember, Output, Person, Round
from app.vocabulary import BY_ANSWER

SHOWN = ("active", "paused")  # whose cards carry badges; nobody else's are named at all


def badges(partner_first_names, met, shared, paused):
    """Return a card's badges, in the order Trello shows them: partners, paused, met, shared."""
    found = []
    if partner_first_names:
        found.append({"kind": "partners", "text": "With " + " & ".join(partner_first_names)})
    if paused:
        found.append({"kind": "paused", "text": "Paused", "color": "yellow"})
    if met:
        found.append({"kind": "met", "text": BY_ANSWER["met"].card, "color": "blue"})
    if shared:
        found.append({"kind": "shared", "text": "Shared ✓", "color": "green"})
    return found


def board_badges(programme):
    """Return {card id: badges} for every participant's card in the programme."""
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(
                Person.programme_id == programme.id,
                Person.status.in_(SHOWN),
                Person.trello_card_id.is_not(None),
            )
        )
    }
    drawn = _latest_groups(programme)  # person id → (group id, round id)
    members = _members({group for group, _ in drawn.values()})
    names = _first_names({pid for ids in members.values() for pid in ids})
    met = _groups_that_met({group for group, _ in drawn.values()})
    shared = _sharers(people, drawn)
    return {
        person.trello_card_id: badges(
            [names[other] for other in members.get(_group(drawn, pid), []) if other != pid],
            _group(drawn, pid) in met,
            pid in shared,
            person.status == "paused",
        )
        for pid, person in people.items()
    }


def _group(drawn, person_id):
    """Return the person's latest group id, or None before their first round."""
    return drawn.get(person_id, (None, None))[0]


def _latest_groups(programme):
    """Return {person id: (group id, round id)} of each person's latest round in a group."""
    numbered = (
        select(GroupMember.person_id, Group.id, Round.id, Round.number)
        .join(Group, Group.id == GroupMember.group_id)
        .join(Round, Round.id == Group.round_id)
        .where(Round.programme_id == programme.id, GroupMember.left_at.is_(None))
    )
    latest = (
        select(GroupMember.person_id, func.max(Round.number).label("number"))
        .join(Group, Group.id == GroupMember.group_id)
        .join(Round, Round.id == Group.round_id)
        .where(Round.programme_id == programme.id, GroupMember.left_at.is_(None))
        .group_by(GroupMember.person_id)
        .subquery()
    )
    rows = numbered.join(
        latest, and_(latest.c.person_id == GroupMember.person_id, latest.c.number == Round.number)
    )
    return {pid: (group, round_id) for pid, group, round_id, _ in db.session.execute(rows)}


def _members(group_ids):
    """Return {group id: [person ids, in drawn order]}."""
    found = defaultdict(list)
    query = select(GroupMember.group_id, GroupMember.person_id).where(
        GroupMember.group_id.in_(group_ids), GroupMember.left_at.is_(None)
    )
    for group, pid in db.session.execute(query.order_by(GroupMember.id)):
        found[group].append(pid)
    return found


def _first_names(person_ids):
    """Return {person id: first name} ("(left)" stays as it is)."""
    query = select(Person.id, Person.full_name).where(Person.id.in_(person_ids))
    return {pid: (name or "").split(" ")[0] for pid, name in db.session.execute(query)}


def _groups_that_met(group_ids):
    """Return the ids of groups in which somebody answered that they met."""
    query = select(CheckIn.group_id).where(CheckIn.group_id.in_(group_ids), CheckIn.answer == "met")
    return set(db.session.scalars(query))


def _sharers(people, drawn):
    """Return the ids of people with an output in their latest round (any, before their first)."""
    query = select(Output.person_id, Output.round_id).where(Output.person_id.in_(list(people)))
    return {
        pid
        for pid, round_id in db.session.execute(query)
        if pid not in drawn or drawn[pid][1] == round_id
    }
