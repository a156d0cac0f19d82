"""Trello's JSON shapes, built from stored documents: boards, lists, cards, labels, members."""

from trello_sandbox.model import ids

LABEL_NAME_KEYS = [
    f"{color}{shade}"
    for shade in ("", "_dark", "_light")
    for color in ("green", "yellow", "orange", "red", "purple", "blue", "sky", "lime", "pink")
    + ("black",)
]
BOARD_DEFAULT_FIELDS = (
    "id name desc descData closed idOrganization idEnterprise pinned url shortUrl prefs labelNames"
).split()
LIST_FIELDS = ("id", "name", "closed", "idBoard", "pos", "subscribed", "softLimit")


def number(value):
    """Return a position as Trello prints it: an int when whole."""
    return int(value) if float(value).is_integer() else value


def pick(doc, fields):
    """Return doc limited to a comma-separated fields value ('all' or empty keeps it whole)."""
    if not fields or fields == "all":
        return doc
    wanted = {"id", *str(fields).split(",")}
    return {key: value for key, value in doc.items() if key in wanted}


def limit(disable_at):
    """Return one of Trello's object-limit entries."""
    return {"status": "ok", "disableAt": disable_at, "warnAt": int(disable_at * 0.8)}


BOARD_LIMITS = {
    "attachments": {"perBoard": limit(36000), "perCard": limit(1000)},
    "cards": {
        "openPerBoard": limit(5000),
        "openPerList": limit(5000),
        "totalPerBoard": limit(2000000),
        "totalPerList": limit(1000000),
    },
    "labels": {"perBoard": limit(1000)},
    "lists": {"openPerBoard": limit(500), "totalPerBoard": limit(3000)},
}


def board_json(board, labels, fields=None):
    """Return a board; the default fields are those Trello sends as a webhook's model."""
    names = dict.fromkeys(LABEL_NAME_KEYS, "")
    for label in reversed(labels):  # the first label of a colour names it
        if label["color"] in names:
            names[label["color"]] = label["name"]
    full = {**board, "labelNames": names, "limits": BOARD_LIMITS}
    if not fields:
        return {key: full[key] for key in BOARD_DEFAULT_FIELDS}
    return pick(full, fields)


def list_json(doc, fields=None):
    """Return a list."""
    shaped = {key: doc[key] for key in LIST_FIELDS}
    shaped["pos"] = number(doc["pos"])
    return pick(shaped, fields)


def label_json(label, uses=0):
    """Return a label."""
    return {**label, "uses": uses}


def card_json(card, labels_by_id, fields=None):
    """Return a card in Trello's full shape (py-trello reads most of these keys)."""
    short_url = f"https://trello.com/c/{card['shortLink']}"
    shaped = {
        "id": card["id"],
        "badges": _badges(card),
        "checkItemStates": [],
        "closed": card["closed"],
        "dueComplete": card["dueComplete"],
        "dateLastActivity": card["dateLastActivity"],
        "desc": card["desc"],
        "descData": {"emoji": {}},
        "due": card["due"],
        "dueReminder": None,
        "email": None,
        "idBoard": card["idBoard"],
        "idChecklists": [],
        "idList": card["idList"],
        "idMembers": card["idMembers"],
        "idMembersVoted": [],
        "idShort": card["idShort"],
        "idAttachmentCover": None,
        "labels": [labels_by_id[i] for i in card["idLabels"] if i in labels_by_id],
        "idLabels": card["idLabels"],
        "manualCoverAttachment": False,
        "name": card["name"],
        "pos": number(card["pos"]),
        "shortLink": card["shortLink"],
        "shortUrl": short_url,
        "start": card["start"],
        "subscribed": False,
        "url": f"{short_url}/{card['idShort']}-{ids.slug(card['name'])}",
        "cover": {
            "idAttachment": None,
            "color": None,
            "idUploadedBackground": None,
            "size": "normal",
            "brightness": "dark",
            "idPlugin": None,
        },
        "isTemplate": False,
        "cardRole": None,
    }
    return pick(shaped, fields)


def _badges(card):
    """Return a card's badges, counting its comments and attachments."""
    return {
        "attachmentsByType": {"trello": {"board": 0, "card": 0}},
        "externalSource": None,
        "location": False,
        "votes": 0,
        "viewingMemberVoted": False,
        "subscribed": False,
        "fogbugz": "",
        "checkItems": 0,
        "checkItemsChecked": 0,
        "checkItemsEarliestDue": None,
        "comments": card["commentCount"],
        "attachments": card["attachmentCount"],
        "description": bool(card["desc"]),
        "due": card["due"],
        "dueComplete": card["dueComplete"],
        "start": card["start"],
    }


def member_json(member, fields=None, is_me=False):
    """Return a member; Trello shows the email only to the member themself."""
    full = {**member, "email": member["email"] if is_me else None}
    return pick(full, fields or "all")
