"""Card text the service owns: names, descriptions split at a marked line, Markdown made inert."""

import re

MARKER = "— UnMentoring keeps the text below up to date; write above this line —"
# Characters that make Trello Markdown links, images, emphasis, headings or HTML.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")
_URL = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")
_DOMAIN = re.compile(r"\b(?:[\w-]+\.)+[^\W\d_]{2,}\b")
# A URL made only of these characters is shown as a link on a card without any Markdown risk.
_CARD_SAFE = re.compile(r"^https?://[A-Za-z0-9.\-:]+(/[A-Za-z0-9._~%/?#=&+\-]*)?$")


def plain_name(text):
    """Return text for a card's name, which Trello shows as plain text (no Markdown is rendered
    there, so nothing is escaped): one line, and nothing its autolinker could make a link of."""
    text = " ".join(str(text or "").split())
    # Bare domains and addresses autolink too: their dots become look-alike one-dot leaders.
    text = _DOMAIN.sub(lambda found: found.group(0).replace(".", "\u2024"), text)
    # A zero-width joiner after the scheme stops Trello's autolinker turning text into a link.
    return _URL.sub("\\1\u200d\\2", text)


def plain(text):
    """Return text for a card's description, which Trello renders as Markdown: shown as
    written, with no links, images or formatting smuggled in."""
    return _MARKDOWN.sub(r"\\\1", plain_name(text))


def card_name(full_name, organisation):
    """Return a participant card's name: `Full Name · Organisation` as typed (the name alone
    for a hand-made card that named no organisation)."""
    if not plain_name(organisation):
        return plain_name(full_name)
    return f"{plain_name(full_name)} · {plain_name(organisation)}"


def organiser_part(desc):
    """Return what organisers wrote above the marker (all of it when there is no marker)."""
    desc = desc or ""
    if MARKER not in desc:
        return desc.strip()
    return desc.split(MARKER, 1)[0].strip()


def compose(organiser_text, service_text):
    """Return a description: the organisers' text, the marker, then the service's text."""
    head = f"{organiser_text.strip()}\n\n" if organiser_text and organiser_text.strip() else ""
    return f"{head}{MARKER}\n\n{service_text.strip()}"


def person_text(person):
    """Return what the board may know of a person: organisation and topics, never contacts."""
    lines = [f"Organisation: {plain(person.organisation)}"]
    if person.topics:
        lines.append(f"Would like to talk about: {plain(person.topics)}")
    return "\n".join(lines)


def card_safe(url):
    """Tell whether a URL can be written on a card as it is, with nothing Markdown could use."""
    return bool(_CARD_SAFE.match(url or ""))


def link_or_plain(url):
    """Return a URL for a card's description: a link when it is safe, else inert text."""
    return url if card_safe(url) else plain(url)
