"""A participant moving to a new email address: the new address confirms by a signed link
before anything changes, and the old address is told once it has."""

from app.links import confirm_email_url
from app.models import person_by_email
from app.people import avoidances
from app.people.notify import mailed_recently, queue_person_mail

# Subjects name the programme: "{}" is its title.
CONFIRM = "Confirm your new {} email address"
TAKEN = "This address is already in {}"
CHANGED = "Your {} email address was changed"


class AddressTaken(Exception):
    """Another person in the programme already uses the address."""


def is_taken(programme, person, email):
    """Tell whether someone else in the programme (confirmed or not) uses this address."""
    other = person_by_email(programme, email)
    return other is not None and other.id != person.id


def request_change(programme, person, new_email):
    """Mail the new address a link that makes it the person's, or a note that another person
    uses it; change nothing yet. The page after is the same either way, as after signing up,
    so the form never tells anyone who else is signed up: only the address's owner learns it."""
    if new_email == person.email:
        return
    if is_taken(programme, person, new_email):
        template, subject, context = "email_taken", TAKEN.format(programme.title), {}
    else:
        link = confirm_email_url(person, new_email)
        subject = CONFIRM.format(programme.title)
        template, context = "email_change", {"confirm_email_url": link}
    # The details form is rate-limited; this keeps one address from being sent the same mail
    # over and over, while a typo can still be put right at once.
    if not mailed_recently(person, subject, to=new_email):
        queue_person_mail(programme, person, template, subject, to=new_email, **context)


def apply_change(programme, person, new_email):
    """Make new_email the person's address (same person, card, rounds and outputs) and tell the
    old address; raise AddressTaken, changing nothing, when another person uses it."""
    if is_taken(programme, person, new_email):
        raise AddressTaken("another person uses this address")
    old = person.email
    person.email = new_email
    avoidances.address_changed(person, old)
    queue_person_mail(
        programme,
        person,
        "email_changed",
        CHANGED.format(programme.title),
        to=old,
        new_address=masked(new_email),
    )


def masked(email):
    """Return an address with all but the first letter of its local part hidden: n***@x.org."""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"
