"""Routes under /1/labels: create a label on a board, read one."""

from flask import Blueprint, jsonify

from trello_sandbox.api.call import actor, params
from trello_sandbox.core import sandbox
from trello_sandbox.model.boards import create_label, labels_by_id, lookup
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
