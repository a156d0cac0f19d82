"""Read the report's plain rows from the database: rounds, organisations, check-ins, outputs."""

from collections import defaultdict

from sqlalchemy import select

from app.db import db
from app.models import CheckIn, Group, GroupMember, Output, Person, Round
from app.report.aggregates import CheckInRow, OutputRow, RoundRow


def _groups(programme):
    """Return {round id: [tuple of person ids per group, in drawn order]}."""
    query = (
        select(Group.round_id, Group.id, GroupMember.person_id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .join(Round, Round.id == Group.round_id)
        .where(Round.programme_id == programme.id, GroupMember.left_at.is_(None))
        .order_by(Group.round_id, Group.position, GroupMember.id)
    )
    members = defaultdict(list)
    for round_id, group_id, person_id in db.session.execute(query):
        members[(round_id, group_id)].append(person_id)
    by_round = defaultdict(list)
    for (round_id, _), ids in members.items():
        by_round[round_id].append(tuple(ids))
    return by_round


def rounds(programme):
    """Return the programme's rounds as RoundRows, oldest first, and {round id: number}."""
    query = select(Round).where(Round.programme_id == programme.id).order_by(Round.number)
    found = list(db.session.scalars(query))
    groups = _groups(programme)
    rows = [
        RoundRow(
            number=r.number,
            round_date=r.round_date,
            groups=tuple(groups.get(r.id, ())),
            sit_out=r.odd_person_id if r.odd_role == "sit_out" else None,
            bent=tuple(r.bent or ()),
            avoid_same_org=(r.policy or {}).get("same_org", "avoid") == "avoid",
        )
        for r in found
    ]
    return rows, {r.id: r.number for r in found}


def organisations(programme):
    """Return {person id: organisation} for everyone, including people who left."""
    query = select(Person.id, Person.organisation).where(Person.programme_id == programme.id)
    return {pid: (org or "").strip() for pid, org in db.session.execute(query)}


def check_ins(programme, numbers):
    """Return every check-in as a CheckInRow (no free text)."""
    query = select(
        CheckIn.round_id,
        CheckIn.person_id,
        CheckIn.answer,
        CheckIn.challenged,
        CheckIn.new_connection,
    ).where(CheckIn.programme_id == programme.id)
    return [
        CheckInRow(numbers[round_id], pid, answer, challenged, new)
        for round_id, pid, answer, challenged, new in db.session.execute(query)
        if round_id in numbers
    ]


def outputs(programme, numbers):
    """Return every output as an OutputRow: with its round's number, or None between rounds."""
    query = select(Output.round_id, Output.person_id, Output.created_at, Output.url).where(
        Output.programme_id == programme.id
    )
    return [
        OutputRow(numbers.get(round_id), pid, created.date(), url)
        for round_id, pid, created, url in db.session.execute(query)
        if round_id is None or round_id in numbers
    ]


def report_rows(programme):
    """Return (rounds, organisations, check-ins, outputs): everything the report is made of."""
    round_rows, numbers = rounds(programme)
    return (
        round_rows,
        organisations(programme),
        check_ins(programme, numbers),
        outputs(programme, numbers),
    )
