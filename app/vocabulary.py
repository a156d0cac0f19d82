"""The words people read for the service's small facts, each written once: dates, contact
channels, check-in answers and how often people take part. Pages, mails, cards, the report and the
Power-Up (through its API) all take them from here."""

from typing import NamedTuple


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


CHANNELS = (
    Channel("email", "Email", "email address"),
    Channel("phone", "Telephone", "telephone number"),
    Channel("google_id", "Google ID", "Google ID"),
    Channel("skype", "Skype", "Skype name"),
)
CHANNEL_LABELS = {channel.field: channel.label for channel in CHANNELS}


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


def contact_details(person, fields=None):
    """Return [(label, value)] of the person's contact channels that are given, in channel order,
    limited to fields when those are named."""
    return [
        (channel.label, getattr(person, channel.field))
        for channel in CHANNELS
        if (fields is None or channel.field in fields) and getattr(person, channel.field)
    ]


def shared_contacts(person):
    """Return [(label, value)] of the channels the person chose to share with their partners."""
    return contact_details(person, set(person.share_channels or []))
