"""The words people read for the service's small facts, each written once: dates, contact
channels, check-in answers and how often people take part. Pages, mails, cards, the report and the
Power-Up (through its API) all take them from here."""

from typing import NamedTuple

import phonenumbers


def long_date(value):
    """The one way a date is written for people: "30 December 2026" (pages, mails, cards)."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B %Y')}"


class Channel(NamedTuple):
    """A way a partner can reach someone: the person's column, its name, its noun in a sentence."""

    field: str
    label: str
    noun: str


# The channels offered: in the forms, as share choices, to partners, organisers and the card-back.
CHANNELS = (
    Channel("email", "Email", "email address"),
    Channel("phone", "Telephone", "telephone number"),
    Channel("google_id", "Google ID", "Google ID"),
    Channel("teams", "Microsoft Teams", "Microsoft Teams address"),
)
CHANNEL_LABELS = {channel.field: channel.label for channel in CHANNELS}
# Channels no longer offered: a value given before is shown to its owner alone, on their own
# page, with the reason, until they delete it; it is never a share choice nor sent to anyone.
RETIRED_CHANNELS = (Channel("skype", "Skype", "Skype name"),)
RETIRED_WHY = {
    "skype": "Microsoft closed Skype in May 2025, so we no longer offer it or pass it to your "
    "partners. Add your Microsoft Teams address instead, and delete your Skype name.",
}


class Answer(NamedTuple):
    """A check-in answer: its key, and its words where each kind of reader meets it."""

    key: str
    choice: str  # the one-click link in mails, and the answer as the Power-Up shows it
    told: str  # the page the link opens
    card: str  # the check-in line on the person's Trello card
    status: str  # the report's figures and charts


ANSWERS = (
    Answer("met", "We met", "You met", "Met ✓", "Met"),
    Answer("scheduled", "We have a date", "You have a date to meet", "Scheduled", "Scheduled"),
    Answer("not_met", "We couldn't meet", "You couldn't meet", "Couldn't meet", "Could not meet"),
)
ANSWER_KEYS = tuple(answer.key for answer in ANSWERS)
BY_ANSWER = {answer.key: answer for answer in ANSWERS}

FREQUENCIES = {"every": "Every round", "every_other": "Every other round"}

# The board's lists, in the board's order: each one's role (its key), and its name, which is
# also its default name on the board (LIST_SIGNUPS and the like rename them).
LISTS = {"signups": "Sign-ups", "matched": "Matched", "shared": "Shared", "paused": "Paused"}


def phone_for_people(value):
    """Return a stored (E.164) number as people write it: UK numbers in national format
    ("0113 378 4000"), others in international format ("+33 1 42 68 53 00")."""
    if not value:
        return value or ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == "GB"
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def shown(field, value):
    """Return a contact detail as people read it (telephone numbers formatted, others as kept)."""
    return phone_for_people(value) if field == "phone" else value


def contact_details(person, fields=None):
    """Return [(label, value)] of the person's offered contact channels that are given, in
    channel order, limited to fields when those are named; values as people read them."""
    return [
        (channel.label, shown(channel.field, getattr(person, channel.field)))
        for channel in CHANNELS
        if (fields is None or channel.field in fields) and getattr(person, channel.field)
    ]


def shared_contacts(person):
    """Return [(label, value)] of the channels the person chose to share with their partners."""
    return contact_details(person, set(person.share_channels or []))
