"""Where a person stands in the latest round: their round, group and partners."""

from sqlalchemy import select

from app.db import db
from app.models import Person
from app.rounds.models import Group, GroupMember, Round


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


def partners_of(person, round_):
    """Return the other people in the person's group in a round (none when not drawn)."""
    group = group_of(person, round_)
    if group is None:
        return []
    ids = [pid for pid in group.person_ids if pid != person.id]
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def person_for_card(programme, card_id):
    """Return the participant whose card this is, or None (round cards, strangers' cards)."""
    if not card_id:
        return None
    query = select(Person).where(
        Person.programme_id == programme.id, Person.trello_card_id == card_id
    )
    return db.session.scalar(query)


def round_people(round_):
    """Return the ids of everyone grouped in a round."""
    query = select(GroupMember.person_id).join(Group).where(Group.round_id == round_.id)
    return list(db.session.scalars(query))
