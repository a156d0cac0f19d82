"""Board-level state: lookups, the webhook model, lists, labels, and a card's write context."""

from trello_sandbox.model import board_actions, ids
from trello_sandbox.model.account_shapes import LABEL_NAME_KEYS, board_json
from trello_sandbox.model.checks import as_bool, place, require_writer
from trello_sandbox.model.errors import TrelloError, invalid, not_found
from trello_sandbox.model.shapes import card_json, label_json, list_json


def lookup(store, kind, ref):
    """Return a board or card by id or short link, or a list, label or member by id."""
    if ids.is_id(ref):
        found = store.get(kind, ref)
    elif kind in ("board", "card") and ids.is_short_link(ref):
        found = next((doc for doc in store.find(kind) if doc["shortLink"] == ref), None)
    else:
        raise TrelloError(400, "invalid id")
    if found is None:
        raise not_found()
    return found


def labels_by_id(store, board_id):
    """Return the board's labels as Trello shows them, by id."""
    cards = store.find("card", board=board_id)
    return {
        label["id"]: label_json(label, sum(label["id"] in c["idLabels"] for c in cards))
        for label in store.find("label", board=board_id)
    }


def lists_by_id(store, board_id):
    """Return the board's stored lists by id."""
    return {lst["id"]: lst for lst in store.find("list", board=board_id)}


def model_json(store, id_model):
    """Return what a webhook on this model receives as "model"."""
    for kind in ("board", "card", "list"):
        doc = store.get(kind, id_model)
        if doc is None:
            continue
        if kind == "board":
            return board_json(doc, store.find("label", board=id_model))
        if kind == "card":
            return card_json(doc, labels_by_id(store, doc["idBoard"]))
        return list_json(doc)
    return {"id": id_model}


def create_list(sb, member_id, board_id, name, pos=None):
    """Add a list to a board and record createList."""
    if not name:
        raise invalid("name")
    with sb.store.transaction():
        board = lookup(sb.store, "board", board_id)
        require_writer(board, member_id)
        existing = [lst["pos"] for lst in sb.store.find("list", board=board["id"])]
        lst = {
            "id": ids.new_id(),
            "name": str(name),
            "closed": False,
            "idBoard": board["id"],
            "pos": place(existing, pos),
            "subscribed": False,
            "softLimit": None,
        }
        sb.store.put("list", lst, board=board["id"])
        member = sb.store.get("member", member_id)
        sb.record(board_actions.list_action(member, lst, board))
    return lst


def update_list(sb, member_id, list_id, changes):
    """Change a list's name, closed or pos; record one updateList per changed field."""
    with sb.store.transaction():
        lst = lookup(sb.store, "list", list_id)
        board = sb.store.get("board", lst["idBoard"])
        require_writer(board, member_id)
        member = sb.store.get("member", member_id)
        for field, value in changes.items():
            if field == "name" and not value:
                raise invalid("name")
            if field == "closed":
                value = as_bool(value, "closed")
            if field == "pos":
                others = [
                    x["pos"]
                    for x in sb.store.find("list", board=board["id"])
                    if x["id"] != lst["id"]
                ]
                value = place(others, value)
            old, lst[field] = lst[field], value
            sb.store.put("list", lst, board=board["id"])
            if old != value:
                sb.record(board_actions.list_action(member, lst, board, field, old))
    return lst


def create_label(sb, member_id, board_id, name, color):
    """Add a label to a board and record createLabel."""
    if color in ("", "null"):
        color = None
    if color is not None and color not in LABEL_NAME_KEYS:
        raise invalid("color")
    with sb.store.transaction():
        board = lookup(sb.store, "board", board_id)
        require_writer(board, member_id)
        label = {
            "id": ids.new_id(),
            "idBoard": board["id"],
            "name": str(name or ""),
            "color": color,
        }
        sb.store.put("label", label, board=board["id"])
        sb.record(board_actions.create_label(sb.store.get("member", member_id), board, label))
    return label_json(label)


def delete_label(sb, member_id, label_id):
    """Delete a label from its board and from every card that carries it, as Trello does."""
    # No action is recorded: Trello's deleteLabel payload is not documented to copy it from.
    with sb.store.transaction():
        label = lookup(sb.store, "label", label_id)
        board = sb.store.get("board", label["idBoard"])
        require_writer(board, member_id)
        for card in sb.store.find("card", board=board["id"]):
            if label["id"] in card["idLabels"]:
                card["idLabels"] = [i for i in card["idLabels"] if i != label["id"]]
                sb.store.put("card", card, board=board["id"], parent=card["idList"])
        sb.store.delete("label", label["id"])


def set_membership(store, board_id, member_id, role):
    """Give a member a role on the board (admin, normal, observer) or, with None, take them off."""
    with store.transaction():
        board, member = lookup(store, "board", board_id), lookup(store, "member", member_id)
        kept = [m for m in board["memberships"] if m["idMember"] != member["id"]]
        if role is not None:
            old = next((m for m in board["memberships"] if m["idMember"] == member["id"]), {})
            kept.append(
                {
                    "id": old.get("id") or ids.new_id(),
                    "idMember": member["id"],
                    "memberType": role,
                    "unconfirmed": False,
                    "deactivated": False,
                }
            )
        board["memberships"] = kept
        store.put("board", board, board=board["id"])
        others = [b for b in member["idBoards"] if b != board["id"]]
        member["idBoards"] = others + ([board["id"]] if role is not None else [])
        store.put("member", member)
    return board["memberships"]


def card_context(sb, member_id, card_ref):
    """Return (card, board, list, member) for a write by member_id, checking permission."""
    card = lookup(sb.store, "card", card_ref)
    board = sb.store.get("board", card["idBoard"])
    require_writer(board, member_id)
    return card, board, sb.store.get("list", card["idList"]), sb.store.get("member", member_id)
