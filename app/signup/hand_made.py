"""Cards organisers add to Sign-ups by hand, with Email: (and Phone:, Organisation:, Google ID:,
Teams:) lines, become participants; the contact lines are then taken off the card. A Skype: line
is taken off too, but not kept: Skype closed in May 2025."""

import re

from app.db import db
from app.models import Person, person_by_email, person_for_card
from app.people.checks import clean_line, normalise_email, normalise_phone
from app.people.lifecycle import activate
from app.trello.card_text import MARKER, card_name, compose, organiser_part, person_text
from app.trello.writes import queue_comment, queue_update_card

# `Label: value` lines an organiser may write; the contact ones never stay on the board.
_LINE = re.compile(
    r"^\s*[*_]*\s*(e-?mail|phone|tel|telephone|mobile|google(?: id)?|(?:microsoft )?teams|skype"
    r"|org|organi[sz]ation)"
    r"\s*[*_]*\s*:\s*(.*)$",
    re.I,
)
NAME_SEPARATOR = " · "


def parse_card(name, desc):
    """Return ({field: value}, the organisers' text without those lines) from a hand-made card.

    Only the organisers' part (above the service's marker line) is read; the service's own
    lines below it are never taken for an organiser's.
    """
    fields, kept = {}, []
    for line in organiser_part(desc).splitlines():
        match = _LINE.match(line)
        if match is None:
            kept.append(line)
            continue
        value = _plain_value(clean_line(match.group(2)).strip("`*_ "))
        fields.setdefault(_field_for(match.group(1).lower()), value)
    full_name, _, organisation = (clean_line(name) or "").partition(NAME_SEPARATOR.strip())
    fields["full_name"] = full_name.strip()
    if organisation.strip():
        fields.setdefault("organisation", organisation.strip())
    return fields, "\n".join(kept).strip()


def without_contact_lines(text):
    """Return text without its email, phone, Google, Teams and Skype lines (organisation stays)."""
    lines = (text or "").splitlines()
    kept = [line for line in lines if _field_for_line(line) in (None, "organisation")]
    return "\n".join(kept)


def _field_for_line(line):
    """Return the column a `Label: value` line sets, or None for any other line."""
    match = _LINE.match(line)
    return _field_for(match.group(1).lower()) if match else None


def _field_for(label):
    """Map an organiser's label to a person's column."""
    if "mail" in label:
        return "email"
    if label in ("phone", "tel", "telephone", "mobile"):
        return "phone"
    if label.startswith("google"):
        return "google_id"
    if label.endswith("teams"):
        return "teams"
    return "skype" if label == "skype" else "organisation"


def _plain_value(value):
    """Return a value an editor may have turned into a Markdown link as its text."""
    link = re.match(r"^\[([^\]]*)\]\([^)]*\)", value)
    return link.group(1).strip() if link else value


def _contact(fields):
    """Return (email, phone) checked and normalised; None for what is missing or not valid."""
    checked = []
    for normalise, field in ((normalise_email, "email"), (normalise_phone, "phone")):
        try:
            checked.append(normalise(_plain_value(fields.get(field, ""))))
        except ValueError:
            checked.append(None)
    return tuple(checked)


def import_card(programme, card):
    """Make a hand-made Sign-ups card a participant and take its contact lines off; return what
    happened. Writes only to the database and the outbox, in the caller's transaction."""
    fields, organiser_text = parse_card(card.get("name"), card.get("desc"))
    if "email" not in fields or card.get("closed"):
        return "no email line"
    if card.get("idList") != programme.list_id("signups"):
        return "not in Sign-ups"
    email, phone = _contact(fields)
    if email is None:
        _comment(programme, card["id"], "the Email line is not a valid email address")
        return "email not valid"
    person = person_for_card(programme, card["id"]) or person_by_email(programme, email)
    if person is None:
        person = Person(programme_id=programme.id, status="pending")
        db.session.add(person)
        _fill(person, fields, email, phone)
    if person.status == "pending":
        db.session.flush()
        activate(programme, person, card_id=card["id"])
        desc = compose(organiser_text, person_text(person))
        name = card_name(person.full_name, person.organisation)
        queue_update_card(programme, card["id"], name=name, desc=desc)
        return "imported"
    if person.trello_card_id != card["id"]:
        _comment(programme, card["id"], "this person already takes part and has another card")
    queue_update_card(programme, card["id"], desc=_service_part_kept(card, organiser_text))
    return "already a participant"


def _service_part_kept(card, organiser_text):
    """Return the card's description with the organisers' contact lines gone, the rest as it was."""
    desc = card.get("desc") or ""
    if MARKER not in desc:
        return organiser_text
    return compose(organiser_text, desc.split(MARKER, 1)[1])


def _fill(person, fields, email, phone):
    """Set a new person's details from the card; the name is the card's, up to the ' · '."""
    person.full_name = (fields.get("full_name") or email.split("@")[0])[:120]
    person.organisation = (fields.get("organisation") or "")[:120]
    person.email, person.phone = email, phone
    person.share_channels = ["email"]
    google, teams = fields.get("google_id"), fields.get("teams")
    person.google_id = _checked_address(google) if google else None
    person.teams = _checked_address(teams) if teams else None
    # A Skype: line is taken off the card with the others, and not kept: Skype has closed.


def _checked_address(value):
    """Return a Google ID or Teams address that is an email address, or None."""
    try:
        return normalise_email(_plain_value(value))
    except ValueError:
        return None


def _comment(programme, card_id, problem):
    """Tell organisers on the card why it was not imported (never repeating the value)."""
    queue_comment(
        programme, card_id, f"UnMentoring could not add this card as a participant: {problem}."
    )
