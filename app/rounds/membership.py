"""Who was drawn with whom: a programme's latest round, a person's group, partners and rounds."""

from sqlalchemy import select

from app.db import db
from app.models import Group, GroupMember, Person, Round


def latest_round(programme_id):
    """Return the programme's latest round, or None before the first."""
    query = select(Round).where(Round.programme_id == programme_id)
    return db.session.scalar(query.order_by(Round.number.desc()).limit(1))


def group_of(person, round_):
    """Return the person's group in a round, or None when they were not drawn in it."""
    query = (
        select(Group)
        .join(GroupMember)
        .where(Group.round_id == round_.id, GroupMember.person_id == person.id)
    )
    return db.session.scalar(query.limit(1))


def current_round_for(person):
    """Return the latest round when the person is in one of its groups, else None."""
    round_ = latest_round(person.programme_id)
    if round_ is None or group_of(person, round_) is None:
        return None
    return round_


def last_drawn(person):
    """Return (round, group) of the latest round the person was drawn in, or (None, None)."""
    row = db.session.execute(
        select(Round, Group)
        .join(Group, Group.round_id == Round.id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.person_id == person.id)
        .order_by(Round.number.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


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
    query = select(GroupMember.person_id).join(Group).where(Group.round_id == round_.id)
    return list(db.session.scalars(query))
