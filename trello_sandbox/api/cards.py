"""Routes under /1/cards: create, read, the one-call PUT, delete; a card's actions, list, board."""

from flask import Blueprint, jsonify, request

from trello_sandbox.api.call import actor, lookup, params
from trello_sandbox.core import sandbox
from trello_sandbox.model import queries
from trello_sandbox.model.account_shapes import board_json
from trello_sandbox.model.cards import UPDATE_ORDER, create_card, delete_card, update_card
from trello_sandbox.model.errors import TrelloError, invalid
from trello_sandbox.model.shapes import list_json

bp = Blueprint("trello_cards", __name__, url_prefix="/1")
UPDATE_FIELDS = UPDATE_ORDER + ("idLabels", "idMembers", "subscribed")


def _card_view(card_id, args=None):
    """Return one card as GET /1/cards/{id} shows it."""
    store = sandbox().store
    card = lookup(store, "card", card_id)
    return queries.cards_json(store, card["idBoard"], [card], args or {})[0]


@bp.post("/cards")
def post_card():
    """Create a card; the answer carries its attachments, as Trello's does."""
    card = create_card(sandbox(), actor(), params())
    shaped = _card_view(card["id"], {"attachments": "true"})
    return jsonify({**shaped, "stickers": [], "limits": {}})


@bp.get("/cards/<ref>")
def get_card(ref):
    """Return a card (fields, attachments, attachment_fields, customFieldItems)."""
    return jsonify(_card_view(ref, params()))


@bp.put("/cards/<ref>")
def put_card(ref):
    """Change any of idList, name, desc, idLabels, pos, closed, due… in one call."""
    args = params()
    changes = {field: args[field] for field in UPDATE_FIELDS if field in args}
    card = update_card(sandbox(), actor(), ref, changes)
    return jsonify(_card_view(card["id"]))


@bp.put("/cards/<ref>/<field>")
def put_card_field(ref, field):
    """Change one field with {"value": …}, the form py-trello's setters use."""
    if field not in UPDATE_FIELDS:
        raise TrelloError(404, f"Cannot PUT {request.path}")
    args = params()
    if "value" not in args and field not in ("due", "start"):
        raise invalid("value")
    card = update_card(sandbox(), actor(), ref, {field: args.get("value")})
    return jsonify(_card_view(card["id"]))


@bp.delete("/cards/<ref>")
def delete_card_route(ref):
    """Delete a card for good."""
    delete_card(sandbox(), actor(), ref)
    return jsonify({"limits": {}})


@bp.get("/cards/<ref>/actions")
def get_card_actions(ref):
    """Return a card's actions, newest first (comments and moves by default)."""
    store = sandbox().store
    card = lookup(store, "card", ref)
    found = store.find("action", parent=card["id"], newest_first=True)
    return jsonify(queries.filter_actions(found, params(), default="commentCard,updateCard:idList"))


@bp.get("/cards/<ref>/list")
def get_card_list(ref):
    """Return the list a card is in."""
    store = sandbox().store
    return jsonify(list_json(store.get("list", lookup(store, "card", ref)["idList"])))


@bp.get("/cards/<ref>/board")
def get_card_board(ref):
    """Return the board a card is on."""
    store = sandbox().store
    board = store.get("board", lookup(store, "card", ref)["idBoard"])
    return jsonify(board_json(board, store.find("label", board=board["id"])))


@bp.get("/cards/<ref>/pluginData")
@bp.get("/cards/<ref>/checklists")
def get_card_empty_collection(ref):
    """Return [] for collections the sandbox does not model (py-trello's Card.fetch asks)."""
    lookup(sandbox().store, "card", ref)
    return jsonify([])
