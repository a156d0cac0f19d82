"""The Power-Up on a board: enabled or disabled by a board admin, as in Trello's Power-Ups menu.
Disabling it records Trello's disablePlugin action, which the board's webhooks deliver."""

from trello_sandbox import constants
from trello_sandbox.model import board_actions
from trello_sandbox.model.boards import lookup
from trello_sandbox.state.seed import powerup_enabled, set_powerup

POWERUP_NAME = "UnMentoring"


def switch_powerup(sb, member_id, board_ref, enabled):
    """Enable or disable the Power-Up on a board as member_id (default: the board's maker);
    return the board. Disabling an enabled one records disablePlugin."""
    with sb.store.transaction():
        board = lookup(sb.store, "board", board_ref)
        was = powerup_enabled(sb.store, board["id"])
        set_powerup(sb.store, board["id"], enabled)
        if was and not enabled:
            member = sb.store.get("member", member_id or board["idMemberCreator"])
            action = board_actions.plugin_disabled(
                member, board, constants.POWERUP_ID, POWERUP_NAME
            )
            sb.record(action)
    return board
