"""What crosses between the service and the outside: Trello actions received, writes and mails
waiting to be sent."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow


class WebhookEvent(db.Model):
    """A Trello action received by the webhook, kept once per action id."""

    __tablename__ = "webhook_events"
    # The worker's queue pass finds the received actions, oldest first (app.webhooks.queue).
    __table_args__ = (Index("ix_webhook_events_queue", "status", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    action_id: Mapped[str] = mapped_column(String(24), unique=True)
    action_type: Mapped[str] = mapped_column(String(64))
    action_date: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="received")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)


# The statuses of an entry not carried out yet ("running": a worker has claimed it).
WAITING = ("pending", "running")


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

    programme = relationship("Programme")

    @classmethod
    def waiting(cls):
        """Return the condition "not carried out yet", for queries."""
        return cls.status.in_(WAITING)
