"""A board admin removed the Power-Up from a board: Trello sends the board's webhook a
disablePlugin action, and the board's programme stops.

The handler runs inside the delivery's transaction, where nothing calls Trello, so it stops the
programme and deletes the stored token here without revoking it at Trello. Nobody holds the
token afterwards; Trello keeps delivering the board's actions to its webhook, and the receiver
acknowledges and ignores them (the programme is stopped). Authorising again makes a new token
and webhook; the admin can revoke the old token in Trello's account settings.
"""

import logging

from flask import current_app

from app.models import stop_programme
from app.webhooks.routing import Router

log = logging.getLogger(__name__)
router = Router()
REMOVED = "a board admin removed the UnMentoring Power-Up from the board"


@router.register("disablePlugin")
def power_up_removed(programme, event):
    """The UnMentoring Power-Up was removed from the board: its programme stops.

    The first board, which runs on the service's own token, is only warned about.
    """
    plugin = ((event.payload.get("data") or {}).get("plugin") or {}).get("id")
    if not plugin or plugin != current_app.config.get("TRELLO_POWERUP_ID"):
        return  # another Power-Up: nothing of ours
    if programme.is_first:
        log.warning(
            "the UnMentoring Power-Up was removed from the service's own board %s; the service "
            "keeps running there on its own token until an operator stops it",
            programme.trello_board_id,
        )
        return
    stop_programme(programme, REMOVED)
    current_app.extensions["powerup_members"].forget(programme.trello_board_id)
