"""What a participant's page shows of their rounds, as plain data: the open round they are in,
in full (partners, the contact details each partner chose to share, who suggests a time, their
links), and their earlier rounds in brief (when, with whom, what they shared)."""

from dataclasses import dataclass

from sqlalchemy import select

from app.db import db
from app.links import checkin_urls, output_url
from app.models import CheckIn, Group, GroupMember, Output, Person, Round
from app.rounds.membership import group_of, open_round
from app.vocabulary import shared_contacts

LEFT = "someone who has since left"


@dataclass(frozen=True)
class Partner:
    """A partner in the open round: who they are and only what they chose to share."""

    name: str
    organisation: str
    topics: str | None
    contacts: list  # [(label, value)], from vocabulary.shared_contacts


@dataclass(frozen=True)
class OpenRound:
    """The open round the person is in, with everything they need to meet and follow up."""

    number: int
    meet_by: object  # date
    partners: list  # [Partner]
    you_lead: bool  # the person suggests a time to meet
    lead_name: str | None  # or the partner who does (None when that partner has gone)
    answer: str | None  # their check-in answer so far (a vocabulary answer key)
    checkin_urls: dict  # {answer key: signed link}
    output_url: str
    outputs: list  # [url]


@dataclass(frozen=True)
class PastRound:
    """An earlier round in brief: no contact details, only names and what was shared."""

    number: int
    round_date: object  # date
    partner_names: list
    outputs: list  # [url]


def current(person):
    """Return the OpenRound the person is in (a current member of one of its groups), or None."""
    round_ = open_round(person.programme_id)
    group = group_of(person, round_) if round_ is not None else None
    if group is None:
        return None
    partners = _people([pid for pid in group.person_ids if pid != person.id])
    answer = db.session.scalar(
        select(CheckIn.answer).where(CheckIn.round_id == round_.id, CheckIn.person_id == person.id)
    )
    return OpenRound(
        number=round_.number,
        meet_by=round_.meet_by,
        partners=[
            Partner(p.full_name, p.organisation, p.topics, shared_contacts(p))
            for p in partners
            if p.status != "left"
        ],
        you_lead=group.lead_person_id == person.id,
        lead_name=_lead_name(group, partners),
        answer=answer,
        checkin_urls=checkin_urls(person, round_),
        output_url=output_url(person, round_),
        outputs=_outputs(person, round_.id),
    )


def history(person, skip_number=None):
    """Return the person's earlier rounds, newest first, leaving out round skip_number (the
    open one, shown in full)."""
    rows = db.session.execute(
        select(Round, Group)
        .join(Group, Group.round_id == Round.id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.person_id == person.id, GroupMember.left_at.is_(None))
        .order_by(Round.number.desc(), Group.id)
    ).all()
    rounds, partner_ids = {}, {}
    for round_, group in rows:
        if round_.number == skip_number:
            continue
        rounds[round_.number] = round_
        ids = partner_ids.setdefault(round_.number, [])
        ids.extend(pid for pid in group.person_ids if pid != person.id and pid not in ids)
    return [
        PastRound(
            number=number,
            round_date=round_.round_date,
            partner_names=[_name(p) for p in _people(partner_ids[number])],
            outputs=_outputs(person, round_.id),
        )
        for number, round_ in rounds.items()
    ]


def _lead_name(group, partners):
    """Return the name of the partner who suggests a time, or None (it is you, or they left)."""
    named = [p.full_name for p in partners if p.id == group.lead_person_id and p.status != "left"]
    return named[0] if named else None


def _people(ids):
    """Return the people with these ids, in the order given."""
    found = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [found[pid] for pid in ids if pid in found]


def _name(person):
    """Return a past partner's name, or a phrase for one who has left (their name is erased)."""
    return LEFT if person.status == "left" else person.full_name


def _outputs(person, round_id):
    """Return the links the person shared in a round, oldest first."""
    query = select(Output.url).where(
        Output.person_id == person.id, Output.round_id == round_id, Output.url != ""
    )
    return list(db.session.scalars(query.order_by(Output.id)))
