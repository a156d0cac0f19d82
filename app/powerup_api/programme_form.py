"""What a board admin sends to set up a programme: its name, short web address, the organisers'
contact address and whether the start page lists it, checked field by field."""

import re
import unicodedata

from flask import current_app

from app.models import programme_by_slug
from app.models.programmes import SLUG_PATTERN
from app.people.checks import normalise_email

NAME_LONGEST = 100
SLUG = re.compile(SLUG_PATTERN)
# Words a short web address may not be: paths of the service itself, or ones that would read
# as the service's own pages rather than a programme's.
RESERVED = frozenset(
    {
        "api",
        "static",
        "powerup",
        "power-up",
        "sandbox",
        "webhooks",
        "p",
        "admin",
        "signup",
        "report",
        "outputs",
        "feeds",
        "privacy",
        "healthz",
        "unmentoring",
        "trello",
        "www",
        "help",
        "about",
    }
)
SLUG_FORMAT = (
    "Enter a short web address of 3 to 40 lower-case letters, digits and single hyphens, "
    "like lgd-mentoring"
)
CONTACT_FORMAT = "Enter an email address in the correct format, like organisers@example.org"


def check_name(value, errors):
    """Return the programme's name, tidied, or record why it cannot be used."""
    if not isinstance(value, str) or not value.strip():
        errors["name"] = "Enter the programme's name"
        return None
    name = " ".join(value.split())
    if len(name) > NAME_LONGEST:
        errors["name"] = f"Enter a name of {NAME_LONGEST} characters or fewer"
        return None
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in name):
        # It goes into mail subjects and page titles: letters, digits and punctuation only.
        errors["name"] = "Enter the name with letters, digits, spaces and punctuation only"
        return None
    return name


def check_slug(value, errors, programme=None):
    """Return the short web address, or record why it cannot be used (taken by another
    programme than `programme`, kept for the service, or not in the right form)."""
    if not isinstance(value, str) or not value.strip():
        errors["slug"] = "Enter a short web address"
        return None
    slug = value.strip().lower()
    if not SLUG.fullmatch(slug):
        errors["slug"] = SLUG_FORMAT
        return None
    if slug in RESERVED:
        errors["slug"] = f"The address {slug} is kept for the service itself: choose another"
        return None
    holder = programme_by_slug(slug)
    if holder is not None and holder is not programme:
        errors["slug"] = f"Another programme already uses {slug}: choose another"
        return None
    return slug


def check_contact(value, errors):
    """Return the organisers' contact address as stored, or record why it cannot be used."""
    if not isinstance(value, str) or not value.strip():
        errors["contact_email"] = "Enter the organisers' contact address"
        return None
    if len(value) > 254:
        errors["contact_email"] = CONTACT_FORMAT
        return None
    try:
        return normalise_email(value.strip())
    except ValueError:
        errors["contact_email"] = CONTACT_FORMAT
        return None


def check_listed(value, errors):
    """Return whether the start page lists the programme (absent: no)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        errors["listed"] = "Say yes or no: list this programme on the service's start page"
        return None
    return value


def check_token_text(value, errors):
    """Return the token as Trello gives it (20 to 500 ASCII characters), or record that it
    did not arrive."""
    if not isinstance(value, str) or not 20 <= len(value) <= 500 or not value.isascii():
        errors["token"] = "Trello's authorisation did not arrive: authorise again"
        return None
    return value


def read_set_up(body, programme=None):
    """Return (fields, errors) of a set-up request: the checked name, slug, contact_email,
    listed and token, and a message per field that cannot be used."""
    if not isinstance(body, dict):
        return {}, {"body": "Send the programme's details as a JSON object."}
    errors = {}
    fields = {
        "name": check_name(body.get("name"), errors),
        "slug": check_slug(body.get("slug"), errors, programme),
        "contact_email": check_contact(body.get("contact_email"), errors),
        "listed": check_listed(body.get("listed"), errors),
        "token": check_token_text(body.get("token"), errors),
    }
    return fields, errors


def pages_url(programme):
    """Return where a programme's public pages are."""
    return current_app.config["PUBLIC_URL"] + programme.path_prefix + "/"
