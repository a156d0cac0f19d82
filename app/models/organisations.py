"""Organisations people work for: one canonical name per organisation in a programme.

What a person types is resolved by its normalised form (case, spacing, punctuation and "&" or
"and" do not count) to an organisation of the programme, or to an alias an organiser merged into
one; failing that, to a new organisation, named as the seed list of UK local authorities names it
when the form matches one there ("leeds city council" becomes "Leeds City Council"), else as typed.
An alias is an organisation row with merged_into set: it keeps its people, so a merge can be undone.
"""

import csv
import re
import unicodedata
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow

# mySociety's UK local authority names (CC BY 4.0); SOURCE.md beside it says where it came from.
DATA = Path(__file__).resolve().parents[1] / "data"
SEED_FILE = DATA / "organisations" / "uk_local_authorities.csv"
NAME_LENGTH = 200
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[^\w\s]|_")


def normalise(name):
    """Return the form names are matched by: "Leeds City Council", "leeds  city council." and
    "LEEDS CITY COUNCIL" are one; "Bath & North East Somerset" is "bath and north east somerset"."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    return " ".join(_NOT_WORD.sub(" ", text).split())[:NAME_LENGTH]


def tidy(name):
    """Return a name as shown: spaces collapsed, at most the column's length."""
    return " ".join((name or "").split())[:NAME_LENGTH]


class Organisation(db.Model):
    """An organisation of a programme, or (merged_into set) an alias of one."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("programme_id", "key", name="uq_organisations_programme_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    key: Mapped[str] = mapped_column(String(NAME_LENGTH))  # normalise(name): one row per form
    # Set by an organiser's merge: this name is an alias of that organisation (never a chain).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    merged_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    merged_into = relationship("Organisation", remote_side=[id], lazy="joined", join_depth=2)

    @property
    def canonical(self):
        """Return the organisation this name stands for: itself, or the one it was merged into."""
        return self.merged_into or self


@cache
def seed_names():
    """Return the seed list's official names, in the file's order."""
    with SEED_FILE.open(encoding="utf-8", newline="") as rows:
        return tuple(tidy(row["official-name"]) for row in csv.DictReader(rows))


@cache
def _seed_by_key():
    """Return {normalised form: official name} of the seed list."""
    return {normalise(name): name for name in seed_names()}


def resolve(programme_id, text):
    """Return the programme's organisation (or alias) for a typed name, adding a new one to the
    session when no name of the programme has its form; None when nothing was typed."""
    name, key = tidy(text), normalise(text)
    if not key:
        return None
    session = db.session
    for pending in session.new:  # another person of this same change typed it first
        if isinstance(pending, Organisation) and (pending.programme_id, pending.key) == (
            programme_id,
            key,
        ):
            return pending
    with session.no_autoflush:
        query = select(Organisation).where(
            Organisation.programme_id == programme_id, Organisation.key == key
        )
        found = session.scalar(query)
    if found is not None:
        return found
    made = Organisation(programme_id=programme_id, name=_seed_by_key().get(key, name), key=key)
    session.add(made)
    return made
