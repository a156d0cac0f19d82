"""GET/POST under /1/boards/: the board, its lists, cards, labels, members and actions."""

from flask import Blueprint, jsonify

from trello_sandbox.api.call import actor, lookup, params
from trello_sandbox.core import sandbox
from trello_sandbox.model import queries
from trello_sandbox.model.account_shapes import board_json, member_json
from trello_sandbox.model.boards import create_label, create_list, labels_by_id
from trello_sandbox.model.errors import invalid
from trello_sandbox.model.shapes import card_json, list_json, pick

bp = Blueprint("trello_boards", __name__, url_prefix="/1")
# What GET /1/boards/{id} can nest, each asked for by its own argument.
NESTED = "lists cards labels memberships members actions checklists pluginData".split()


def _board(ref):
    """Return the stored board for an id or short link, or raise Trello's error."""
    return lookup(sandbox().store, "board", ref)


@bp.get("/boards/<ref>")
def get_board(ref):
    """Return a board, with lists, cards (and attachments), labels, memberships, members and
    actions if asked (`checklists` and `pluginData` answer [], as the sandbox has none)."""
    store, args = sandbox().store, params()
    board = _board(ref)
    shaped = board_json(board, store.find("label", board=board["id"]), args.get("fields"))
    wanted = {name for name in NESTED if args.get(name, "none") not in ("none", "false")}
    if "lists" in wanted:
        list_args = {"fields": args.get("list_fields")}
        shaped["lists"] = queries.board_lists(store, board["id"], args["lists"], list_args)
    if "cards" in wanted:
        shaped["cards"] = queries.board_cards(store, board["id"], args["cards"], _card_args(args))
    if "labels" in wanted:
        shaped["labels"] = list(labels_by_id(store, board["id"]).values())
    if "memberships" in wanted:
        shaped["memberships"] = board["memberships"]
    if "members" in wanted:
        shaped["members"] = _members(store, board, "all", args.get("member_fields"))
    if "actions" in wanted:
        actions = store.find("action", board=board["id"], newest_first=True)
        limit = {"filter": args["actions"], "limit": args.get("actions_limit", 50)}
        shaped["actions"] = queries.filter_actions(actions, limit)
    shaped.update({name: [] for name in ("checklists", "pluginData") if name in wanted})
    return jsonify(shaped)


def _card_args(args):
    """Return the arguments for a board's nested cards, from the board call's card_* ones."""
    return {
        "attachments": args.get("card_attachments", "false"),
        "attachment_fields": args.get("card_attachment_fields"),
        "fields": args.get("card_fields"),
        "pluginData": args.get("card_pluginData", "false"),
    }


@bp.get("/boards/<ref>/lists")
@bp.get("/boards/<ref>/lists/<list_filter>")
def get_board_lists(ref, list_filter=None):
    """Return a board's lists (open by default), each with cards when cards= is given."""
    args = params()
    board = _board(ref)
    chosen = list_filter or args.get("filter", "open")
    return jsonify(
        queries.board_lists(sandbox().store, board["id"], chosen, args, args.get("cards"))
    )


@bp.post("/boards/<ref>/lists")
def post_board_list(ref):
    """Add a list to the board."""
    args = params()
    made = create_list(sandbox(), actor(), _board(ref)["id"], args.get("name"), args.get("pos"))
    return jsonify(list_json(made))


@bp.get("/boards/<ref>/cards")
@bp.get("/boards/<ref>/cards/<which>")
def get_board_cards(ref, which=None):
    """Return a board's cards under a filter (visible by default), or one card by id."""
    store, args = sandbox().store, params()
    board = _board(ref)
    if which and which not in queries.CARD_FILTERS:
        card = lookup(store, "card", which)
        if card["idBoard"] != board["id"]:
            raise invalid("idCard")
        return jsonify(card_json(card, labels_by_id(store, board["id"]), args.get("fields")))
    chosen = which or args.get("filter", "visible")
    return jsonify(queries.board_cards(store, board["id"], chosen, args))


@bp.get("/boards/<ref>/labels")
def get_board_labels(ref):
    """Return a board's labels."""
    labels = labels_by_id(sandbox().store, _board(ref)["id"]).values()
    return jsonify([pick(label, params().get("fields")) for label in labels])


@bp.post("/boards/<ref>/labels")
def post_board_label(ref):
    """Add a label to the board."""
    args = params()
    board_id = _board(ref)["id"]
    return jsonify(create_label(sandbox(), actor(), board_id, args.get("name"), args.get("color")))


@bp.get("/boards/<ref>/memberships")
def get_board_memberships(ref):
    """Return the board's memberships (idMember, memberType), with the member if asked."""
    store, args = sandbox().store, params()
    board = _board(ref)
    chosen = args.get("filter", "all")
    shaped = []
    for membership in board["memberships"]:
        if chosen in ("admins", "normal") and membership["memberType"] != chosen.rstrip("s"):
            continue
        item = dict(membership)
        if str(args.get("member", "false")).lower() == "true":
            item["member"] = member_json(
                store.get("member", membership["idMember"]), "id,fullName,username"
            )
        shaped.append(item)
    return jsonify(shaped)


@bp.get("/boards/<ref>/members")
def get_board_members(ref):
    """Return the board's members (fullName and username unless fields= says otherwise)."""
    args = params()
    board = _board(ref)
    return jsonify(_members(sandbox().store, board, args.get("filter", "all"), args.get("fields")))


def _members(store, board, member_filter, fields):
    """Return the board's members under Trello's filter (all, admins, normal, owners)."""
    roles = {"admins": {"admin"}, "owners": {"admin"}, "normal": {"normal"}}.get(member_filter)
    chosen = [m for m in board["memberships"] if roles is None or m["memberType"] in roles]
    return [
        member_json(store.get("member", m["idMember"]), fields or "id,fullName,username")
        for m in chosen
    ]


@bp.get("/boards/<ref>/actions")
def get_board_actions(ref):
    """Return the board's actions, newest first, under filter, since, before and limit."""
    store = sandbox().store
    board = _board(ref)
    actions = store.find("action", board=board["id"], newest_first=True)
    return jsonify(queries.filter_actions(actions, params()))


@bp.get("/boards/<ref>/customFields")
def get_board_custom_fields(ref):
    """Return the board's custom fields: none, as the sandbox does not model them."""
    _board(ref)
    return jsonify([])


@bp.get("/boards/<ref>/dateLastActivity")
def get_board_last_activity(ref):
    """Return when the board last changed, as py-trello's Board.get_last_activity reads it."""
    actions = sandbox().store.find("action", board=_board(ref)["id"], newest_first=True)
    return jsonify({"_value": actions[0]["date"] if actions else None})


@bp.get("/boards/<ref>/boardPlugins")
def get_board_plugins(ref):
    """Return the Power-Ups enabled on the board: the sandbox's own, when it is."""
    store = sandbox().store
    board = lookup(store, "board", ref)
    enabled = store.find("boardPlugin", board=board["id"])
    return jsonify(
        [
            {"id": p["idBoardPlugin"], "idBoard": p["idBoard"], "idPlugin": p["idPlugin"]}
            for p in enabled
        ]
    )
