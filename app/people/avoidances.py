""" "Never pair me with": the addresses a participant never wants to be drawn with, kept only in
the avoidances table, read only by the person themselves and by the draw (through avoid_map),
never shown to anyone else."""

from collections import defaultdict

from sqlalchemy import delete, select, update

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
        avoided_person_id=_holder(person.programme_id, email),
        created_at=utcnow(),
    )
    if added is None:
        # The same address sent twice at the same moment (a double click): it is listed once.
        raise Refused("That email address is already on your list")
    return db.session.get(Avoidance, added)


def _holder(programme_id, email):
    """Return the id of the programme's person who has this address now, or None."""
    query = select(Person.id).where(Person.programme_id == programme_id, Person.email == email)
    return db.session.scalar(query)


def address_changed(person, old_email):
    """Keep entries that named the person's old address naming them after a change of address:
    the rule stays, and the lister's list still shows the address they typed."""
    db.session.execute(
        update(Avoidance)
        .where(
            Avoidance.programme_id == person.programme_id,
            Avoidance.email == old_email,
            Avoidance.avoided_person_id.is_(None),
        )
        .values(avoided_person_id=person.id)
    )


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
    by_address = select(Avoidance.person_id, Person.id).join(
        Person,
        (Person.email == Avoidance.email) & (Person.programme_id == Avoidance.programme_id),
    )
    by_address = by_address.where(Avoidance.programme_id == programme_id)
    # The person matched when the entry was made, though they have changed address since.
    # A leaver's row stays (ids never recur) but names nobody: they are matched by address
    # again if they come back.
    by_person = (
        select(Avoidance.person_id, Avoidance.avoided_person_id)
        .join(Person, Person.id == Avoidance.avoided_person_id)
        .where(Avoidance.programme_id == programme_id, Person.status != "left")
    )
    found = defaultdict(set)
    for query in (by_address, by_person):
        for lister, listed_id in db.session.execute(query):
            if lister != listed_id:
                found[lister].add(listed_id)
                found[listed_id].add(lister)
    return dict(found)
