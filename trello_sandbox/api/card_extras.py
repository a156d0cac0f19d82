"""Routes for what hangs off a card: comments, link attachments, and labels."""

from flask import Blueprint, jsonify, request

from trello_sandbox.api.call import actor, lookup, params
from trello_sandbox.core import sandbox
from trello_sandbox.model import card_actions, card_extras
from trello_sandbox.model.boards import create_label
from trello_sandbox.model.errors import TrelloError
from trello_sandbox.model.shapes import pick

bp = Blueprint("trello_card_extras", __name__, url_prefix="/1")


@bp.post("/cards/<ref>/actions/comments")
def post_comment(ref):
    """Comment on a card; answer the commentCard action, with the entities list Trello adds."""
    action = card_extras.add_comment(sandbox(), actor(), ref, params().get("text"))
    return jsonify(card_actions.comment_answer(action))


@bp.get("/cards/<ref>/attachments")
def get_attachments(ref):
    """Return a card's attachments."""
    store, fields = sandbox().store, params().get("fields")
    card = lookup(store, "card", ref)
    return jsonify([pick(a, fields) for a in store.find("attachment", parent=card["id"])])


@bp.post("/cards/<ref>/attachments")
def post_attachment(ref):
    """Attach a link to a card (uploads are not part of the sandbox)."""
    if request.files:
        raise TrelloError(400, "the sandbox takes links only, not file uploads")
    args = params()
    attached = card_extras.add_attachment(
        sandbox(), actor(), ref, args.get("url"), args.get("name"), args.get("mimeType")
    )
    return jsonify({**attached, "limits": {}})  # as Trello's answer to the POST has it


@bp.get("/cards/<ref>/attachments/<attachment_id>")
def get_attachment(ref, attachment_id):
    """Return one attachment of a card."""
    store = sandbox().store
    card = lookup(store, "card", ref)
    attached = card_extras.card_attachment(store, card, attachment_id)
    return jsonify(pick(attached, params().get("fields")))


@bp.delete("/cards/<ref>/attachments/<attachment_id>")
def delete_attachment(ref, attachment_id):
    """Remove an attachment from a card."""
    card_extras.remove_attachment(sandbox(), actor(), ref, attachment_id)
    return jsonify({"limits": {}})


@bp.post("/cards/<ref>/idLabels")
def post_card_label(ref):
    """Put a label on a card; answer the card's idLabels."""
    return jsonify(card_extras.add_label(sandbox(), actor(), ref, params().get("value")))


@bp.delete("/cards/<ref>/idLabels/<label_id>")
def delete_card_label(ref, label_id):
    """Take a label off a card; answer the card's idLabels."""
    return jsonify(card_extras.remove_label(sandbox(), actor(), ref, label_id))


@bp.post("/cards/<ref>/labels")
def post_new_card_label(ref):
    """Make a new board label and put it on the card; answer the card's idLabels."""
    sb, args, member_id = sandbox(), params(), actor()
    card = lookup(sb.store, "card", ref)
    label = create_label(sb, member_id, card["idBoard"], args.get("name"), args.get("color"))
    return jsonify(card_extras.add_label(sb, member_id, card["id"], label["id"]))
