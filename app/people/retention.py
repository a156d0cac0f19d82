"""A stopped programme's people: kept for PROGRAMME_RETENTION_DAYS after it stopped, so its
board's admin can set it up again and carry on where it was, then erased.

Each person is erased as their own leaving erases them (app.people.erasure): name, contact
details, free-text answers and their "never pair me with" list go, and unconfirmed sign-ups lose
their organisation too. The programme's unsent mail and Trello writes are cancelled, the kept
copies of what it sent and the Trello actions it recorded lose every name and text. What the
report counts stays (organisations, dates, rounds, groups, check-in answers), naming nobody. The
programme's row stays too, marked erased, so operators can see what became of it. Its board is
its owner's: nothing is written there.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.db import db
from app.models import OutboxEntry, Person, WebhookEvent
from app.models.delivery import WAITING
from app.people.erasure import erase_details, strip_event
from app.people.organisations import forget_unused

# The programme's settings key that says when its people were erased (ISO 8601, UTC).
ERASED_AT = "erased_at"


def erased_at(programme):
    """Return when the programme's people were last erased, or None."""
    value = (programme.settings or {}).get(ERASED_AT)
    return datetime.fromisoformat(value) if value else None


def erasure_date(programme, days):
    """Return when a stopped programme's people are (or were) erased; None while it works."""
    if programme.active or programme.stopped_at is None:
        return None
    return programme.stopped_at + timedelta(days=days)


def erasure_due(programme, now, days):
    """Tell whether a programme has been stopped for `days` and was not erased since it stopped
    (a programme set up again and stopped again is erased again)."""
    when = erasure_date(programme, days)
    if when is None or when > now:
        return False
    done = erased_at(programme)
    return done is None or done < programme.stopped_at


def erase_programme(programme, now):
    """Erase every person of a stopped programme and what its outbox and recorded actions say
    of them, in the caller's transaction; mark it erased; return how many people it erased."""
    query = select(Person).where(Person.programme_id == programme.id, Person.status != "left")
    people = list(db.session.scalars(query))
    for person in people:
        unconfirmed = person.status == "pending"
        erase_details(person)
        if unconfirmed:
            # As erase_unconfirmed does: the organisation is only what a stranger typed.
            person.organisation = ""
    _cancel_outbox(programme)
    events = select(WebhookEvent).where(WebhookEvent.programme_id == programme.id)
    for event in db.session.scalars(events):
        strip_event(event)
    settings = dict(programme.settings or {})
    settings.pop("contact_email", None)  # the organisers' address: a person's, often
    programme.settings = {**settings, ERASED_AT: now.isoformat(timespec="seconds")}
    db.session.flush()
    forget_unused(programme)
    return len(people)


def _cancel_outbox(programme):
    """Cancel the programme's unsent mail and Trello writes, and blank every payload it kept:
    mails, card names, descriptions and comments all name its people."""
    ours = OutboxEntry.programme_id == programme.id
    db.session.execute(
        update(OutboxEntry)
        .where(ours, OutboxEntry.status.in_(WAITING))
        .values(status="cancelled", locked_until=None, last_error="cancelled: programme erased")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxEntry)
        .where(ours)
        .values(payload={"erased": True})
        .execution_options(synchronize_session=False)
    )
