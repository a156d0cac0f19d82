"""Plain JSON shapes of what the Power-Up shows: a previewed draw and one person's card."""

from sqlalchemy import select

from app.db import db
from app.models import CheckIn, Output, Person, Round
from app.rounds.describe import bend_sentences
from app.rounds.membership import is_open
from app.rounds.pool import said_reason
from app.rounds.standing import standing_of
from app.vocabulary import BY_ANSWER, CHANNELS, shown


def _who(person):
    """Return a person's name and organisation, the way a preview lists them."""
    return {"id": person.id, "name": person.full_name, "organisation": person.organisation}


def preview_json(preview):
    """Return a Preview as JSON: groups with organisations, who waits, which rules bent, seed."""
    people, plan = preview.people, preview.plan
    return {
        "round": preview.number,
        "seed": str(preview.seed),
        "pool_hash": preview.pool_hash,
        "pool_size": len(people),
        "round_date": preview.round_date.isoformat(),
        "meet_by": preview.meet_by.isoformat(),
        "policy": {"odd": preview.policy.odd, "same_org": preview.policy.same_org},
        "groups": [[_who(people[i]) for i in ids] for ids in plan.groups],
        "sits_out": _who(people[plan.sits_out]) if plan.sits_out is not None else None,
        "waiting": [{**_who(p), "reason": said_reason(p, why)} for p, why in preview.waiting],
        "bent": [_bend_json(b, people) for b in plan.bent],
        "open_round": _open_round_json(preview.open_round),
        "quiet": [_who(p) for p in preview.quiet],
        "unplaced": preview.unplaced,
    }


def _bend_json(bend, people):
    """Return a rule the draw had to bend: its key, the draw's reason, and the sentences an
    organiser reads ("Ada Lovelace and Tom Reid meet again: there was no other way.")."""
    said = bend_sentences(
        bend, lambda pid: people[pid].full_name, lambda pid: people[pid].organisation
    )
    return {"rule": bend.rule, "reason": bend.reason, "sentences": said}


def _open_round_json(open_round):
    """Return the open round a confirm would close, or None."""
    if open_round is None:
        return None
    return {
        "id": open_round.id,
        "number": open_round.number,
        "meet_by": open_round.meet_by.isoformat(),
        "closes_on": open_round.closes_on.isoformat(),
        "met": open_round.met,
        "shared": open_round.shared,
        "total": open_round.total,
        "stranded": open_round.stranded,
    }


def rescue_json(outcome):
    """Return what a rescue did: the new groups, and who still has no possible partner."""
    return {
        "round": outcome.round.number,
        "groups": [[_who(p) for p in group] for group in outcome.groups],
        "waiting": len(outcome.waiting),
    }


def round_json(round_):
    """Return a round's progress on the board."""
    return {
        "id": round_.id,
        "number": round_.number,
        "seed": round_.seed,
        "status": round_.status,
        "cards_done": round_.cards_done,
        "cards_total": round_.cards_total,
        "meet_by": round_.meet_by.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        "closed": not is_open(round_),
    }


def first_name(person):
    """Return the first word of a name (blank once a person has left)."""
    return (person.full_name or "").split(" ")[0]


def card_json(person, with_contact):
    """Return what a card's badges and section show, for the open round only (earlier rounds
    are a history of numbers); contact details only when asked for."""
    standing = standing_of(person)
    round_ = standing.round
    partners = list(
        db.session.scalars(
            select(Person).where(Person.id.in_(standing.partner_ids), Person.status != "left")
        )
    )
    partners.sort(key=lambda p: standing.partner_ids.index(p.id))
    check_ins = _check_ins(round_, [person.id] + [p.id for p in partners])
    outputs = _outputs(person, round_) if round_ else []
    body = {
        "person": {
            "name": person.full_name,
            "first_name": first_name(person),
            "organisation": person.organisation,
            "status": person.status,
            "topics": person.topics,
        },
        "round": round_json(round_) if round_ else None,
        "partners": [
            {**_who(p), "first_name": first_name(p), "card_url": _card_url(p)} for p in partners
        ],
        "check_in": _check_in_json(check_ins.get(person.id)),
        "outputs": [{"url": o.url, "source": o.source} for o in outputs if o.url],
        "status": {
            "state": standing.state,
            "met": standing.met,
            "shared": standing.shared,
            "paused": standing.state in ("paused", "quiet"),
            "stranded": standing.state == "stranded",
            "rescued": standing.rescued,
            "skipping": standing.skipping,
        },
        "history": [
            {"round": past.number, "met": past.met, "shared": past.shared}
            for past in standing.history
        ],
    }
    if with_contact:
        body["contact"] = [
            {
                "channel": c.field,
                "label": c.label,
                "value": shown(c.field, getattr(person, c.field)),
            }
            for c in CHANNELS
            if getattr(person, c.field)
        ]
    return body


def _check_in_json(check_in):
    """Return a check-in's answer, as a key and as people read it, and what was learned."""
    if check_in is None:
        return None
    label = BY_ANSWER[check_in.answer].choice
    return {"answer": check_in.answer, "label": label, "learned": check_in.learned}


def round_for_card(programme, card_id):
    """Return the programme's round whose card this is, or None."""
    query = select(Round).where(Round.programme_id == programme.id, Round.round_card_id == card_id)
    return db.session.scalar(query)


def _card_url(person):
    """Return a link to a person's card: Trello redirects /c/<card id> to the card."""
    return f"https://trello.com/c/{person.trello_card_id}" if person.trello_card_id else None


def _check_ins(round_, person_ids):
    """Return {person id: check-in} for the round's answers of these people."""
    if round_ is None:
        return {}
    query = select(CheckIn).where(CheckIn.round_id == round_.id, CheckIn.person_id.in_(person_ids))
    return {c.person_id: c for c in db.session.scalars(query)}


def _outputs(person, round_):
    """Return the person's outputs in a round."""
    query = select(Output).where(Output.person_id == person.id, Output.round_id == round_.id)
    return list(db.session.scalars(query.order_by(Output.id)))
