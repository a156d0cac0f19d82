"""Trello's JSON shapes for boards and members, built from stored documents."""

import hashlib

from trello_sandbox.model.shapes import WORKSPACE_ID, limit, pick

LABEL_NAME_KEYS = [
    f"{color}{shade}"
    for shade in ("", "_dark", "_light")
    for color in ("green", "yellow", "orange", "red", "purple", "blue", "sky", "lime", "pink")
    + ("black",)
]
BOARD_DEFAULT_FIELDS = (
    "id name desc descData closed idOrganization idEnterprise pinned url shortUrl prefs labelNames"
).split()
# The limits a 2020 GET /1/members/{id}/boards showed (the sandbox reports but never enforces).
BOARD_LIMITS = {
    "attachments": {"perBoard": limit(36000), "perCard": limit(1000)},
    "boards": {"totalMembersPerBoard": limit(1600)},
    "cards": {
        "openPerBoard": limit(5000),
        "openPerList": limit(5000),
        "totalPerBoard": limit(2000000),
        "totalPerList": limit(1000000),
    },
    "checklists": {"perBoard": limit(2000000), "perCard": limit(500)},
    "checkItems": {"perChecklist": limit(200)},
    "customFields": {"perBoard": limit(50)},
    "customFieldOptions": {"perField": limit(50)},
    "labels": {"perBoard": limit(1000)},
    "lists": {"openPerBoard": limit(500), "totalPerBoard": limit(3000)},
    "stickers": {"perCard": limit(70)},
    "reactions": {"perAction": limit(1000), "uniquePerAction": limit(17)},
}
# Board fields `fields=all` shows beyond the stored ones (2018 export, 2020 members' boards),
# at the values a board without invitations, tags, Power-Up data or templates has.
BOARD_OTHER_FIELDS = {
    "creationMethod": "automatic",
    "datePluginDisable": None,
    "enterpriseOwned": False,
    "idBoardSource": None,
    "idTags": [],
    "invitations": [],
    "invited": False,
    "ixUpdate": "1",
    "powerUps": [],
    "premiumFeatures": [],
    "templateGallery": None,
}


def board_json(board, labels, fields=None):
    """Return a board; the default fields are those Trello sends as a webhook's model."""
    names = dict.fromkeys(LABEL_NAME_KEYS, "")
    for label in reversed(labels):  # the first label of a colour names it
        if label["color"] in names:
            names[label["color"]] = label["name"]
    full = {
        **BOARD_OTHER_FIELDS,
        "dateLastView": board["dateLastActivity"],
        **board,
        "labelNames": names,
        "limits": BOARD_LIMITS,
    }
    if not fields:
        return {key: full[key] for key in BOARD_DEFAULT_FIELDS}
    return pick(full, fields)


def member_json(member, fields=None, is_me=False):
    """Return a member; Trello shows the email, login types and preferences to the member only."""
    avatar = member.get("avatarHash")
    full = {
        "avatarSource": "upload" if avatar else "none",
        "uploadedAvatarHash": avatar,
        "bioData": None,
        "idEnterprisesDeactivated": [],
        "idOrganizations": [WORKSPACE_ID],
        "idPremOrgsAdmin": [],
        "idBoardsPinned": None,
        "premiumFeatures": [],
        "products": [],
        **member,
        "email": member["email"] if is_me else None,
    }
    if is_me:
        full.update(_private_fields(member))
    return pick(full, fields or "all")


def _private_fields(member):
    """Return what GET /1/members/me adds for the token's own member (a 2016 capture's keys)."""
    return {
        # Gravatar's hash: the MD5 of the address, lower-cased.
        "gravatarHash": hashlib.md5(
            member["email"].lower().encode(), usedforsecurity=False
        ).hexdigest(),
        "loginTypes": ["password"],
        "oneTimeMessagesDismissed": [],
        "prefs": {
            "sendSummaries": True,
            "minutesBetweenSummaries": 60,
            "minutesBeforeDeadlineToNotify": 1440,
            "colorBlind": False,
            "locale": "en-GB",
            "timezoneInfo": {"timezoneCurrent": "GMT", "offsetCurrent": 0},
            "twoFactor": {"enabled": False},
        },
        "trophies": [],
    }
