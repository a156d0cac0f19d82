"""Mails to one participant: rendered from mail/<template>, queued on their mail lane and tagged
with their id, so that leaving cancels what is unsent."""

from datetime import timedelta

from flask import render_template
from sqlalchemy import or_, select

from app.db import db, utcnow
from app.links import external_url, leave_url, manage_url
from app.mail import queue_mail
from app.models import OutboxEntry, organisers_contact
from app.outbox import lanes

# A public form can be used to flood someone's inbox: one link mail per person per gap.
RESEND_GAP = timedelta(minutes=10)


def person_entries(person_id):
    """Return a query for the outbox entries about one person (tagged, or on their mail lane)."""
    return select(OutboxEntry).where(
        or_(OutboxEntry.person_id == person_id, OutboxEntry.lane == lanes.person_mail(person_id))
    )


def mailed_recently(person, subject, to=None):
    """Tell whether the same mail to this person (at address to, when given) was queued within
    the resend gap."""
    query = (
        person_entries(person.id)
        .where(OutboxEntry.operation == "mail.send")
        .where(OutboxEntry.payload["subject"].as_string() == subject)
        .where(OutboxEntry.created_at > utcnow() - RESEND_GAP)
    )
    if to is not None:
        query = query.where(OutboxEntry.payload["to"].as_string() == to)
    return db.session.scalar(query.limit(1)) is not None


def queue_person_mail(
    programme, person, template, subject, *, html=False, dedupe_key=None, to=None, **context
):
    """Render mail/<template>.txt (and .html when html is set) for the person and queue it in
    the caller's transaction; every mail may carry the link to their own page, and names the
    person's programme and its organisers' contact (mail_parts/signature), whatever programme
    happens to be in scope where it is queued.

    to sends it to another of the person's addresses than the current one (one they are
    moving to or from); it is still theirs, so leaving cancels and scrubs it. Mail to an
    address not yet confirmed must not show manage_url: whoever reads it could use it.
    """
    db.session.flush()  # the person needs an id for their links
    context = {
        "person": person,
        "programme_name": person.programme.title,
        "organisers_contact": organisers_contact(person.programme)[0],
        "manage_url": manage_url(person),
        "leave_url": leave_url(person),
        "privacy_url": external_url("pages.privacy", person.programme),
        **context,
    }
    text = render_template(f"mail/{template}.txt", **context)
    html_part = render_template(f"mail/{template}.html", **context) if html else None
    return queue_mail(
        programme,
        to or person.email,
        subject,
        text,
        html=html_part,
        lane=lanes.person_mail(person.id),
        dedupe_key=dedupe_key,
        person=person,
    )
