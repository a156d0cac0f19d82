"""What an operator sees of each programme: its board, whether it works, its members (asked of
Trello with the programme's own token), its people, its last round and its webhook."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from app.db import db
from app.models import Person, Round, all_programmes
from app.people.retention import erased_at, erasure_date
from app.trello.board import board_webhook
from app.trello.gateway import TrelloError, gateway_for
from app.vocabulary import long_date

# People who confirmed and have not left: the ones rounds are drawn from, now or after a pause.
TAKING_PART = ("active", "paused")


def label(programme):
    """Return how operators name a programme: its short web address, or "(first)"."""
    if programme.is_first:
        return "(first)"
    return programme.slug or f"#{programme.id}"


def programme_rows():
    """Return one row (a dict of plain values) per programme, the first one first."""
    return [programme_row(programme) for programme in all_programmes()]


def programme_row(programme):
    """Return what the `programmes` command shows of one programme; members and webhook are
    None when Trello does not answer (or the programme has no token to ask with)."""
    members, webhook = _on_trello(programme) if programme.active else (None, None)
    days = current_app.config["PROGRAMME_RETENTION_DAYS"]
    erase_on, erased = erasure_date(programme, days), erased_at(programme)
    if erase_on is not None and erased is not None and erased >= programme.stopped_at:
        erase_on = None  # erased since it stopped: nothing more is due
    return {
        "programme": label(programme),
        "name": programme.title,
        "board_id": programme.trello_board_id,
        "state": programme.state,
        "stopped_at": _iso(programme.stopped_at),
        "stopped_reason": programme.stopped_reason,
        "erase_on": _iso(erase_on),
        "erased_at": _iso(erased),
        "members": members,
        "people": _people(programme),
        "last_round": _last_round(programme),
        "webhook": webhook,
    }


def _on_trello(programme):
    """Return (board members, webhook state) as the programme's own token sees them; either is
    None when Trello does not answer."""
    try:
        gateway = gateway_for(programme)
    except TrelloError:
        return None, None  # no token to ask with (app.trello.gateway.NotAuthorised)
    with gateway.session.overrides(max_retries=1):
        try:
            rows = gateway.memberships()
            members = sum(1 for row in rows if not row.get("deactivated"))
        except TrelloError:
            members = None
        try:
            hook = board_webhook(gateway.webhooks(), programme.trello_board_id)
        except TrelloError:
            return members, None
    if hook is None:
        return members, "missing"
    return members, "active" if hook.get("active", True) else "disabled"


def _people(programme):
    """Return how many people take part: confirmed and not left (paused ones count)."""
    query = select(func.count(Person.id)).where(
        Person.programme_id == programme.id, Person.status.in_(TAKING_PART)
    )
    return db.session.scalar(query) or 0


def _last_round(programme):
    """Return the programme's latest round as {"number", "date"}, or None."""
    query = (
        select(Round)
        .where(Round.programme_id == programme.id)
        .order_by(Round.number.desc())
        .limit(1)
    )
    found = db.session.scalar(query)
    if found is None:
        return None
    return {"number": found.number, "date": found.round_date.isoformat()}


def _iso(value):
    """Return a datetime as ISO 8601 to the second (UTC), or None."""
    return value.isoformat(timespec="seconds") if value is not None else None


def state_words(row):
    """Return a row's state as an operator reads it: "active", or when and why it stopped and
    when its people are (or were) erased."""
    if row["state"] == "active":
        return "active"
    since = _long(row["stopped_at"]) or "an unknown date"
    words = f"stopped on {since}: {row['stopped_reason'] or 'no reason recorded'}"
    if row["erase_on"]:
        return f"{words}; its people are erased on {_long(row['erase_on'])}"
    if row["erased_at"]:
        return f"{words}; its people were erased on {_long(row['erased_at'])}"
    return words


def round_words(row):
    """Return a row's last round as "3 on 30 December 2026", or "none"."""
    found = row["last_round"]
    return f"{found['number']} on {_long(found['date'])}" if found else "none"


def _long(iso):
    """Return an ISO date or datetime as "30 December 2026", or "" for None."""
    return long_date(datetime.fromisoformat(iso)) if iso else ""
