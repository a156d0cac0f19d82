"""The loop's mails and signed links: a partner's output, the midway nudge, the check-in."""

from flask import render_template

from app.links import make_token
from app.loop.models import ANSWERS
from app.mail import queue_mail
from app.participant.notify import external_url, manage_url

# Checked links live as long as a round might reasonably run late (days).
ANSWER_LABELS = {"met": "We met", "scheduled": "We have a date", "not_met": "We couldn't meet"}


def output_url(person, round_):
    """Return the person's signed link to add their output for a round."""
    token = make_token(person.id, "output", r=round_.id)
    return external_url("loop.output_form", token=token)


def checkin_urls(person, round_):
    """Return {answer: signed one-click link} for a round's check-in."""
    return {
        answer: external_url(
            "loop.check_in", token=make_token(person.id, "checkin", r=round_.id, a=answer)
        )
        for answer in ANSWERS
    }


def _queue(programme, person, template, subject, dedupe_key, **context):
    """Render mail/<template>.txt for the person and queue it on their mail lane."""
    text = render_template(
        f"mail/{template}.txt",
        person=person,
        manage_url=manage_url(person),
        answer_labels=ANSWER_LABELS,
        **context,
    )
    entry = queue_mail(
        programme, person.email, subject, text, lane=f"person:{person.id}", dedupe_key=dedupe_key
    )
    entry.person_id = person.id
    return entry


def queue_partner_mail(programme, round_, output, sharer, partner):
    """Tell a partner what the sharer shared, with their own link to add theirs."""
    return _queue(
        programme,
        partner,
        "output_shared",
        f"UnMentoring: {sharer.full_name} shared what they learned",
        f"output:{output.id}:{partner.id}",
        sharer=sharer,
        url=output.url,
        round=round_,
        output_url=output_url(partner, round_),
    )


def queue_nudge(programme, round_, person, partners):
    """Remind one person, midway through the window, to meet their partners."""
    return _queue(
        programme,
        person,
        "nudge",
        f"UnMentoring round {round_.number}: have you met yet?",
        f"round:{round_.id}:nudge:{person.id}",
        partners=partners,
        round=round_,
        checkin_urls=checkin_urls(person, round_),
    )


def queue_check_in(programme, round_, person, partners):
    """Ask one person, at the end of the window, whether they met: one click per answer."""
    return _queue(
        programme,
        person,
        "check_in",
        f"UnMentoring round {round_.number}: did you meet?",
        f"round:{round_.id}:check_in:{person.id}",
        partners=partners,
        round=round_,
        checkin_urls=checkin_urls(person, round_),
        output_url=output_url(person, round_),
    )
