"""A participant: their details, consent and status; contact details live only here."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column, relationship
from sqlalchemy.sql import false

from app.db import db, utcnow
from app.models.organisations import Organisation, normalise, resolve

STATUSES = ("pending", "active", "paused", "left")


class Person(db.Model):
    """A participant: contact details live only here, never on the board.

    status is one of STATUSES: "pending" (signed up, email not confirmed), "active" (in the
    pool for rounds), "paused" (out of rounds until paused_until), "left" (details erased).
    """

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("programme_id", "email", name="uq_people_programme_email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    # What they typed, as they typed it (the column keeps its old name); the organisation it
    # resolved to is organisation_record, and `organisation` is that one's canonical name.
    organisation_typed: Mapped[str] = mapped_column("organisation", String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    google_id: Mapped[str | None] = mapped_column(String(320))
    teams: Mapped[str | None] = mapped_column(String(320))
    # Skype closed in May 2025: no longer asked for, shared or shown to anyone but its owner
    # (vocabulary.RETIRED_CHANNELS), kept until they delete it.
    skype: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[str | None] = mapped_column(String(280))
    share_channels: Mapped[list] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(20), default="every")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    consented_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Why a paused person is paused: "self", "organiser" (a hand move) or "quiet" (silent for
    # several rounds in a row; asked whether to carry on). None while not paused.
    paused_reason: Mapped[str | None] = mapped_column(String(20))
    # Rounds up to this number no longer count towards being quiet (set on coming back).
    quiet_from_round: Mapped[int | None] = mapped_column(Integer)
    # Set by the participant; the rounds code leaves them out of one draw, then clears it.
    skip_next_round: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Opt-in: the public outputs feed may name this person beside their outputs.
    credit_name: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
    trello_card_id: Mapped[str | None] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    programme = relationship("Programme", back_populates="people")
    # Loaded with the person, so a person read earlier still knows their organisation.
    organisation_record = relationship("Organisation", lazy="joined")

    @hybrid_property
    def organisation(self):
        """The canonical name of the person's organisation ("" for none): what the same-
        organisation rule, the report, cards and partners go by."""
        record = self.organisation_record
        if record is None:
            return self.organisation_typed or ""
        return record.canonical.name

    @organisation.inplace.setter
    def _organisation_set(self, text):
        """Keep what was typed and resolve it to the programme's organisation (at the next flush
        if the person has no programme yet). The name shown to them, given back unchanged, keeps
        the name they gave, so undoing a merge still takes them back to it."""
        record = self.organisation_record
        if record is not None and normalise(text) in (record.key, normalise(record.canonical.name)):
            return
        self.organisation_typed = text or ""
        self.organisation_record = resolve(self.programme_id, text) if self.programme_id else None
        self._organisation_unresolved = self.programme_id is None

    @organisation.inplace.expression
    @classmethod
    def _organisation_expression(cls):
        """The canonical name in SQL, for queries that select or group by it."""
        named, merged = aliased(Organisation), aliased(Organisation)
        canonical = (
            select(func.coalesce(merged.name, named.name))
            .select_from(named)
            .outerjoin(merged, named.merged_into_id == merged.id)
            .where(named.id == cls.organisation_id)
            .scalar_subquery()
        )
        return func.coalesce(canonical, cls.organisation_typed)


class Avoidance(db.Model):
    """ "Never pair me with": an address the person asked never to be drawn with. Private: only
    the draw and the person themselves ever read it."""

    __tablename__ = "avoidances"
    __table_args__ = (UniqueConstraint("person_id", "email", name="uq_avoidances_email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    # Who had the address when it was matched: a later change of address keeps the rule.
    avoided_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


@event.listens_for(Session, "before_flush")
def _resolve_organisations(session, flush_context, instances):
    """Resolve the organisations of new people whose programme was set after their organisation
    (a person already stored has a programme, so the setter resolved at once)."""
    for person in list(session.new):
        if isinstance(person, Person) and getattr(person, "_organisation_unresolved", False):
            person._organisation_unresolved = False
            person.organisation_record = resolve(person.programme_id, person.organisation_typed)


@event.listens_for(Session, "after_flush")
def _check_organisations_exist(session, flush_context):
    """On SQLite, which does not check foreign keys here, fail a flush that stored a person with
    an organisation deleted meanwhile (the erasure job forgets names only unconfirmed sign-ups
    gave), as PostgreSQL's foreign key does: the callers' second pass resolves the name again.
    The flush holds SQLite's write lock, so nothing can delete the row after this check."""
    if session.get_bind().dialect.name != "sqlite":
        return
    ids = {
        person.organisation_id
        for person in (*session.new, *session.dirty)
        if isinstance(person, Person) and person.organisation_id is not None
    }
    if not ids:
        return
    found = session.connection().scalars(select(Organisation.id).where(Organisation.id.in_(ids)))
    if missing := ids - set(found):
        orig = LookupError(f"organisations {sorted(missing)} were deleted meanwhile")
        raise IntegrityError("organisation of a person", None, orig)


def person_for_card(programme, card_id):
    """Return the programme's participant whose card this is, or None (round cards, strangers')."""
    if not card_id:
        return None
    query = select(Person).where(
        Person.programme_id == programme.id, Person.trello_card_id == card_id
    )
    return db.session.scalar(query)


def person_by_email(programme, email):
    """Return the programme's person with this (normalised) address, or None."""
    query = select(Person).where(Person.programme_id == programme.id, Person.email == email)
    return db.session.scalar(query)
