"""The follow-up of a round: outputs shared, check-in answers, and the reminders already sent."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow

SOURCES = ("attachment", "comment", "organiser", "link")


class Output(db.Model):
    """A public link a participant shared about what they learned; the same URL counts once."""

    __tablename__ = "outputs"
    __table_args__ = (UniqueConstraint("person_id", "round_id", "url", name="uq_outputs_url"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    # Empty for an organiser's move to "Shared" by hand, which marks sharing without a link.
    url: Mapped[str] = mapped_column(String(2048), default="")
    # One of SOURCES: an attachment or a comment on the card, an organiser's move, or the
    # person's own email link (whose round it names).
    source: Mapped[str] = mapped_column(String(20))
    trello_action_id: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person = relationship("Person")


class CheckIn(db.Model):
    """One person's answer to "did you meet?" for one round; a second click changes it."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("round_id", "person_id", name="uq_check_ins_person"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # One of app.vocabulary.ANSWER_KEYS.
    answer: Mapped[str] = mapped_column(String(20))
    # "What did you learn?": free text, erased when the person leaves.
    learned: Mapped[str | None] = mapped_column(String(280))
    # "Did the conversation challenge your thinking?" 1 (not at all) to 5 (a lot).
    challenged: Mapped[int | None] = mapped_column(SmallInteger)
    # "Did you meet someone you would not otherwise have met?"
    new_connection: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class GroupReminder(db.Model):
    """A timed mail already sent to a group (the midway nudge, the end-of-window check-in)."""

    __tablename__ = "group_reminders"
    __table_args__ = (UniqueConstraint("group_id", "kind", name="uq_group_reminders_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    # "nudge" (half the window) or "check_in" (the end of the window).
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
