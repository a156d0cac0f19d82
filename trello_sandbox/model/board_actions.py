"""Trello actions about the board itself: lists, labels, and labels on cards."""

from trello_sandbox.model.actions import (
    board_ref,
    build,
    card_entity,
    card_ref,
    list_entity,
    list_ref,
)


def card_label(member, card, board, label, removed=False):
    """Return an addLabelToCard or removeLabelFromCard action."""
    ref = {"id": label["id"], "name": label["name"], "color": label["color"]}
    data = {
        "value": label["color"],
        "text": label["name"],
        "card": card_ref(card),
        "board": board_ref(board),
        "label": ref,
    }
    entities = {
        "label": {"type": "label", "color": label["color"], "text": label["name"]},
        "card": card_entity(card),
    }
    if removed:
        return build("removeLabelFromCard", member, data, "action_remove_label_from_card", entities)
    return build("addLabelToCard", member, data, "action_add_label_to_card", entities)


def create_label(member, board, label):
    """Return a createLabel action."""
    data = {"label": {k: label[k] for k in ("id", "name", "color")}, "board": board_ref(board)}
    entities = {"label": {"type": "label", "color": label["color"], "text": label["name"]}}
    return build("createLabel", member, data, "action_create_label", entities)


def list_action(member, lst, board, field=None, old=None):
    """Return createList (no field) or the updateList action for one changed field."""
    board_entity = {
        "type": "board",
        "id": board["id"],
        "text": board["name"],
        "shortLink": board["shortLink"],
    }
    entities = {"list": list_entity(lst), "board": board_entity}
    if field is None:
        data = {"list": list_ref(lst), "board": board_ref(board)}
        return build("createList", member, data, "action_added_list_to_board", entities)
    data = {
        "list": {**list_ref(lst), field: lst[field]},
        "old": {field: old},
        "board": board_ref(board),
    }
    key = {"name": "action_renamed_list", "pos": "action_moved_list"}.get(field)
    if field == "closed":
        key = "action_archived_list" if lst["closed"] else "action_sent_list_to_board"
    return build("updateList", member, data, key or "action_update_list", entities)


def plugin_disabled(member, board, plugin_id, plugin_name):
    """Return a disablePlugin action: a board admin removed a Power-Up from the board."""
    data = {"board": board_ref(board), "plugin": {"id": plugin_id, "name": plugin_name}}
    entities = {"plugin": {"type": "plugin", "id": plugin_id, "text": plugin_name}}
    return build("disablePlugin", member, data, "action_disable_plugin", entities)
