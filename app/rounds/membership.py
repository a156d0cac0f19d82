"""Who was drawn with whom: a programme's rounds, which one is open, a person's group and
partners. A member who left their group (left the scheme, paused, was re-matched) is no
longer in it, though the pairing's history still counts them."""

from datetime import date

from sqlalchemy import select

from app.db import db
from app.models import Group, GroupMember, Output, Person, Round


def latest_round(programme_id):
    """Return the programme's latest round, or None before the first."""
    query = select(Round).where(Round.programme_id == programme_id)
    return db.session.scalar(query.order_by(Round.number.desc()).limit(1))


def is_open(round_, today=None):
    """Tell whether a round is open: not closed by an organiser, and its close date not past."""
    today = today or date.today()
    return round_ is not None and round_.closed_at is None and today <= round_.closes_on


def open_round(programme_id, today=None):
    """Return the programme's open round (at most one: the latest), or None."""
    round_ = latest_round(programme_id)
    return round_ if is_open(round_, today) else None


def place_of(person, round_):
    """Return the person's place (GroupMember) in one of a round's groups, or None."""
    query = (
        select(GroupMember)
        .join(Group)
        .where(
            Group.round_id == round_.id,
            GroupMember.person_id == person.id,
            GroupMember.left_at.is_(None),
        )
    )
    return db.session.scalar(query.limit(1))


def group_of(person, round_):
    """Return the person's group in a round, or None when they are not in one of its groups."""
    place = place_of(person, round_)
    return place.group if place is not None else None


def last_group_of(person, round_):
    """Return the last group the person had in a round, whether or not they stayed in it."""
    query = (
        select(Group)
        .join(GroupMember)
        .where(Group.round_id == round_.id, GroupMember.person_id == person.id)
        .order_by(GroupMember.id.desc())
    )
    return db.session.scalar(query.limit(1))


def current_round_for(person, today=None):
    """Return the open round when the person is in one of its groups, else None."""
    round_ = open_round(person.programme_id, today)
    if round_ is None or group_of(person, round_) is None:
        return None
    return round_


def latest_round_of(person):
    """Return the latest round the person was drawn in (whether or not they stayed in it)."""
    query = (
        select(Round)
        .join(Group, Group.round_id == Round.id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.person_id == person.id)
        .order_by(Round.number.desc())
    )
    return db.session.scalar(query.limit(1))


def drawn_in(person, round_):
    """Tell whether the person was drawn in the round (whether or not they stayed in it)."""
    query = (
        select(GroupMember.id)
        .join(Group)
        .where(Group.round_id == round_.id, GroupMember.person_id == person.id)
    )
    return db.session.scalar(query.limit(1)) is not None


def partners_of(person, round_):
    """Return the other people in the person's group in a round (none when not drawn)."""
    group = group_of(person, round_)
    if group is None:
        return []
    ids = [pid for pid in group.person_ids if pid != person.id]
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def round_people(round_):
    """Return the ids of everyone grouped in a round."""
    if round_ is None:
        return []
    query = (
        select(GroupMember.person_id)
        .join(Group)
        .where(Group.round_id == round_.id, GroupMember.left_at.is_(None))
    )
    return list(db.session.scalars(query))


def drawn_people(round_):
    """Return the ids of everyone drawn in a round, whether or not they stayed in it."""
    query = select(GroupMember.person_id).join(Group).where(Group.round_id == round_.id)
    return sorted(set(db.session.scalars(query)))


def stranded_people(round_):
    """Return the ids of a round's people whose partners all left it: they wait to be
    re-matched."""
    query = select(GroupMember.person_id).join(Group).where(*waiting_for_rescue(round_))
    return list(db.session.scalars(query.order_by(GroupMember.id)))


def waiting_for_rescue(round_):
    """Return the conditions on a GroupMember (joined to its Group) of a stranded place in the
    round: every partner gone, and nothing shared since (sharing says the meeting happened)."""
    shared = select(Output.id).where(
        Output.round_id == round_.id, Output.person_id == GroupMember.person_id
    )
    return (
        Group.round_id == round_.id,
        GroupMember.left_at.is_(None),
        GroupMember.stranded_at.is_not(None),
        ~shared.exists(),
    )
