"""The participant's own page, put together: their status, their open round and earlier ones,
their details, their private "never pair me with" list, and their other programmes."""

from typing import NamedTuple

from flask import render_template

from app.links import manage_url
from app.participant import round_view
from app.participant.forms import NeverPairForm
from app.people import avoidances, participations
from app.rounds.membership import open_round


class Elsewhere(NamedTuple):
    """Another programme the person's address takes part in, and their own page there."""

    title: str
    url: str


def elsewhere(person):
    """Return the person's other programmes, each with a fresh link to their page there (a
    link opens only under its own programme's pages). Theirs alone: whoever opened this page's
    link reads mail at this address, and only participations of this address are listed."""
    return [
        Elsewhere(other.programme.title, manage_url(other))
        for other in participations.other_participations(person)
    ]


def render_overview(person, token, never_pair=None, errors=(), status=200):
    """Render /me/<token> for the person; never_pair and errors re-show a refused address."""
    taking_part = person.status in ("active", "paused")
    current = round_view.current(person) if taking_part else None
    under_way = open_round(person.programme_id) if taking_part and current is None else None
    page = render_template(
        "participant/overview.html",
        person=person,
        token=token,
        current=current,
        under_way=under_way,
        past=round_view.history(person, current.number if current else None),
        avoiding=avoidances.entries(person) if taking_part else [],
        avoid_limit=avoidances.LIMIT,
        never_pair=never_pair or NeverPairForm(formdata=None),
        elsewhere=elsewhere(person),
        errors=list(errors),
    )
    return page, status
