"""Which recorded actions can matter to a programme, decided on arrival with at most one indexed
read, so a board's other business (organisers' own cards and lists) costs no insert and no work.

An action on a card is kept when the card is one of the programme's people's, or when the action
names one of the programme's lists (the card is in it, or moves into or out of it): so a card
created in Sign-ups, or moved there by hand, is still imported, and attachments and comments on
participants' cards are still outputs. Actions not about a card (the board, its labels, the
Power-Up) are few and always kept: the doctor's probe waits for a createLabel, and the
disablePlugin of a removed Power-Up stops the programme.
"""

from sqlalchemy import select

from app.db import db
from app.models import Person

# The parts of an action's data that name a list: where the card is, came from, or went to.
LIST_PARTS = ("list", "listBefore", "listAfter")


def concerns_programme(programme, action):
    """Tell whether a Trello action may matter to the programme (see the module's docstring)."""
    data = action.get("data") or {}
    card_id = (data.get("card") or {}).get("id")
    if not card_id:
        return True
    ours = set((programme.settings or {}).get("lists", {}).values()) - {None, ""}
    if any((data.get(part) or {}).get("id") in ours for part in LIST_PARTS):
        return True
    query = select(Person.id).where(
        Person.programme_id == programme.id, Person.trello_card_id == card_id
    )
    return db.session.scalar(query.limit(1)) is not None
