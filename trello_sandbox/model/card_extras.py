"""Comments, link attachments and labels on cards, each recording its action."""

from trello_sandbox.model import board_actions, card_actions, checks, ids
from trello_sandbox.model.boards import card_context, lookup
from trello_sandbox.model.checks import URL_RE, place
from trello_sandbox.model.errors import TrelloError, invalid, not_found


def add_comment(sb, member_id, card_ref, text):
    """Comment on a card; return the commentCard action."""
    if not str(text or "").strip():
        raise invalid("text")
    with sb.store.transaction():
        card, board, lst, member = card_context(sb, member_id, card_ref)
        card["commentCount"] += 1
        card["dateLastActivity"] = ids.now_iso()
        sb.store.put("card", card, board=board["id"], parent=card["idList"])
        action = card_actions.comment(member, card, lst, board, checks.text(str(text), "text"))
        sb.record(action)
    return action


def add_attachment(sb, member_id, card_ref, url, name=None, mime_type=None):
    """Attach a link (http or https only); record addAttachmentToCard; return the attachment."""
    if not URL_RE.match(str(url or "")):
        raise invalid("url")
    name = url if name in (None, "") else str(name)
    if len(name) > 256:
        raise invalid("name")
    with sb.store.transaction():
        card, board, lst, member = card_context(sb, member_id, card_ref)
        existing = [a["pos"] for a in sb.store.find("attachment", parent=card["id"])]
        attached = {
            "id": ids.new_id(),
            "bytes": None,
            "date": ids.now_iso(),
            "edgeColor": None,
            "idMember": member_id,
            "isUpload": False,
            "mimeType": mime_type or "",
            "name": name,
            "previews": [],
            "url": url,
            "pos": place(existing, None),
            "fileName": None,
        }
        sb.store.put("attachment", attached, board=board["id"], parent=card["id"])
        card["attachmentCount"] += 1
        sb.store.put("card", card, board=board["id"], parent=card["idList"])
        sb.record(card_actions.attachment(member, card, lst, board, attached))
    return attached


def card_attachment(store, card, attachment_id):
    """Return one of the card's attachments, or raise Trello's 400 or 404."""
    attached = lookup(store, "attachment", attachment_id)
    if attached["id"] not in {a["id"] for a in store.find("attachment", parent=card["id"])}:
        raise not_found()
    return attached


def remove_attachment(sb, member_id, card_ref, attachment_id):
    """Remove an attachment from a card; record deleteAttachmentFromCard."""
    with sb.store.transaction():
        card, board, lst, member = card_context(sb, member_id, card_ref)
        attached = card_attachment(sb.store, card, attachment_id)
        sb.store.delete("attachment", attachment_id)
        card["attachmentCount"] -= 1
        sb.store.put("card", card, board=board["id"], parent=card["idList"])
        sb.record(card_actions.attachment(member, card, lst, board, attached, removed=True))


def add_label(sb, member_id, card_ref, label_id):
    """Put a board label on a card; record addLabelToCard; return the card's idLabels."""
    return _label(sb, member_id, card_ref, label_id, removed=False)


def remove_label(sb, member_id, card_ref, label_id):
    """Take a label off a card; record removeLabelFromCard; return the card's idLabels."""
    return _label(sb, member_id, card_ref, label_id, removed=True)


def _label(sb, member_id, card_ref, label_id, removed):
    """Add or remove one label, refusing what Trello refuses."""
    with sb.store.transaction():
        card, board, _, member = card_context(sb, member_id, card_ref)
        label = sb.store.get("label", label_id) if ids.is_id(label_id) else None
        if label is None or label["idBoard"] != board["id"]:
            raise invalid("value")
        if (label_id in card["idLabels"]) != removed:
            raise TrelloError(
                400, "that label is " + ("not" if removed else "already") + " on the card"
            )
        if removed:
            card["idLabels"].remove(label_id)
        else:
            card["idLabels"].append(label_id)
        sb.store.put("card", card, board=board["id"], parent=card["idList"])
        sb.record(board_actions.card_label(member, card, board, label, removed))
    return card["idLabels"]
