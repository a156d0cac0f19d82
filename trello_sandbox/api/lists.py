"""Routes under /1/lists, /1/labels and /1/members."""

from flask import Blueprint, g, jsonify, request

from trello_sandbox.api.call import actor, params
from trello_sandbox.core import sandbox
from trello_sandbox.model import queries
from trello_sandbox.model.boards import create_label, labels_by_id, lookup
from trello_sandbox.model.boards import create_list as make_list
from trello_sandbox.model.boards import update_list as change_list
from trello_sandbox.model.errors import TrelloError, invalid, not_found
from trello_sandbox.model.shapes import board_json, list_json, member_json

bp = Blueprint("trello_lists", __name__, url_prefix="/1")
LIST_FIELDS = ("name", "closed", "pos", "subscribed")


@bp.post("/lists")
def post_list():
    """Create a list on a board (name and idBoard required)."""
    args = params()
    if not args.get("idBoard"):
        raise invalid("idBoard")
    made = make_list(sandbox(), actor(), args["idBoard"], args.get("name"), args.get("pos"))
    return jsonify(list_json(made))


@bp.get("/lists/<list_id>")
def get_list(list_id):
    """Return a list."""
    return jsonify(list_json(lookup(sandbox().store, "list", list_id), params().get("fields")))


@bp.put("/lists/<list_id>")
def put_list(list_id):
    """Change a list's name, closed or pos."""
    args = params()
    changes = {field: args[field] for field in LIST_FIELDS if field in args}
    return jsonify(list_json(change_list(sandbox(), actor(), list_id, changes)))


@bp.put("/lists/<list_id>/<field>")
def put_list_field(list_id, field):
    """Change one field of a list with {"value": …}, as py-trello's List setters do."""
    if field not in LIST_FIELDS:
        raise TrelloError(404, f"Cannot PUT {request.path}")
    args = params()
    if "value" not in args:
        raise invalid("value")
    return jsonify(list_json(change_list(sandbox(), actor(), list_id, {field: args["value"]})))


@bp.get("/lists/<list_id>/cards")
@bp.get("/lists/<list_id>/cards/<card_filter>")
def get_list_cards(list_id, card_filter=None):
    """Return a list's cards (open by default)."""
    args = dict(params())
    if card_filter:
        args["filter"] = card_filter
    store = sandbox().store
    return jsonify(queries.list_cards(store, lookup(store, "list", list_id), args))


@bp.post("/labels")
def post_label():
    """Create a label on a board (idBoard required)."""
    args = params()
    if not args.get("idBoard"):
        raise invalid("idBoard")
    label = create_label(sandbox(), actor(), args["idBoard"], args.get("name"), args.get("color"))
    return jsonify(label)


@bp.get("/labels/<label_id>")
def get_label(label_id):
    """Return a label."""
    store = sandbox().store
    label = lookup(store, "label", label_id)
    return jsonify(labels_by_id(store, label["idBoard"])[label["id"]])


def _member(ref):
    """Return a member by id, username or "me" (the token's member)."""
    store = sandbox().store
    if ref == "me":
        ref = g.member_id
    found = next((m for m in store.find("member") if ref in (m["id"], m["username"])), None)
    if found is None:
        raise not_found()
    return found


@bp.get("/members/<ref>")
def get_member(ref):
    """Return a member; the email only for the token's own member."""
    member = _member(ref)
    return jsonify(member_json(member, params().get("fields"), member["id"] == g.member_id))


@bp.get("/members/<ref>/boards")
def get_member_boards(ref):
    """Return the boards a member belongs to."""
    store, fields = sandbox().store, params().get("fields")
    boards = [store.get("board", board_id) for board_id in _member(ref)["idBoards"]]
    labels = {b["id"]: store.find("label", board=b["id"]) for b in boards}
    return jsonify([board_json(b, labels[b["id"]], fields or "all") for b in boards])
