"""Argument and permission checks shared by the writes, with Trello's error answers."""

import re

from trello_sandbox.model import ids
from trello_sandbox.model.errors import UNAUTHORIZED, TrelloError, invalid

STEP = 65536.0  # Trello's gap between positions
URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
MAX_TEXT = 16384


def as_bool(value, field):
    """Return a boolean from JSON true/false or the strings Trello accepts."""
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise invalid(field)


def place(positions, pos, field="pos"):
    """Return the number for a new position: top, bottom (default) or a positive number."""
    if pos in (None, "", "bottom"):
        return max(positions, default=0.0) + STEP
    if pos == "top":
        return min(positions) / 2 if positions else STEP
    try:
        number = float(pos)
    except (TypeError, ValueError):
        raise invalid(field) from None
    if number < 0 or number != number:
        raise invalid(field)
    return number


def require_writer(board, member_id):
    """Refuse writes by observers and non-members, as Trello does."""
    roles = {m["idMember"]: m["memberType"] for m in board["memberships"]}
    if roles.get(member_id) not in ("admin", "normal"):
        raise TrelloError(401, UNAUTHORIZED)


def require_reader(board, member_id):
    """Refuse reads of a board the member may not see, as Trello does: a private board shows
    itself to its members only, a workspace-visible one to the workspace's members too (every
    sandbox member is in the one workspace), a public one to anyone."""
    level = board["prefs"].get("permissionLevel", "private")
    if level in ("public", "org"):
        return
    if not any(m["idMember"] == member_id for m in board["memberships"]):
        raise TrelloError(401, UNAUTHORIZED)


def id_list(value, field):
    """Return ids from a comma-separated string or a JSON list; refuse malformed ones."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    items = [item.strip() for item in items if item and item.strip()]
    if not all(ids.is_id(item) for item in items):
        raise invalid(field)
    return list(dict.fromkeys(items))


def text(value, field):
    """Return text within Trello's 16384-character limit."""
    if len(value) > MAX_TEXT:
        raise invalid(field)
    return value


def date(value):
    """Return a date string or None (py-trello sends the string "null" for no due date)."""
    return None if value in (None, "", "null") else str(value)
