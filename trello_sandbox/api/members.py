"""Routes under /1/members: a member (by id, username or "me") and their boards."""

from flask import Blueprint, g, jsonify

from trello_sandbox.api.call import params
from trello_sandbox.core import sandbox
from trello_sandbox.model import queries, tokens
from trello_sandbox.model.account_shapes import board_json, member_json
from trello_sandbox.model.errors import UNAUTHORIZED, TrelloError, not_found

bp = Blueprint("trello_members", __name__, url_prefix="/1")


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
    """Return the boards a member belongs to, each with its lists when lists= asks for them."""
    store, args = sandbox().store, params()
    boards = [store.get("board", board_id) for board_id in _member(ref)["idBoards"]]
    shaped = []
    for board in boards:
        item = board_json(
            board, store.find("label", board=board["id"]), args.get("fields") or "all"
        )
        if args.get("lists", "none") != "none":
            item["lists"] = queries.board_lists(store, board["id"], args["lists"], {})
        shaped.append(item)
    return jsonify(shaped)


@bp.get("/members/<ref>/tokens")
def get_member_tokens(ref):
    """Return the token's own member's tokens (another member's are not shown: 401)."""
    member = _member(ref)
    if member["id"] != g.member_id:
        raise TrelloError(401, UNAUTHORIZED)
    held = sandbox().store.find("token", parent=member["id"])
    return jsonify([tokens.token_json(doc, params().get("fields")) for doc in held])
