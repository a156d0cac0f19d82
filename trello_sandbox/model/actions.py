"""The shape every Trello action has, as webhooks deliver it (see shared/trello-payloads)."""

from trello_sandbox.model.ids import new_id, now_iso


def card_ref(card):
    """Return the card as action data names it."""
    return {key: card[key] for key in ("id", "name", "idShort", "shortLink")}


def list_ref(lst):
    """Return the list as action data names it."""
    return {"id": lst["id"], "name": lst["name"]}


def board_ref(board):
    """Return the board as action data names it."""
    return {key: board[key] for key in ("id", "name", "shortLink")}


def card_entity(card, **changed):
    """Return the card as display.entities names it, with any changed field first."""
    return {
        "type": "card",
        **changed,
        "id": card["id"],
        "shortLink": card["shortLink"],
        "text": card["name"],
    }


def list_entity(lst):
    """Return a list as display.entities names it."""
    return {"type": "list", "id": lst["id"], "text": lst["name"]}


def build(action_type, member, data, key, entities, limits=None):
    """Return a complete action made now by member."""
    return {
        "id": new_id(),
        "idMemberCreator": member["id"],
        "data": data,
        "appCreator": None,
        "type": action_type,
        "date": now_iso(),
        "limits": limits,
        "display": {
            "translationKey": key,
            "entities": {
                **entities,
                "memberCreator": {
                    "type": "member",
                    "id": member["id"],
                    "username": member["username"],
                    "text": member["fullName"],
                },
            },
        },
        "memberCreator": {
            key: member[key]
            for key in (
                "id",
                "activityBlocked",
                "avatarHash",
                "avatarUrl",
                "fullName",
                "idMemberReferrer",
                "initials",
                "nonPublic",
                "nonPublicAvailable",
                "username",
            )
        },
    }
