"""Trello's JSON shapes, built from stored documents: lists, cards and labels (boards and
members are in account_shapes.py)."""

from trello_sandbox import constants
from trello_sandbox.model import ids

LIST_FIELDS = ("id", "name", "closed", "idBoard", "pos", "subscribed", "softLimit")
# The sandbox's one workspace, which its board, and so every card and label, belongs to.
WORKSPACE_ID = constants.WORKSPACE_ID


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


LIST_LIMITS = {"cards": {"openPerList": limit(5000), "totalPerList": limit(1000000)}}
CARD_LIMITS = {
    "attachments": {"perCard": limit(1000)},
    "checklists": {"perCard": limit(500)},
    "stickers": {"perCard": limit(70)},
}


def list_json(doc, fields=None):
    """Return a list; `fields=all` adds its limits, as the board JSON export shows them."""
    shaped = {key: doc[key] for key in LIST_FIELDS}
    shaped["pos"] = number(doc["pos"])
    if fields == "all":
        shaped["limits"] = LIST_LIMITS
    return pick(shaped, fields)


def label_json(label, uses=0):
    """Return a label, with its workspace and node id, as 2024 and 2025 captures show them."""
    return {
        "id": label["id"],
        "idBoard": label["idBoard"],
        "idOrganization": WORKSPACE_ID,
        "name": label["name"],
        "nodeId": node_id("label", label["id"]),
        "color": label["color"],
        "uses": uses,
    }


def node_id(kind, object_id):
    """Return the Atlassian resource id (ARI) 2024 and 2025 captures show on cards and labels."""
    return f"ari:cloud:trello::{kind}/workspace/{WORKSPACE_ID}/{object_id}"


def card_json(card, labels_by_id, fields=None):
    """Return a card in Trello's full shape, keys in the order of a 2025 capture (py-trello reads
    most of them; `fields=all` adds the card's limits, as the board JSON export shows them)."""
    short_url = f"https://trello.com/c/{card['shortLink']}"
    shaped = {
        "id": card["id"],
        "agent": None,  # set on cards an AI agent made
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
        "nodeId": node_id("card", card["id"]),
        "pinned": False,
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
            "yPosition": 0.5,
            "idPlugin": None,
        },
        "isTemplate": False,
        "cardRole": None,
        "mirrorSourceId": None,
    }
    if fields == "all":
        shaped["limits"] = CARD_LIMITS
    return pick(shaped, fields)


def _badges(card):
    """Return a card's badges, counting its comments and attachments (2025 key order)."""
    return {
        "dueComplete": card["dueComplete"],
        "due": card["due"],
        "description": bool(card["desc"]),
        "attachments": card["attachmentCount"],
        "comments": card["commentCount"],
        "checkItemsChecked": 0,
        "checkItems": 0,
        "fogbugz": "",
        "checkItemsEarliestDue": None,
        "lastUpdatedByAi": False,
        "start": card["start"],
        "attachmentsByType": {"trello": {"board": 0, "card": 0}},
        "externalSource": None,
        "location": False,
        "votes": 0,
        "maliciousAttachments": 0,
        "viewingMemberVoted": False,
        "subscribed": False,
    }
