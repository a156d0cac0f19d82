"""The badges of every participant's card on a board, read in a handful of queries, so the
Power-Up asks once per board render instead of once per card. They show the open round only,
and say the same as the card's list and text (both come from the person's standing)."""

from sqlalchemy import select

from app.db import db
from app.models import Person
from app.rounds.standing import standings
from app.vocabulary import BY_ANSWER

SHOWN = ("active", "paused")  # whose cards carry badges; nobody else's are named at all


def badges(standing, first_names):
    """Return a card's badges, in the order Trello shows them: partners, state, met, shared."""
    found = []
    partners = [first_names[pid] for pid in standing.partner_ids if pid in first_names]
    if partners:
        found.append({"kind": "partners", "text": "With " + " & ".join(partners)})
    state = STATE_BADGES.get(standing.state)
    if state:
        found.append(state(standing))
    if standing.rescued and partners:
        found.append({"kind": "rescued", "text": "Re-matched", "color": "sky"})
    if standing.met:
        found.append({"kind": "met", "text": BY_ANSWER["met"].card, "color": "blue"})
    if standing.shared:
        found.append({"kind": "shared", "text": "Shared ✓", "color": "green"})
    return found


STATE_BADGES = {
    "paused": lambda s: {"kind": "paused", "text": "Paused", "color": "yellow"},
    "quiet": lambda s: {"kind": "quiet", "text": "Paused: quiet", "color": "yellow"},
    "skipping": lambda s: {"kind": "skipping", "text": f"Skipping round {s.skipping}"},
    "stranded": lambda s: {"kind": "stranded", "text": "Partner left", "color": "red"},
}


def board_badges(programme):
    """Return {card id: badges} for every participant's card in the programme."""
    people = list(
        db.session.scalars(
            select(Person).where(
                Person.programme_id == programme.id,
                Person.status.in_(SHOWN),
                Person.trello_card_id.is_not(None),
            )
        )
    )
    found = standings(programme.id, people)
    first_names = _first_names({pid for s in found.values() for pid in s.partner_ids})
    return {person.trello_card_id: badges(found[person.id], first_names) for person in people}


def _first_names(person_ids):
    """Return {person id: first name} of people still taking part (a leaver is not named)."""
    query = select(Person.id, Person.full_name).where(
        Person.id.in_(person_ids), Person.status != "left"
    )
    return {pid: (name or "").split(" ")[0] for pid, name in db.session.execute(query)}
