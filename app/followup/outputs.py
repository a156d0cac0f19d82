"""Outputs: a link a participant shared, recorded once, then shown on the board and to partners.

Attachments and comments on a participant's card are outputs, whoever added them (the service
attaches links for participants from their email link); descriptions, round cards and labels
never are. Each output belongs to the round it came from: an email link names its round; one
added on the board goes to the person's open round, or to their round that closed lately, or
to no round ("between rounds", which the report shows the organisers).
"""

from datetime import date, timedelta

from sqlalchemy import select

from app.db import db, insert_once
from app.followup.output_urls import is_output_url, urls_in
from app.links import output_url
from app.models import Output, Programme, person_for_card
from app.people.notify import queue_person_mail
from app.rounds import stranding, taking_part
from app.rounds.cards import queue_sync
from app.rounds.life import closed_on, grace_days_of
from app.rounds.membership import current_round_for, latest_round_of, partners_of
from app.rounds.tally import queue_tally
from app.webhooks.routing import Router

router = Router()


def record_output(person, round_, url, source, action_id=None):
    """Record a person's output for a round and queue the card move, partner mail and tally.

    Returns the Output, or None when that URL was already recorded for them in that round.
    A link first recorded between rounds and now named by the round's own email link moves
    into the round: one output, where it belongs. Everything is added to the caller's
    transaction; the caller commits.
    """
    url = (url or "").strip()
    between = db.session.scalar(
        select(Output).where(
            Output.person_id == person.id, Output.round_id.is_(None), Output.url == url
        )
    )
    if between is not None and url:
        between.round_id, output_id = round_.id, between.id
    else:
        output_id = insert_once(
            Output,
            ("person_id", "round_id", "url"),
            programme_id=person.programme_id,
            person_id=person.id,
            round_id=round_.id,
            url=url,
            source=source,
            trello_action_id=str(action_id)[:24] if action_id else None,
        )
    if output_id is None:
        return None
    output = db.session.get(Output, output_id)
    programme = db.session.get(Programme, person.programme_id)
    stranding.met_anyway(person, round_)
    taking_part.heard_from(programme, person)
    queue_sync(programme, person)
    queue_tally(programme, round_)
    if url:
        for partner in partners_of(person, round_):
            if partner.status != "left" and partner.email:
                queue_partner_mail(programme, round_, output, person, partner)
    return output


def queue_partner_mail(programme, round_, output, sharer, partner):
    """Tell a partner what the sharer shared, with their own link to add theirs."""
    return queue_person_mail(
        programme,
        partner,
        "output_shared",
        f"{programme.title} round {round_.number}: {sharer.full_name} shared what they learned",
        dedupe_key=f"output:{output.id}:{partner.id}",
        sharer=sharer,
        url=output.url,
        round=round_,
        output_url=output_url(partner, round_),
    )


def outputs_from_action(action):
    """Return (card id, [(url, source)]) for an attachment or comment action; pure."""
    data = action.get("data") or {}
    card_id = (data.get("card") or {}).get("id")
    if action.get("type") == "addAttachmentToCard":
        url = str((data.get("attachment") or {}).get("url") or "")
        return card_id, [(url, "attachment")] if is_output_url(url) else []
    if action.get("type") == "commentCard":
        return card_id, [(url, "comment") for url in urls_in(str(data.get("text") or ""))]
    return card_id, []


def record_action_outputs(programme, action, today=None):
    """Record the outputs an action carries on a participant's card, in the round they belong
    to (see round_for_board_output); return how many were new. A link the person already has
    an output for, in any round, is the same output (the service's own attachment of a link
    given through an email link comes back this way)."""
    card_id, found = outputs_from_action(action)
    person = person_for_card(programme, card_id) if found else None
    if person is None or person.status == "left":
        return 0
    return sum(
        record_board_output(person, url, source, action.get("id"), today) is not None
        for url, source in found
    )


def record_board_output(person, url, source, action_id=None, today=None):
    """Record a link found on the person's card in the round it belongs to; return the Output,
    or None when the person already has an output with this link."""
    if known_output(person, url):
        return None
    round_ = round_for_board_output(person, today)
    if round_ is None:
        return record_between_rounds(person, url, source, action_id)
    return record_output(person, round_, url, source, action_id)


def round_for_board_output(person, today=None):
    """Return the round an output added on the board belongs to: the person's open round;
    else their latest round if it closed no longer ago than the grace period; else None
    (between rounds)."""
    today = today or date.today()
    round_ = current_round_for(person, today)
    if round_ is not None:
        return round_
    latest = latest_round_of(person)
    if latest is not None and today <= closed_on(latest) + timedelta(days=grace_days_of(person)):
        return latest
    return None


def known_output(person, url):
    """Tell whether the person has an output with this URL already, in any round or none."""
    query = select(Output.id).where(Output.person_id == person.id, Output.url == url.strip())
    return db.session.scalar(query.limit(1)) is not None


def record_between_rounds(person, url, source, action_id=None):
    """Record an output that belongs to no round (the person's last round closed too long
    ago); the report lists these for the organisers. Returns the Output, or None if known."""
    if known_output(person, url):
        return None
    output = Output(
        programme_id=person.programme_id,
        person_id=person.id,
        round_id=None,
        url=url.strip(),
        source=source,
        trello_action_id=str(action_id)[:24] if action_id else None,
    )
    db.session.add(output)
    db.session.flush()
    return output


@router.register("addAttachmentToCard")
def attachment_added(programme, event):
    """An external link attached to a participant's card is their output."""
    record_action_outputs(programme, event.payload)


@router.register("commentCard")
def comment_added(programme, event):
    """An external link in a comment on a participant's card is their output."""
    record_action_outputs(programme, event.payload)
