"""Sign-ups from the public form: a pending person and a confirmation mail, never a second one."""

from app.db import db, once_more_on_conflict, utcnow
from app.links import confirm_url
from app.models import Person, person_by_email
from app.people.lifecycle import activate
from app.people.notify import mailed_recently, queue_person_mail

# Subjects name the programme: "{}" is its title.
CONFIRM = "Confirm your {} sign-up"
ALREADY = "You are already signed up to {}"


def register(programme, details):
    """Record a sign-up and mail the address; the outcome is never shown to the submitter."""

    def once():
        # An address, or a new organisation, that another sign-up stored at the same moment
        # is found by the second pass.
        _register_once(programme, details)
        db.session.commit()

    once_more_on_conflict(once)


def _register_once(programme, details):
    """Create or refresh a pending person and mail a confirmation, or nudge someone taking part."""
    person = person_by_email(programme, details["email"])
    if person is not None and person.status != "pending":
        already = ALREADY.format(programme.title)
        if not mailed_recently(person, already):
            queue_person_mail(programme, person, "already", already)
        return
    if person is None:
        person = Person(programme_id=programme.id, status="pending")
        db.session.add(person)
    # Unconfirmed details are only ever what was typed last; confirming is what counts.
    for column, value in details.items():
        setattr(person, column, value)
    person.consented_at = utcnow()
    db.session.flush()
    subject = CONFIRM.format(programme.title)
    if not mailed_recently(person, subject):
        queue_person_mail(programme, person, "confirm", subject, confirm_url=confirm_url(person))


def confirm(programme, person):
    """Make a pending person a participant, once even if confirmed twice at the same moment."""
    if not activate(programme, person):
        db.session.rollback()
        return False
    db.session.commit()
    return True
