"""Outputs: a link a participant shared, recorded once, then shown on the board and to partners.

Attachments and comments on a participant's card in the current round are outputs, whoever
added them (the service attaches links for participants from their email link); descriptions,
round cards and labels never are.
"""

from app.db import db, insert_once
from app.followup.output_urls import is_output_url, urls_in
from app.followup.progress import queue_refresh, queue_tally
from app.links import output_url
from app.models import Output, Programme, person_for_card
from app.people.notify import queue_person_mail
from app.rounds.membership import current_round_for, partners_of
from app.webhooks.routing import Router

router = Router()


def record_output(person, round_, url, source, action_id=None):
    """Record a person's output for a round and queue the card move, partner mail and tally.

    Returns the Output, or None when that URL was already recorded for them in that round.
    Everything is added to the caller's transaction; the caller commits.
    """
    url = (url or "").strip()
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
    queue_refresh(programme, person, round_)
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
        f"UnMentoring: {sharer.full_name} shared what they learned",
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


def record_action_outputs(programme, action):
    """Record the outputs an action carries when its card is a participant's in the current
    round; return how many were new."""
    card_id, found = outputs_from_action(action)
    person = person_for_card(programme, card_id) if found else None
    round_ = current_round_for(person) if person is not None else None
    if round_ is None:
        return 0
    recorded = [
        record_output(person, round_, url, source, action.get("id")) for url, source in found
    ]
    return sum(1 for output in recorded if output is not None)


@router.register("addAttachmentToCard")
def attachment_added(programme, event):
    """An external link attached to a participant's card is their output."""
    record_action_outputs(programme, event.payload)


@router.register("commentCard")
def comment_added(programme, event):
    """An external link in a comment on a participant's card is their output."""
    record_action_outputs(programme, event.payload)
