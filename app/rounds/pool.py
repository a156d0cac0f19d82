"""Who is in a round's pool, and the history the draw must respect, read from the database."""

import hashlib
import json
from collections import defaultdict

from sqlalchemy import select

from app.db import db
from app.models import Group, GroupMember, Person, Round
from app.pairing import Person as Candidate
from app.people.avoidances import avoid_map
from app.rounds.membership import latest_round, round_people
from app.vocabulary import long_date

# Why someone waits, as organisers read it in the preview and the CLI (the keys are stored).
SAID = {"skipping": "skipping this round", "every other round": "takes part every other round"}


def eligible_people(programme, round_date):
    """Return (pool, waiting): confirmed active people who take part this round, and why not."""
    query = select(Person).where(Person.programme_id == programme.id, Person.status == "active")
    previous = set(round_people(latest_round(programme.id)))
    pool, waiting = [], []
    for person in db.session.scalars(query.order_by(Person.id)):
        reason = _reason_to_wait(person, round_date, previous)
        (waiting if reason else pool).append((person, reason) if reason else person)
    return pool, waiting


def _reason_to_wait(person, round_date, previous):
    """Return why a person sits this round out by their own choice, or None."""
    if person.confirmed_at is None or person.left_at is not None:
        return "not confirmed"
    if person.paused_until is not None and person.paused_until >= round_date:
        return "paused"
    if getattr(person, "skip_next_round", False):
        return "skipping"
    if person.frequency == "every_other" and person.id in previous:
        return "every other round"
    if not person.trello_card_id:
        return "card not yet on the board"
    return None


def said_reason(person, reason):
    """Return why a person waits this round in words: "paused until 13 January 2027"."""
    if reason == "paused" and person.paused_until is not None:
        return f"paused until {long_date(person.paused_until)}"
    return SAID.get(reason, reason)


def history(programme, person_ids):
    """Return {person id: (past partner ids, rounds in which they were the odd one)}."""
    partners, odd = defaultdict(set), defaultdict(list)
    rows = db.session.execute(
        select(GroupMember.group_id, GroupMember.person_id)
        .join(Group)
        .join(Round)
        .where(Round.programme_id == programme.id)
    )
    groups = defaultdict(list)
    for group_id, person_id in rows:
        groups[group_id].append(person_id)
    for members in groups.values():
        for person_id in members:
            partners[person_id].update(m for m in members if m != person_id)
    query = select(Round.number, Round.odd_person_id).where(Round.programme_id == programme.id)
    for number, person_id in db.session.execute(query):
        if person_id is not None:
            odd[person_id].append(number)
    return {pid: (frozenset(partners[pid]), tuple(sorted(odd[pid]))) for pid in person_ids}


def candidates(programme, people):
    """Return the pairing module's view of these people: their history, and whom they must
    never be drawn with (their own lists and others' lists that name them)."""
    past = history(programme, [p.id for p in people])
    avoid = avoid_map(programme.id)
    return [
        Candidate(
            id=p.id,
            organisation=p.organisation,
            past_partners=past[p.id][0],
            odd_roles=past[p.id][1],
            avoid=avoid.get(p.id, frozenset()),
        )
        for p in people
    ]


def pool_hash(candidates_, policy, plan):
    """Return a fingerprint of the pool, its history and the draw it gives, to tell a preview
    is still current. Never-pair lists count only through the draw they shape, so the
    fingerprint says nothing of them that the preview does not show."""
    data = [[c.id, c.organisation, sorted(c.past_partners), list(c.odd_roles)] for c in candidates_]
    drawn = [[list(group) for group in plan.groups], list(plan.unplaced), plan.sits_out]
    text = json.dumps([sorted(data), [policy.odd, policy.same_org], drawn], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
