"""Trello's card actions: createCard, updateCard, commentCard, attachments, deleteCard."""

from trello_sandbox.model.actions import (
    board_ref,
    build,
    card_entity,
    card_ref,
    list_entity,
    list_ref,
)

COMMENT_LIMITS = {
    "reactions": {
        "perAction": {"status": "ok", "disableAt": 900, "warnAt": 720},
        "uniquePerAction": {"status": "ok", "disableAt": 17, "warnAt": 14},
    }
}
# updateCard's translation key per changed field; closed and pos depend on the new value.
UPDATE_KEYS = {
    "idList": "action_move_card_from_list_to_list",
    "desc": "action_changed_description_of_card",
    "name": "action_renamed_card",
    "due": "action_changed_a_due_date",
    "dueComplete": "action_marked_the_due_date_complete",
    "start": "action_changed_a_start_date",
}


def create_card(member, card, lst, board):
    """Return a createCard action."""
    data = {"card": card_ref(card), "list": list_ref(lst), "board": board_ref(board)}
    entities = {"card": card_entity(card), "list": list_entity(lst)}
    return build("createCard", member, data, "action_create_card", entities, limits={})


def update_card(member, card, board, field, old, lists):
    """Return the updateCard action for one changed field; lists maps id to list."""
    new = card[field]
    data = {"card": {field: new, **card_ref(card)}, "old": {field: old}, "board": board_ref(board)}
    entities = {"card": card_entity(card, **{field: new})}
    key = UPDATE_KEYS.get(field)
    if field == "idList":
        data["listBefore"], data["listAfter"] = list_ref(lists[old]), list_ref(lists[new])
        entities["listBefore"], entities["listAfter"] = (
            list_entity(lists[old]),
            list_entity(lists[new]),
        )
    else:
        data["list"] = list_ref(lists[card["idList"]])
    if field == "closed":
        key = "action_archived_card" if new else "action_sent_card_to_board"
    elif field == "pos":
        key = "action_moved_card_higher" if new < old else "action_moved_card_lower"
    elif field == "name":
        entities["name"] = {"type": "text", "text": old}
    elif field == "due" and None in (old, new):
        key = "action_added_a_due_date" if old is None else "action_removed_a_due_date"
    elif field == "dueComplete" and not new:
        key = "action_marked_the_due_date_incomplete"
    return build("updateCard", member, data, key, entities)


def comment(member, card, lst, board, text):
    """Return a commentCard action."""
    data = {
        "text": text,
        "textData": {"emoji": {}},
        "card": card_ref(card),
        "board": board_ref(board),
        "list": list_ref(lst),
    }
    entities = {
        "contextOn": {
            "type": "translatable",
            "translationKey": "action_on",
            "hideIfContext": True,
            "idContext": card["id"],
        },
        "card": {"type": "card", "hideIfContext": True, **card_entity(card)},
        "comment": {"type": "comment", "text": text},
    }
    return build("commentCard", member, data, "action_comment_on_card", entities, COMMENT_LIMITS)


def comment_answer(action):
    """Return a commentCard action as POST /1/cards/{id}/actions/comments answers it: with
    `entities`, the sentence "<member> on <card>: <comment>" as a list (a 2023 capture)."""
    shown = action["display"]["entities"]
    context = shown["contextOn"]
    on = {"type": "text", "text": "on", "hideIfContext": True, "idContext": context["idContext"]}
    entities = [shown["memberCreator"], on, shown["card"], shown["comment"]]
    return {**action, "entities": entities}


def attachment(member, card, lst, board, attached, removed=False):
    """Return an addAttachmentToCard (or deleteAttachmentFromCard) action for a link."""
    ref = {"id": attached["id"], "name": attached["name"], "url": attached["url"]}
    data = {
        "attachment": ref,
        "card": card_ref(card),
        "list": list_ref(lst),
        "board": board_ref(board),
    }
    entity = {
        "type": "attachment",
        "id": ref["id"],
        "link": True,
        "text": ref["name"],
        "url": ref["url"],
    }
    entities = {"attachment": entity, "card": card_entity(card)}
    if removed:
        return build(
            "deleteAttachmentFromCard", member, data, "action_delete_attachment_from_card", entities
        )
    # A link has no previews, so Trello's attachmentPreview carries only the original URL.
    entities["attachmentPreview"] = {
        "type": "attachmentPreview",
        "id": ref["id"],
        "originalUrl": ref["url"],
    }
    return build("addAttachmentToCard", member, data, "action_add_attachment_to_card", entities)


def delete_card(member, card, lst, board):
    """Return a deleteCard action: the card is named by ids only."""
    ref = {key: card[key] for key in ("id", "idShort", "shortLink")}
    data = {"card": ref, "list": list_ref(lst), "board": board_ref(board)}
    entities = {"idCard": {"type": "text", "text": card["idShort"]}, "list": list_entity(lst)}
    return build("deleteCard", member, data, "action_delete_card", entities, limits={})
