"""Mails to one participant, tagged with their id so that leaving can cancel what is unsent."""

from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import or_, select

from app.db import db
from app.links import make_token
from app.mail import queue_mail
from app.models import OutboxEntry, utcnow

# A public form can be used to flood someone's inbox: one link mail per person per gap.
RESEND_GAP = timedelta(minutes=10)


def external_url(endpoint, **values):
    """Return the public URL of a route, outside any request (worker, CLI, webhook processing)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path


def manage_url(person):
    """Return the person's signed link to their own page."""
    return external_url("participant.overview", token=make_token(person.id, "manage"))


def confirm_url(person):
    """Return the person's signed link that confirms their sign-up."""
    return external_url("signup.confirm", token=make_token(person.id, "confirm"))


def person_entries(person_id):
    """Return a query for the outbox entries about one person (tagged, or on their mail lane)."""
    return select(OutboxEntry).where(
        or_(OutboxEntry.person_id == person_id, OutboxEntry.lane == f"person:{person_id}")
    )


def mailed_recently(person, subject):
    """Tell whether the same mail to this person was queued within the resend gap."""
    query = (
        person_entries(person.id)
        .where(OutboxEntry.operation == "mail.send")
        .where(OutboxEntry.payload["subject"].as_string() == subject)
        .where(OutboxEntry.created_at > utcnow() - RESEND_GAP)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def queue_person_mail(programme, person, template, subject, **context):
    """Render mail/<template>.txt for the person and queue it in the caller's transaction."""
    db.session.flush()  # the person needs an id for their links
    text = render_template(
        f"mail/{template}.txt",
        person=person,
        manage_url=manage_url(person),
        privacy_url=external_url("pages.privacy"),
        **context,
    )
    entry = queue_mail(programme, person.email, subject, text, lane=f"person:{person.id}")
    entry.person_id = person.id
    return entry
