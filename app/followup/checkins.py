"""Check-ins: each person's answer to "did you meet?" for a round, changeable, shown on the card."""

from sqlalchemy import select

from app.db import db, insert_once
from app.models import CheckIn, Programme
from app.rounds import stranding, taking_part
from app.rounds.cards import queue_sync
from app.rounds.membership import group_of, last_group_of
from app.rounds.tally import queue_tally
from app.vocabulary import ANSWER_KEYS


def record_check_in(person, round_, answer, learned=None, challenged=None, new_connection=None):
    """Record or change a person's check-in for a round and queue it onto their card.

    Optional answers given as None keep what was answered before. The caller commits.
    """
    if answer not in ANSWER_KEYS:
        raise ValueError(f"answer must be one of {ANSWER_KEYS}")
    # Someone who left their group (paused after meeting, say) still answers for it.
    group = group_of(person, round_) or last_group_of(person, round_)
    if group is None:
        raise ValueError("the person was not drawn in this round")
    # Two clicks at once: whichever inserts second becomes an update of the first.
    insert_once(
        CheckIn,
        ("round_id", "person_id"),
        programme_id=person.programme_id,
        round_id=round_.id,
        group_id=group.id,
        person_id=person.id,
        answer=answer,
    )
    check_in = _find(person, round_)
    check_in.answer = answer
    if learned is not None:
        check_in.learned = learned.strip()[:280] or None
    if challenged is not None:
        check_in.challenged = int(challenged)
    if new_connection is not None:
        check_in.new_connection = bool(new_connection)
    programme = db.session.get(Programme, person.programme_id)
    if answer == "met":
        stranding.met_anyway(person, round_)
    taking_part.heard_from(programme, person)
    queue_sync(programme, person)
    queue_tally(programme, round_)
    return check_in


def _find(person, round_):
    """Return the person's check-in for the round, or None."""
    query = select(CheckIn).where(CheckIn.round_id == round_.id, CheckIn.person_id == person.id)
    return db.session.scalar(query)
