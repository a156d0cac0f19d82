"""One address in several programmes: each participation is a person of its own (own card,
pauses, history, "never pair me with" list); only someone who opened one of them by its own
signed link, which proves they read mail at that address, may see or leave the others."""

from sqlalchemy import select

from app.db import db
from app.models import Person, Programme

# Confirmed and still here: what "taking part" means on a participant's page.
TAKING_PART = ("active", "paused")


def _same_address(person):
    """Return a query for the people of other programmes with the person's address."""
    return (
        select(Person)
        .join(Programme, Programme.id == Person.programme_id)
        .where(Person.email == person.email, Person.programme_id != person.programme_id)
        .order_by(Programme.id)
    )


def other_participations(person):
    """Return the person's confirmed, not-left participations in other programmes, oldest
    programme first; none for someone who has not confirmed their own."""
    if person.status not in TAKING_PART or not person.email:
        return []
    query = _same_address(person).where(Person.status.in_(TAKING_PART))
    return list(db.session.scalars(query))


def every_participation(person):
    """Return what leaving everywhere erases, as the person's page lists it: this participation
    and their other ones, this one first. A sign-up elsewhere that was never confirmed is not
    theirs yet; its own mail has its own way out, and it is erased after 30 days."""
    return [person, *other_participations(person)]
