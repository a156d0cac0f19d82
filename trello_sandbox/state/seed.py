"""The first state of a sandbox: four members and an empty board, as Trello would have them."""

import hashlib

from trello_sandbox import constants
from trello_sandbox.model import ids, tokens

BOARD_PREFS = {
    "permissionLevel": "private",
    "hideVotes": False,
    "voting": "disabled",
    "comments": "members",
    "invitations": "members",
    "selfJoin": True,
    "cardCovers": True,
    "isTemplate": False,
    "cardAging": "regular",
    "calendarFeedEnabled": False,
    "hiddenPluginBoardButtons": [],
    "background": "blue",
    "backgroundColor": "#0079BF",
    "backgroundImage": None,
    "backgroundImageScaled": None,
    "backgroundTile": False,
    "backgroundBrightness": "dark",
    "backgroundBottomColor": "#0079BF",
    "backgroundTopColor": "#0079BF",
    "canBePublic": True,
    "canBeEnterprise": True,
    "canBeOrg": True,
    "canBePrivate": True,
    "canInvite": True,
}


def seed(store):
    """Create the members, the first board (six unnamed labels, no lists) and ADMIN's token.

    The first board is workspace-visible, as Trello makes a new board in a workspace: every
    sandbox member is in that workspace, so a member taken off it can still read it."""
    with store.transaction():
        for member_id in constants.MEMBERS:
            store.put("member", new_member(member_id))
        new_board(
            store,
            constants.BOARD_NAME,
            constants.BOARD_ROLES,
            board_id=constants.BOARD_ID,
            short=constants.BOARD_SHORT_LINK,
            permission="org",
            powerup=True,
        )
        tokens.issue(
            store,
            constants.ADMIN_MEMBER_ID,
            "UnMentoring (sandbox)",
            "read,write",
            token=constants.API_TOKEN,
        )


def upgrade(store):
    """Bring a state kept by an older sandbox up to date: ADMIN's token and the Power-Up
    enabled on the first board."""
    with store.transaction():
        tokens.issue(
            store,
            constants.ADMIN_MEMBER_ID,
            "UnMentoring (sandbox)",
            "read,write",
            token=constants.API_TOKEN,
        )
        set_powerup(store, constants.BOARD_ID, True)


def new_board(
    store, name, roles, *, board_id=None, short=None, permission="private", powerup=False
):
    """Store a new board with its members' roles ({member id: role}, the first one its creator),
    Trello's six unnamed labels and no lists; enable the Power-Up on it if asked; return it."""
    board_id, short = board_id or ids.new_id(), short or ids.short_link()
    memberships = [
        {
            "id": ids.new_id(),
            "idMember": member_id,
            "memberType": role,
            "unconfirmed": False,
            "deactivated": False,
        }
        for member_id, role in roles.items()
    ]
    board = {
        "id": board_id,
        "name": name,
        "desc": "",
        "descData": None,
        "closed": False,
        "idOrganization": constants.WORKSPACE_ID,
        "idEnterprise": None,
        "pinned": False,
        "url": f"https://trello.com/b/{short}/{ids.slug(name)}",
        "shortUrl": f"https://trello.com/b/{short}",
        "prefs": {**BOARD_PREFS, "permissionLevel": permission, "switcherViews": switcher_views()},
        "shortLink": short,
        "dateLastActivity": ids.now_iso(),
        "idMemberCreator": next(iter(roles), constants.ADMIN_MEMBER_ID),
        "memberships": memberships,
        "subscribed": False,
        "starred": False,
        "dateClosed": None,
    }
    with store.transaction():
        store.put("board", board, board=board_id)
        for color in constants.DEFAULT_LABEL_COLORS:
            label = {"id": ids.new_id(), "idBoard": board_id, "name": "", "color": color}
            store.put("label", label, board=board_id)
        for member_id in roles:
            member = store.get("member", member_id)
            if board_id not in member["idBoards"]:
                member["idBoards"].append(board_id)
                store.put("member", member)
        if powerup:
            set_powerup(store, board_id, True)
    return board


def set_powerup(store, board_id, enabled):
    """Enable or disable the sandbox Power-Up on a board (Trello's boardPlugins)."""
    doc_id = f"{board_id}:{constants.POWERUP_ID}"
    if not enabled:
        store.delete("boardPlugin", doc_id)
        return
    if store.get("boardPlugin", doc_id) is None:
        plugin = {"id": doc_id, "idBoardPlugin": ids.new_id(), "idBoard": board_id}
        store.put("boardPlugin", {**plugin, "idPlugin": constants.POWERUP_ID}, board=board_id)


def powerup_enabled(store, board_id):
    """Return whether the sandbox Power-Up is enabled on a board."""
    return store.get("boardPlugin", f"{board_id}:{constants.POWERUP_ID}") is not None


def switcher_views():
    """Return the board's views as a 2023 capture lists them, each with its own id."""
    views = ("Board", "Table", "Calendar", "Dashboard", "Timeline", "Map")
    return [{"viewType": v, "enabled": v == "Board", "_id": ids.new_id()} for v in views]


def new_member(member_id, full_name=None, username=None):
    """Return the stored document of one sandbox member (named in constants, or as given)."""
    if full_name is None:
        full_name, username = constants.MEMBERS[member_id]
    initials = "".join(part[0] for part in full_name.split()).upper()
    # An uploaded avatar, as every member in the recorded answers has: a hash and its S3 address.
    avatar = hashlib.md5(username.encode(), usedforsecurity=False).hexdigest()
    return {
        "id": member_id,
        "activityBlocked": False,
        "avatarHash": avatar,
        "avatarUrl": f"https://trello-members.s3.amazonaws.com/{member_id}/{avatar}",
        "bio": "",
        "confirmed": True,
        "fullName": full_name,
        "idMemberReferrer": None,
        "initials": initials,
        "memberType": "normal",
        "nonPublic": {},
        "nonPublicAvailable": True,
        "status": "disconnected",
        "url": f"https://trello.com/{username}",
        "username": username,
        "email": f"{username}@sandbox.invalid",
        "idBoards": [],
    }
