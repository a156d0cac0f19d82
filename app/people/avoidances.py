""" "Never pair me with": the addresses a participant never wants to be drawn with, kept only in
the avoidances table, read only by the person themselves and by the draw (through avoid_map),
never shown to anyone else."""

from collections import defaultdict

from sqlalchemy import delete, select

from app.db import db, insert_once, utcnow
from app.models import Avoidance, Person
from app.people.checks import normalise_email

# Enough for anyone's real list; a bound on what one link can store.
LIMIT = 50


class Refused(ValueError):
    """An address that cannot go on the list; the message says why, to the person."""


def entries(person):
    """Return the person's list, in the order they added to it."""
    query = select(Avoidance).where(Avoidance.person_id == person.id)
    return list(db.session.scalars(query.order_by(Avoidance.id)))


def add(person, email):
    """Add an address to the person's list (checked, lower case) and return the entry, or raise
    Refused saying why: not an address, their own, already listed, or the list is full."""
    try:
        email = normalise_email((email or "").strip())
    except ValueError:
        raise Refused(
            "Enter an email address in the correct format, like name@example.com"
        ) from None
    listed = entries(person)
    if email == person.email:
        raise Refused("Enter someone else's email address, not your own")
    if any(entry.email == email for entry in listed):
        raise Refused("That email address is already on your list")
    if len(listed) >= LIMIT:
        raise Refused(f"Your list is full: it can hold {LIMIT} addresses. Remove one first")
    added = insert_once(
        Avoidance,
        ("person_id", "email"),
        programme_id=person.programme_id,
        person_id=person.id,
        email=email,
        created_at=utcnow(),
    )
    if added is None:
        # The same address sent twice at the same moment (a double click): it is listed once.
        raise Refused("That email address is already on your list")
    return db.session.get(Avoidance, added)


def remove(person, avoidance_id):
    """Remove one entry from the person's own list; return whether there was one to remove."""
    query = delete(Avoidance).where(Avoidance.id == avoidance_id, Avoidance.person_id == person.id)
    return db.session.execute(query).rowcount == 1


def forget(person):
    """Delete the person's whole list (they are leaving: it is their personal data). Entries
    others keep that name the person's address stay: those lists are theirs."""
    db.session.execute(delete(Avoidance).where(Avoidance.person_id == person.id))


def avoid_map(programme_id):
    """Return {person id: {person ids never to be drawn with them}} for the programme: each
    listed address matched to the programme's person who has it now, in both directions."""
    listed = select(Avoidance.person_id, Person.id).join(
        Person,
        (Person.email == Avoidance.email) & (Person.programme_id == Avoidance.programme_id),
    )
    listed = listed.where(Avoidance.programme_id == programme_id)
    found = defaultdict(set)
    for lister, listed_id in db.session.execute(listed):
        if lister != listed_id:
            found[lister].add(listed_id)
            found[listed_id].add(lister)
    return dict(found)
