"""Where each person stands, read from the database: the one answer the board's lists, the
cards' text and the Power-Up's badges all show, so they cannot disagree.

Only the open round counts as "in a round"; earlier rounds are history. A handful of queries
answer for a whole board at once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.db import db
from app.models import CheckIn, Group, GroupMember, Output, Round
from app.rounds.membership import latest_round, open_round

# Each state, and the list its card belongs in (None: no card on the board).
LIST_OF = {
    "in_round": "matched",  # in the open round, not shared yet
    "stranded": "matched",  # in the open round, every partner gone: waits for a rescue
    "shared": "shared",  # shared in the open round
    "waiting": "signups",  # waits for the next round
    "skipping": "signups",  # skips the next round by choice, then waits again
    "paused": "paused",  # paused by themselves or an organiser
    "quiet": "paused",  # paused by the service after rounds without a word
    "pending": None,  # has not confirmed their sign-up
    "left": None,  # left the scheme: their card is archived
}
QUERY_BY_ID_UP_TO = 500  # more people than this: read the programme's rows and filter here


@dataclass
class PastRound:
    """A round the person was drawn in, as their card's history line tells it."""

    number: int
    met: bool = False
    shared: bool = False


@dataclass
class Standing:
    """One person's place: their state, their open round and group, and their history."""

    person_id: int
    state: str
    round: Round | None = None  # the open round, when they are in it
    group_id: int | None = None
    partner_ids: list = field(default_factory=list)
    lead_person_id: int | None = None
    rescued: bool = False  # re-matched in the open round after being stranded
    met: bool = False  # somebody in their group answered "we met"
    shared: bool = False  # they have an output in the open round
    next_number: int = 1  # the number the next round will have
    skipping: int | None = None  # the round they skip: the open one, or the next
    history: list = field(default_factory=list)  # PastRound, newest first

    @property
    def list_key(self):
        """Return the board list this person's card belongs in, or None."""
        return LIST_OF[self.state]

    @property
    def in_open_round(self):
        """Tell whether the person is in a group of the open round."""
        return self.round is not None


def standing_of(person, today=None):
    """Return one person's Standing."""
    return standings(person.programme_id, [person], today)[person.id]


def standings(programme_id, people, today=None):
    """Return {person id: Standing} for these people of one programme."""
    today = today or date.today()
    people = list(people)
    ids = {p.id for p in people}
    open_ = open_round(programme_id, today)
    latest = latest_round(programme_id)
    memberships = _memberships(programme_id, ids)
    outputs = _outputs(programme_id, ids)
    met_groups, met_people = _met(programme_id, ids)
    skipped = {pid for pid, why in (open_.waiting or []) if why == "skipping"} if open_ else set()
    next_number = (latest.number if latest else 0) + 1
    found = {}
    for person in people:
        rows = memberships.get(person.id, [])
        now_in = next(
            (row for row in rows if open_ and row.round_id == open_.id and row.left_at is None),
            None,
        )
        skipping = (
            next_number
            if person.skip_next_round
            else open_.number
            if person.id in skipped
            else None
        )
        found[person.id] = Standing(
            person_id=person.id,
            state=_state(person, now_in, open_ and (person.id, open_.id) in outputs, skipping),
            next_number=next_number,
            skipping=skipping,
            history=_history(person.id, rows, open_, outputs, met_people),
        )
        if now_in is not None:
            _fill_round(found[person.id], open_, now_in, memberships, outputs, met_groups)
    return found


def _state(person, now_in, shared, skipping):
    """Return a person's state from their record and their place in the open round."""
    if person.status in ("left", "pending"):
        return person.status
    if now_in is not None and person.status == "active":
        if shared:
            return "shared"  # whatever happened to the group, they shared from it
        return "in_round" if now_in.stranded_at is None else "stranded"
    if person.status == "paused":
        return "quiet" if person.paused_reason == "quiet" else "paused"
    return "waiting" if skipping is None else "skipping"


def _fill_round(standing, open_, row, memberships, outputs, met_groups):
    """Add the open round's group, partners and progress to a Standing."""
    standing.round, standing.group_id = open_, row.group_id
    standing.lead_person_id, standing.rescued = row.lead_person_id, row.kind == "rescue"
    standing.partner_ids = [
        other.person_id
        for other in memberships.get(("group", row.group_id), [])
        if other.person_id != standing.person_id and other.left_at is None
    ]
    standing.met = row.group_id in met_groups
    standing.shared = (standing.person_id, open_.id) in outputs


def _history(person_id, rows, open_, outputs, met_people):
    """Return the rounds before the open one that the person was drawn in, newest first."""
    numbers = {}
    for row in rows:
        if open_ is not None and row.round_id == open_.id:
            continue
        numbers[row.round_id] = row.number
    return [
        PastRound(
            number=number,
            met=(person_id, round_id) in met_people,
            shared=(person_id, round_id) in outputs,
        )
        for round_id, number in sorted(numbers.items(), key=lambda item: -item[1])
    ]


def _limit(query, column, ids):
    """Filter by person id when there are few; a whole programme is cheaper read at once."""
    return query.where(column.in_(ids)) if len(ids) <= QUERY_BY_ID_UP_TO else query


def _memberships(programme_id, ids):
    """Return {person id: [rows]} and {("group", group id): [rows]} of every membership.

    Group rows are listed for every member of a group one of these people is in, so their
    partners are known even when the partners themselves were not asked about.
    """
    columns = (
        GroupMember.id,
        GroupMember.person_id,
        GroupMember.group_id,
        GroupMember.left_at,
        GroupMember.stranded_at,
        Group.kind,
        Group.lead_person_id,
        Group.round_id,
        Round.number,
    )
    base = (
        select(*columns)
        .join(Group, Group.id == GroupMember.group_id)
        .join(Round, Round.id == Group.round_id)
        .where(Round.programme_id == programme_id)
    )
    mine = db.session.execute(_limit(base, GroupMember.person_id, ids)).all()
    by_key = defaultdict(list)
    for row in mine:
        if row.person_id in ids:
            by_key[row.person_id].append(row)
    group_ids = {row.group_id for row in mine if row.person_id in ids}
    if len(ids) <= QUERY_BY_ID_UP_TO:
        rows = db.session.execute(base.where(GroupMember.group_id.in_(group_ids))).all()
    else:
        rows = mine
    for row in sorted(rows, key=lambda r: r.id):  # drawn order
        if row.group_id in group_ids:
            by_key[("group", row.group_id)].append(row)
    return by_key


def _outputs(programme_id, ids):
    """Return {(person id, round id)} of every output these people have recorded."""
    query = select(Output.person_id, Output.round_id).where(Output.programme_id == programme_id)
    return {tuple(row) for row in db.session.execute(_limit(query, Output.person_id, ids))}


def _met(programme_id, ids):
    """Return (group ids where somebody met, {(person id, round id)} of each "we met")."""
    query = select(CheckIn.group_id, CheckIn.person_id, CheckIn.round_id).where(
        CheckIn.programme_id == programme_id, CheckIn.answer == "met"
    )
    if len(ids) <= QUERY_BY_ID_UP_TO:
        # Partners' answers count for the group: every answer in these people's groups.
        mine = select(GroupMember.group_id).where(GroupMember.person_id.in_(ids))
        query = query.where(CheckIn.group_id.in_(mine))
    groups, people = set(), set()
    # Partners' answers count for the group, so they are read whoever answered.
    for group_id, person_id, round_id in db.session.execute(query):
        groups.add(group_id)
        people.add((person_id, round_id))
    return groups, people
