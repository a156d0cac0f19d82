"""Read-side helpers: filtering, ordering and shaping cards, lists and actions as Trello answers."""

from trello_sandbox.model import ids
from trello_sandbox.model.boards import labels_by_id, lists_by_id
from trello_sandbox.model.errors import invalid
from trello_sandbox.model.shapes import card_json, list_json, pick

CARD_FILTERS = ("all", "closed", "open", "visible")
LIST_FILTERS = ("all", "closed", "open")


def filter_cards(cards, lists, card_filter):
    """Return the cards a Trello card filter selects (visible: open cards in open lists)."""
    if card_filter not in CARD_FILTERS:
        raise invalid("filter")
    if card_filter == "closed":
        return [c for c in cards if c["closed"]]
    if card_filter == "open":
        return [c for c in cards if not c["closed"]]
    if card_filter == "visible":
        return [c for c in cards if not c["closed"] and not lists[c["idList"]]["closed"]]
    return list(cards)


def cards_json(store, board_id, cards, args):
    """Return cards in board order, with attachments and customFieldItems when asked for."""
    labels, lists = labels_by_id(store, board_id), lists_by_id(store, board_id)
    cards = sorted(cards, key=lambda c: (lists[c["idList"]]["pos"], c["pos"]))
    shaped = []
    for card in cards:
        item = card_json(card, labels, args.get("fields"))
        if str(args.get("attachments", "false")).lower() in ("true", "cover"):
            attached = store.find("attachment", parent=card["id"])
            item["attachments"] = [pick(a, args.get("attachment_fields")) for a in attached]
        # The sandbox models neither custom fields nor Power-Up data: a card has none of either.
        if str(args.get("customFieldItems", "false")).lower() == "true":
            item["customFieldItems"] = []
        if str(args.get("pluginData", "false")).lower() == "true":
            item["pluginData"] = []
        shaped.append(item)
    return shaped


def board_cards(store, board_id, card_filter, args):
    """Return a board's cards under a filter, shaped."""
    lists = lists_by_id(store, board_id)
    chosen = filter_cards(store.find("card", board=board_id), lists, card_filter)
    return cards_json(store, board_id, chosen, args)


def board_lists(store, board_id, list_filter, args, cards_filter=None):
    """Return a board's lists by position, each with its cards when cards_filter is given."""
    if list_filter not in LIST_FILTERS:
        raise invalid("filter")
    lists = sorted(store.find("list", board=board_id), key=lambda x: x["pos"])
    if list_filter != "all":
        lists = [x for x in lists if x["closed"] == (list_filter == "closed")]
    shaped = [list_json(x, args.get("fields")) for x in lists]
    if cards_filter and cards_filter != "none":
        cards = board_cards(store, board_id, cards_filter, {})
        for item in shaped:
            item["cards"] = [c for c in cards if c["idList"] == item["id"]]
    return shaped


def list_cards(store, lst, args):
    """Return one list's cards under the filter argument (open by default)."""
    lists = {lst["id"]: lst}
    cards = filter_cards(store.find("card", parent=lst["id"]), lists, args.get("filter", "open"))
    return cards_json(store, lst["idBoard"], cards, args)


def filter_actions(actions, args, default="all"):
    """Return actions newest first under Trello's filter, since, before and limit arguments."""
    wanted = str(args.get("filter") or default).split(",")
    since, before = args.get("since"), args.get("before")
    try:
        limit = int(args.get("limit", 50))
    except ValueError:
        raise invalid("limit") from None
    if not 0 <= limit <= 1000:
        raise invalid("limit")
    chosen = []
    for action in actions:
        if "all" not in wanted and not any(_matches(action, w) for w in wanted):
            continue
        if since and not _after(action, since):
            continue
        if before and _after(action, before, inclusive=True):
            continue
        chosen.append(action)
    return chosen[:limit]


def _matches(action, wanted):
    """Match an action type, or type:field (e.g. updateCard:idList) on the field it changed."""
    kind, _, field = wanted.partition(":")
    return action["type"] == kind and (not field or field in action["data"].get("old", {}))


def _after(action, bound, inclusive=False):
    """Return True when the action is later than a date or an action id."""
    if ids.is_id(bound):
        return action["id"] >= bound if inclusive else action["id"] > bound
    when = ids.parse_when(bound)
    if when is None:
        raise invalid("since" if not inclusive else "before")
    mine = ids.parse_when(action["date"])
    return mine >= when if inclusive else mine > when
