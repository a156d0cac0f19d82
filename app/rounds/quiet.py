"""Quiet people: drawn in the programme's last rounds (a setting, default 2) without a check-in
answer or an output in any of them. Before the next draw they are paused and asked, once,
whether they still want to take part; one click brings them back. So their partners are never
stranded by them again.
"""

from collections import defaultdict

from sqlalchemy import select

from app.db import db
from app.links import back_url
from app.models import CheckIn, Group, GroupMember, Output, Round
from app.people import lifecycle
from app.people.notify import queue_person_mail
from app.rounds.cards import queue_sync

DEFAULT_QUIET_AFTER_ROUNDS = 2


def quiet_after_rounds(programme):
    """Return how many silent rounds in a row make a person quiet (0: never)."""
    settings = programme.settings or {}
    return int(settings.get("quiet_after_rounds", DEFAULT_QUIET_AFTER_ROUNDS))


def quiet_people(programme, people):
    """Return the people, of these, whose last rounds were all silent (asked before a draw,
    which closes the open round: so every round counted is closed by the time it counts)."""
    needed = quiet_after_rounds(programme)
    if needed < 1 or not people:
        return []
    ids = {p.id for p in people}
    rounds = _drawn_rounds(programme, ids)
    heard = _heard(programme, ids)
    quiet = []
    for person in people:
        # Rounds before someone came back from a pause are behind them: counting starts again.
        since = person.quiet_from_round or 0
        last = [(r, stranded) for r, stranded in rounds.get(person.id, []) if r.number > since]
        last = last[:needed]
        if len(last) < needed:
            continue
        if all((person.id, r.id) not in heard and not stranded for r, stranded in last):
            quiet.append(person)
    return quiet


def _drawn_rounds(programme, ids):
    """Return {person id: [(round, ended stranded)]}, newest round first."""
    query = (
        select(GroupMember.person_id, GroupMember.left_at, GroupMember.stranded_at, Round)
        .join(Group, Group.id == GroupMember.group_id)
        .join(Round, Round.id == Group.round_id)
        .where(Round.programme_id == programme.id, GroupMember.person_id.in_(ids))
    )
    places = defaultdict(dict)  # person → round id → (round, stranded to the end)
    for person_id, left_at, stranded_at, round_ in db.session.execute(query):
        # A rescued person has two places in a round: the one they ended it in counts.
        if left_at is None or round_.id not in places[person_id]:
            places[person_id][round_.id] = (round_, left_at is None and stranded_at is not None)
    return {
        pid: sorted(found.values(), key=lambda item: -item[0].number)
        for pid, found in places.items()
    }


def _heard(programme, ids):
    """Return {(person id, round id)} where the person answered a check-in or shared."""
    answered = select(CheckIn.person_id, CheckIn.round_id).where(
        CheckIn.programme_id == programme.id, CheckIn.person_id.in_(ids)
    )
    shared = select(Output.person_id, Output.round_id).where(
        Output.programme_id == programme.id, Output.person_id.in_(ids)
    )
    return {tuple(row) for q in (answered, shared) for row in db.session.execute(q)}


def pause_quiet(programme, people, next_number):
    """Pause quiet people before a draw, move their cards, and ask each once by mail."""
    for person in people:
        lifecycle.pause(person, None, "quiet")
        queue_sync(programme, person, move=True)
        queue_person_mail(
            programme,
            person,
            "quiet",
            f"{programme.title}: do you still want to take part?",
            dedupe_key=f"quiet:{next_number}:{person.id}",
            back_url=back_url(person),
            rounds=quiet_after_rounds(programme),
        )
