"""The programme for the configured board: found or created on first use."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import db
from app.models import Programme


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
