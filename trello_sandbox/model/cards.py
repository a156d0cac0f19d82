"""Card writes: create, the one-call update, delete; each records Trello's actions."""

from trello_sandbox.model import card_actions, ids
from trello_sandbox.model.boards import card_context, lists_by_id
from trello_sandbox.model.card_extras import add_attachment, add_label, remove_label
from trello_sandbox.model.checks import URL_RE, as_bool, date, id_list, place, require_writer, text
from trello_sandbox.model.errors import invalid

# The order Trello's separate updateCard actions come in when one PUT changes several fields.
UPDATE_ORDER = ("idList", "pos", "name", "desc", "closed", "due", "dueComplete", "start")
SILENT_FIELDS = ("idMembers", "subscribed")  # stored, but no updateCard action here


def create_card(sb, member_id, args):
    """Create a card from Trello's POST /1/cards arguments; record createCard (and the link)."""
    list_id, url_source = args.get("idList"), args.get("urlSource")
    if not ids.is_id(list_id) or sb.store.get("list", list_id) is None:
        raise invalid("idList")
    if url_source is not None and not URL_RE.match(str(url_source)):
        raise invalid("urlSource")
    with sb.store.transaction():
        lst = sb.store.get("list", list_id)
        board = sb.store.get("board", lst["idBoard"])
        require_writer(board, member_id)
        labels = id_list(args.get("idLabels"), "idLabels")
        if any((sb.store.get("label", i) or {}).get("idBoard") != board["id"] for i in labels):
            raise invalid("idLabels")
        positions = [c["pos"] for c in sb.store.find("card", parent=list_id)]
        card = {
            "id": ids.new_id(),
            "name": str(args.get("name") or url_source or ""),
            "desc": text(args.get("desc") or "", "desc"),
            "closed": False,
            "idList": list_id,
            "idBoard": board["id"],
            "idShort": sb.store.counter("idShort:" + board["id"]),
            "shortLink": ids.short_link(),
            "pos": place(positions, args.get("pos")),
            "idLabels": labels,
            "idMembers": id_list(args.get("idMembers"), "idMembers"),
            "due": date(args.get("due")),
            "dueComplete": as_bool(args.get("dueComplete", False), "dueComplete"),
            "start": date(args.get("start")),
            "dateLastActivity": ids.now_iso(),
            "commentCount": 0,
            "attachmentCount": 0,
        }
        sb.store.put("card", card, board=board["id"], parent=list_id)
        member = sb.store.get("member", member_id)
        sb.record(card_actions.create_card(member, card, lst, board))
        if url_source:
            # Since 2022-05 a card made with a link sends its own addAttachmentToCard too.
            add_attachment(sb, member_id, card["id"], url_source)
    return sb.store.get("card", card["id"])


def update_card(sb, member_id, card_ref, changes):
    """Apply any of idList, pos, name, desc, closed, due, idLabels… in one call, like PUT does."""
    wanted = id_list(changes["idLabels"], "idLabels") if "idLabels" in changes else None
    # Everything is undone, deliveries included, if any field is refused.
    with sb.store.transaction():
        card, board, _, member = card_context(sb, member_id, card_ref)
        lists = lists_by_id(sb.store, board["id"])
        for field in UPDATE_ORDER + SILENT_FIELDS:
            if field not in changes:
                continue
            value = _normalise(sb, card, lists, field, changes[field])
            old = card[field]
            if value == old:
                continue
            card[field], card["dateLastActivity"] = value, ids.now_iso()
            sb.store.put("card", card, board=board["id"], parent=card["idList"])
            if field in UPDATE_ORDER:
                sb.record(card_actions.update_card(member, card, board, field, old, lists))
        if wanted is not None:
            for label_id in [i for i in card["idLabels"] if i not in wanted]:
                remove_label(sb, member_id, card["id"], label_id)
            for label_id in [i for i in wanted if i not in card["idLabels"]]:
                add_label(sb, member_id, card["id"], label_id)
    return sb.store.get("card", card["id"])


def _normalise(sb, card, lists, field, value):
    """Return a PUT value checked and converted as Trello would store it."""
    if field == "idList":
        if value not in lists:
            raise invalid("idList")
        return value
    if field == "pos":
        siblings = sb.store.find("card", parent=card["idList"])
        return place([c["pos"] for c in siblings if c["id"] != card["id"]], value)
    if field in ("closed", "dueComplete", "subscribed"):
        return as_bool(value, field)
    if field in ("due", "start"):
        return date(value)
    if field == "idMembers":
        return id_list(value, field)
    if field == "name" and not str(value or "").strip():
        raise invalid("name")
    return text(str(value or ""), field)


def delete_card(sb, member_id, card_ref):
    """Delete a card and its attachments; record deleteCard."""
    with sb.store.transaction():
        card, board, lst, member = card_context(sb, member_id, card_ref)
        for attached in sb.store.find("attachment", parent=card["id"]):
            sb.store.delete("attachment", attached["id"])
        sb.store.delete("card", card["id"])
        sb.record(card_actions.delete_card(member, card, lst, board))
