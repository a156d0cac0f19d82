"""The Atom 1.0 feed of shared outputs: link, round and date; a name only for those who opted in.

Outputs shared between rounds (they belong to no round) are in it only for people who opted in
to be named, labelled "Between rounds"; a link the person also has in a round is listed there.
"""

import re
from typing import NamedTuple
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from app.db import db, utcnow
from app.models import Output, Person, Round

ATOM = "http://www.w3.org/2005/Atom"
ANONYMOUS = "a participant"
LIMIT = 100
# Characters XML 1.0 cannot carry; a link pasted into Trello could hold one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _between_rounds_shown():
    """Return the condition for an output between rounds to be in the feed: its sharer opted
    in to be named, and they have no output with that link in a round."""
    in_round = aliased(Output)
    also_in_round = exists().where(
        in_round.person_id == Output.person_id,
        in_round.url == Output.url,
        in_round.round_id.is_not(None),
    )
    return Person.credit_name.is_(True) & ~also_in_round


def shared_outputs(programme, limit=LIMIT):
    """Return (output, person, round number or None between rounds) for the latest link
    outputs of people still here."""
    query = (
        select(Output, Person, Round.number)
        .join(Person, Person.id == Output.person_id)
        # Outer: an output between rounds has no round, and an inner join would drop it.
        .outerjoin(Round, Round.id == Output.round_id)
        .where(Output.programme_id == programme.id, Person.status != "left")
        .where(Output.url.startswith("http://") | Output.url.startswith("https://"))
        .where(Output.round_id.is_not(None) | _between_rounds_shown())
        .order_by(Output.created_at.desc(), Output.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query))


def sharer(person):
    """Return the name shown beside an output: the person's only if they opted in."""
    return person.full_name if person.credit_name and person.status != "left" else ANONYMOUS


def _add(parent, tag, text=None, **attributes):
    """Append an Atom element with text and attributes; return it."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", str(text))
    return element


def _stamp(moment):
    """Return an RFC 3339 UTC timestamp from a naive UTC datetime."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def _round_label(number):
    """Return what an entry says about its round: "Round 3", or "Between rounds" for none."""
    return "Between rounds" if number is None else f"Round {number}"


def _title(number, url):
    """Return an entry title: the round and where the link points."""
    parts = urlsplit(url)
    return f"{_round_label(number)} output: {parts.netloc}{parts.path}".rstrip("/")


def _summary(number, person):
    """Return an entry summary: when it was shared, and by whom."""
    when = "between rounds" if number is None else f"after Round {number}"
    return f"Shared {when} by {sharer(person)}."


class Shared(NamedTuple):
    """One shared output as the outputs page lists it."""

    url: str
    title: str
    shared_on: object
    by: str
    named: bool


class Section(NamedTuple):
    """The outputs of one round (number None: between rounds), newest first."""

    number: int | None
    label: str
    outputs: list


def outputs_by_round(programme, limit=LIMIT):
    """Return the latest shared outputs (the feed's) as Sections, the section with the newest
    output first, each newest first."""
    sections = {}
    for output, person, number in shared_outputs(programme, limit):
        parts = urlsplit(output.url)
        shared = Shared(
            url=_NOT_XML.sub("", output.url),
            title=f"{parts.netloc}{parts.path}".rstrip("/"),
            shared_on=output.created_at.date(),
            by=sharer(person),
            named=sharer(person) != ANONYMOUS,
        )
        sections.setdefault(number, []).append(shared)
    return [Section(n, _round_label(n), found) for n, found in sections.items()]


def outputs_feed(programme, public_url):
    """Return the feed as UTF-8 bytes; public_url is where the programme's pages live."""
    rows = shared_outputs(programme)
    host = urlsplit(public_url).hostname or "localhost"
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"{public_url}/outputs.atom")
    _add(feed, "title", f"{programme.title}: shared outputs")
    _add(feed, "updated", _stamp(rows[0][0].created_at if rows else utcnow()))
    _add(feed, "link", rel="self", href=f"{public_url}/outputs.atom", type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=f"{public_url}/outputs", type="text/html")
    _add(_add(feed, "author"), "name", programme.title)
    for output, person, number in rows:
        entry = _add(feed, "entry")
        _add(entry, "id", f"tag:{host},{programme.created_at:%Y}:output-{output.id}")
        _add(entry, "title", _title(number, output.url))
        _add(entry, "link", rel="alternate", href=_NOT_XML.sub("", output.url))
        _add(entry, "updated", _stamp(output.created_at))
        _add(entry, "published", _stamp(output.created_at))
        _add(_add(entry, "author"), "name", sharer(person))
        label = _round_label(number)
        _add(entry, "category", term=label.lower().replace(" ", "-"), label=label)
        _add(entry, "summary", _summary(number, person))
    ET.register_namespace("", ATOM)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
