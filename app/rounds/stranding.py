"""Partners who drop out of the open round: whoever pauses, leaves, or has their card taken off
the board leaves their group; the partners they leave behind are told at once, and a partner
left with nobody is stranded: they wait in the round to be re-matched (see rescue). Once a
group has met, nobody is waiting for the meeting: the person stays in it, and nobody is told."""

from sqlalchemy import select

from app.db import db, utcnow
from app.models import CheckIn, Output, Person
from app.people.notify import queue_person_mail
from app.rounds.cards import queue_sync
from app.rounds.life import rescue_after_days
from app.rounds.membership import open_round, place_of
from app.rounds.tally import queue_tally


def leave_open_round(programme, person, now=None):
    """Take the person out of their group in the open round and tell the partners they leave
    behind; return those partners (none when the person was not in the open round)."""
    round_ = open_round(programme.id)
    if round_ is None:
        return []
    mine = place_of(person, round_)
    if mine is None or _already_met(round_, mine.group):
        return []  # not in the round, or the meeting happened: nobody is left waiting for it
    now = now or utcnow()
    mine.left_at = now
    staying = [m for m in mine.group.members if m.left_at is None]
    if staying and mine.group.lead_person_id == person.id:
        mine.group.lead_person_id = staying[0].person_id  # someone left still finds a time
    if now.date() > round_.meet_by:
        queue_tally(programme, round_)
        return []  # the time to meet is over: nobody is left waiting to be re-matched
    partners = []
    for member in staying:
        partner = db.session.get(Person, member.person_id)
        if len(staying) == 1:
            member.stranded_at = now
        partners.append(partner)
        _tell(programme, round_, mine, member, partner, others=len(staying) - 1)
        queue_sync(programme, partner)
    queue_tally(programme, round_)
    return partners


def _already_met(round_, group):
    """Tell whether the group's meeting happened: somebody answered that they met, or shared
    what they learned from it."""
    met = select(CheckIn.id).where(CheckIn.group_id == group.id, CheckIn.answer == "met")
    shared = select(Output.id).where(
        Output.round_id == round_.id,
        Output.person_id.in_([member.person_id for member in group.members]),
    )
    return any(db.session.scalar(query.limit(1)) is not None for query in (met, shared))


def _tell(programme, round_, gone, member, partner, others):
    """Mail a partner once that someone left their group, without naming who."""
    if partner.status != "active" or not partner.email:
        return
    stranded = member.stranded_at is not None
    subject = (
        f"{programme.title} round {round_.number}: your partner can no longer meet"
        if stranded
        else f"{programme.title} round {round_.number}: one of your group can no longer meet"
    )
    queue_person_mail(
        programme,
        partner,
        "partner_left",
        subject,
        dedupe_key=f"left:{gone.group_id}:{gone.person_id}:{partner.id}",
        round=round_,
        stranded=stranded,
        others=others,
        rescue_after=rescue_after_days(programme),
    )


def met_anyway(person, round_):
    """The person says they met, or shared, though their partners left: they wait for nobody,
    so they are no longer stranded (and no rescue re-matches them)."""
    place = place_of(person, round_)
    if place is not None and place.stranded_at is not None:
        place.stranded_at = None
