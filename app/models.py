"""Database models: programmes, the people in them, webhook events and the outbox."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false

from app.db import db

STATUSES = ("pending", "active", "paused", "left")


def utcnow():
    """Return the current UTC time as a naive datetime, the one form both databases keep alike."""
    return datetime.now(UTC).replace(tzinfo=None)


class Programme(db.Model):
    """One network's scheme, run on one Trello board; every other record belongs to one."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trello_board_id: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Board-side ids (lists, labels) and organiser settings; small and read as a whole.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    people = relationship("Person", back_populates="programme")

    def list_id(self, key):
        """Return the Trello list id stored for a list key such as 'signups', or None."""
        return (self.settings or {}).get("lists", {}).get(key)


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
    organisation: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    google_id: Mapped[str | None] = mapped_column(String(320))
    skype: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[str | None] = mapped_column(String(280))
    share_channels: Mapped[list] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(20), default="every")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    consented_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Set by the participant; the rounds code leaves them out of one draw, then clears it.
    skip_next_round: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Opt-in: the public outputs feed may name this person beside their outputs.
    credit_name: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
    trello_card_id: Mapped[str | None] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    programme = relationship("Programme", back_populates="people")


class WebhookEvent(db.Model):
    """A Trello action received by the webhook, kept once per action id."""

    __tablename__ = "webhook_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    action_id: Mapped[str] = mapped_column(String(24), unique=True)
    action_type: Mapped[str] = mapped_column(String(64))
    action_date: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="received")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxEntry(db.Model):
    """A pending Trello write or mail, committed with the change that caused it."""

    __tablename__ = "outbox_entries"
    __table_args__ = (
        Index("ix_outbox_due", "status", "available_at"),
        UniqueConstraint("programme_id", "dedupe_key", name="uq_outbox_dedupe"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operation: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    # Entries sharing a lane (e.g. one card) run strictly in the order they were queued.
    lane: Mapped[str | None] = mapped_column(String(64), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    # The person a mail or card write is about, so leaving can cancel and scrub it.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
