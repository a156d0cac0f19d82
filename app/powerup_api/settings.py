"""The organisers' settings for a programme: read with defaults, validated before they are kept."""

import re

from flask import current_app

from app.models import organisers_contact
from app.people.checks import normalise_email
from app.powerup_api.programme_form import check_name
from app.rounds.life import DEFAULT_GRACE_DAYS, DEFAULT_RESCUE_AFTER_DAYS
from app.rounds.quiet import DEFAULT_QUIET_AFTER_ROUNDS
from app.rounds.service import DEFAULT_WINDOW_DAYS
from app.trello.board import LIST_KEYS
from app.vocabulary import LISTS

CHOICES = {"odd": ("trio", "sit_out"), "same_org": ("avoid", "allow")}
# Whole numbers: (lowest, highest, default, what to enter).
NUMBERS = {
    # Shorter gives no time to meet; longer and the round is forgotten.
    "meeting_window_days": (7, 90, DEFAULT_WINDOW_DAYS, "a whole number of days"),
    # How long after meet-by late meetings and outputs still count for the round.
    "grace_days": (0, 28, DEFAULT_GRACE_DAYS, "a whole number of days"),
    # How long stranded people wait before the worker re-matches them.
    "rescue_after_days": (1, 14, DEFAULT_RESCUE_AFTER_DAYS, "a whole number of days"),
    # Silent rounds in a row before someone is paused and asked (0: never).
    "quiet_after_rounds": (0, 6, DEFAULT_QUIET_AFTER_ROUNDS, "a whole number of rounds"),
}
# A number typed into the Power-Up's form may arrive as its text; ASCII digits only, since
# str.isdigit() also accepts "²", which int() cannot read, and int() refuses 4,300+ digits.
DIGITS = re.compile(r" *([0-9]{1,9}) *")
CONTACT_FORMAT = "Enter an email address in the correct format, like organisers@example.org"


def settings_json(programme, editable):
    """Return the settings the Power-Up shows, defaults filled in, and whether the caller may
    change them (board admins only); list names are read-only."""
    stored = programme.settings or {}
    return {
        "editable": editable,
        **{key: int(stored.get(key, number[2])) for key, number in NUMBERS.items()},
        "odd": stored.get("odd", "trio"),
        "same_org": stored.get("same_org", "avoid"),
        "lists": settings_json_lists(),
        # Whom people write to: the address set here ("" when none), and the one pages show.
        "contact_email": stored.get("contact_email") or "",
        "contact_email_in_use": organisers_contact(programme)[0],
        # Kept on the programme itself: its pages and mails say the name; the start page lists it.
        "name": programme.title,
        "listed": bool(programme.listed),
    }


def validate(body):
    """Return (changes, errors): the settings to keep, and a message per unreadable field.
    The programme's name and whether it is listed are among the changes (see apply)."""
    changes, errors = {}, {}
    if not isinstance(body, dict):
        return {}, {"body": "Send the settings as a JSON object."}
    for key, (low, high, _, what) in NUMBERS.items():
        if key not in body:
            continue
        value = body[key]
        if isinstance(value, str) and DIGITS.fullmatch(value):
            value = int(DIGITS.fullmatch(value).group(1))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[key] = f"Enter {what} from {low} to {high}."
        else:
            changes[key] = value
    for key, allowed in CHOICES.items():
        if key in body:
            if body[key] in allowed:
                changes[key] = body[key]
            else:
                errors[key] = f"Choose one of: {', '.join(allowed)}."
    if "contact_email" in body:
        _contact_email(body["contact_email"], changes, errors)
    if "name" in body:
        changes["name"] = check_name(body["name"], errors)
    if "listed" in body:
        if isinstance(body["listed"], bool):
            changes["listed"] = body["listed"]
        else:
            errors["listed"] = "Choose yes or no."
    if "lists" in body and body["lists"] != settings_json_lists():
        errors["lists"] = (
            "List names cannot be changed here: only the people who run the service can "
            "change them."
        )
    return changes, errors


def _contact_email(value, changes, errors):
    """Take the organisers' address: checked as an email address; empty removes it."""
    if not isinstance(value, str) or len(value) > 254:
        errors["contact_email"] = CONTACT_FORMAT
    elif not value.strip():
        changes["contact_email"] = None
    else:
        try:
            changes["contact_email"] = normalise_email(value.strip())
        except ValueError:
            errors["contact_email"] = CONTACT_FORMAT


def settings_json_lists():
    """Return the board's lists in its order: each one's key, role and configured name."""
    return [
        {"key": key, "label": LISTS[key], "name": current_app.config[setting]}
        for key, setting in LIST_KEYS.items()
    ]


def apply(programme, changes):
    """Keep validated changes: name and listed on the programme, the rest in its settings."""
    columns = {key: changes.pop(key) for key in ("name", "listed") if key in changes}
    for key, value in columns.items():
        setattr(programme, key, value)
    programme.settings = {**(programme.settings or {}), **changes}
