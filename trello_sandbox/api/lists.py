"""Routes under /1/lists: create, read and change a list, and read its cards."""

from flask import Blueprint, jsonify, request

from trello_sandbox.api.call import actor, lookup, params
from trello_sandbox.core import sandbox
from trello_sandbox.model import queries
from trello_sandbox.model.boards import create_list as make_list
from trello_sandbox.model.boards import update_list as change_list
from trello_sandbox.model.errors import TrelloError, invalid
from trello_sandbox.model.shapes import list_json

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
