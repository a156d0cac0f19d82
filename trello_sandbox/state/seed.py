"""The first state of a sandbox: four members and an empty board, as Trello would have them."""

import hashlib

from trello_sandbox import constants
from trello_sandbox.model import ids

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
    """Create the members and the empty board (six unnamed labels, no lists) Trello would have."""
    board_id, short = constants.BOARD_ID, constants.BOARD_SHORT_LINK
    with store.transaction():
        for member_id in constants.MEMBERS:
            store.put("member", new_member(member_id))
        memberships = [
            {
                "id": ids.new_id(),
                "idMember": member_id,
                "memberType": role,
                "unconfirmed": False,
                "deactivated": False,
            }
            for member_id, role in constants.BOARD_ROLES.items()
        ]
        board = {
            "id": board_id,
            "name": constants.BOARD_NAME,
            "desc": "",
            "descData": None,
            "closed": False,
            "idOrganization": constants.WORKSPACE_ID,
            "idEnterprise": None,
            "pinned": False,
            "url": f"https://trello.com/b/{short}/{ids.slug(constants.BOARD_NAME)}",
            "shortUrl": f"https://trello.com/b/{short}",
            "prefs": {**BOARD_PREFS, "switcherViews": switcher_views()},
            "shortLink": short,
            "dateLastActivity": ids.now_iso(),
            "idMemberCreator": constants.ADMIN_MEMBER_ID,
            "memberships": memberships,
            "subscribed": False,
            "starred": False,
            "dateClosed": None,
        }
        store.put("board", board, board=board_id)
        for color in constants.DEFAULT_LABEL_COLORS:
            label = {"id": ids.new_id(), "idBoard": board_id, "name": "", "color": color}
            store.put("label", label, board=board_id)


def switcher_views():
    """Return the board's views as a 2023 capture lists them, each with its own id."""
    views = ("Board", "Table", "Calendar", "Dashboard", "Timeline", "Map")
    return [{"viewType": v, "enabled": v == "Board", "_id": ids.new_id()} for v in views]


def new_member(member_id):
    """Return the stored document of one sandbox member."""
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
        "idBoards": [constants.BOARD_ID] if member_id in constants.BOARD_ROLES else [],
    }
