"""The participant's own page, put together: their status, their open round and earlier ones,
their details and their private "never pair me with" list."""

from flask import render_template

from app.participant import round_view
from app.participant.forms import NeverPairForm
from app.people import avoidances
from app.rounds.membership import open_round


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
        errors=list(errors),
    )
    return page, status
