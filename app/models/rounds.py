"""Rounds and the groups drawn in them: stored before anything is written to Trello."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow


class Round(db.Model):
    """One draw: its seed, rules, the pool it was drawn from, and how far it is on the board."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("programme_id", "number", name="uq_rounds_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(32))
    # Hash of the pool (ids and the history they carry) the preview was drawn from.
    pool_hash: Mapped[str] = mapped_column(String(64))
    policy: Mapped[dict] = mapped_column(JSON, default=dict)
    bent: Mapped[list] = mapped_column(JSON, default=list)
    round_date: Mapped[date] = mapped_column(Date)
    meet_by: Mapped[date] = mapped_column(Date)
    # The round is open until the end of this day (meet-by plus the programme's grace period)
    # or until an organiser closes it, whichever comes first.
    closes_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    odd_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    odd_role: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="applying")
    cards_total: Mapped[int] = mapped_column(Integer, default=0)
    cards_done: Mapped[int] = mapped_column(Integer, default=0)
    # Board-side ids, filled in while the round is applied.
    label_id: Mapped[str | None] = mapped_column(String(24))
    round_card_id: Mapped[str | None] = mapped_column(String(24))
    left_out: Mapped[list] = mapped_column(JSON, default=list)
    # [person id, reason] for everyone active who waits this round (paused, skipping, ...).
    waiting: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)

    groups = relationship("Group", back_populates="round", order_by="Group.position")

    @property
    def name(self):
        """Return the label and card prefix for this round, e.g. 'Round 3'."""
        return f"Round {self.number}"


class Group(db.Model):
    """A pair (or the one trio) drawn in a round, or re-matched in it by a rescue; the lead
    finds a time to meet."""

    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # "drawn" with the round, or "rescue": stranded people re-matched during it.
    kind: Mapped[str] = mapped_column(String(20), default="drawn", server_default="drawn")
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)

    round = relationship("Round", back_populates="groups")
    members = relationship("GroupMember", back_populates="group", order_by="GroupMember.id")

    @property
    def person_ids(self):
        """Return the ids of the people still in this group, in drawn order."""
        return [member.person_id for member in self.members if member.left_at is None]


class GroupMember(db.Model):
    """One person's place in one group; kept when they leave it, so the pairing's history
    still knows they were introduced."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "person_id", name="uq_group_members_person"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # When they left the group: they left the scheme, paused, or their card was removed.
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When every partner had left them: they wait to be re-matched (rescued) in the round.
    stranded_at: Mapped[datetime | None] = mapped_column(DateTime)

    group = relationship("Group", back_populates="members")
    person = relationship("Person")
