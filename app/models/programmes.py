"""Programmes: one network's scheme on one Trello board, and finding the one a request is for."""

from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow


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


def current_programme():
    """Return the programme of the configured Trello board, creating its row if missing."""
    board_id = current_app.config["TRELLO_BOARD_ID"]
    if not board_id:
        raise RuntimeError("TRELLO_BOARD_ID is not set: name the board this service runs on")
    found = db.session.scalar(select(Programme).where(Programme.trello_board_id == board_id))
    if found:
        return found
    programme = Programme(trello_board_id=board_id, name="", settings={})
    db.session.add(programme)
    try:
        db.session.commit()
    except IntegrityError:
        # Another process created it between our read and our write.
        db.session.rollback()
        return db.session.scalar(select(Programme).where(Programme.trello_board_id == board_id))
    return programme


def programme_for_board(board_id):
    """Return the programme that runs on a board, or None for a board we do not serve."""
    return db.session.scalar(select(Programme).where(Programme.trello_board_id == board_id))


def organisers_contact(programme):
    """Return (address, where it comes from) of whom people write to about the scheme and their
    details: the programme's own setting (board admins set it in the Power-Up), else the
    ORGANISERS_EMAIL setting of the service, else the address mail is sent from ("mail_from",
    which `flask doctor` warns about: it may be an address nobody reads)."""
    stored = ((programme.settings or {}) if programme is not None else {}).get("contact_email")
    if stored:
        return stored, "settings"
    if current_app.config.get("ORGANISERS_EMAIL"):
        return current_app.config["ORGANISERS_EMAIL"], "env"
    return parseaddr(current_app.config["MAIL_FROM"])[1], "mail_from"
