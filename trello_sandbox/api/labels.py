"""Routes under /1/labels: create a label on a board, read one, delete one."""

from flask import Blueprint, jsonify

from trello_sandbox.api.call import actor, lookup, params
from trello_sandbox.core import sandbox
from trello_sandbox.model.boards import create_label, delete_label, labels_by_id
from trello_sandbox.model.errors import invalid

bp = Blueprint("trello_labels", __name__, url_prefix="/1")


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


@bp.delete("/labels/<label_id>")
def delete_label_route(label_id):
    """Delete a label from its board and its cards."""
    delete_label(sandbox(), actor(), label_id)
    return jsonify({"limits": {}})
