"""What a /1/ route reads from the call in hand: its arguments and the member it acts as."""

import json

from flask import g, request

from trello_sandbox.core import sandbox
from trello_sandbox.model import boards, ids
from trello_sandbox.model.checks import require_reader
from trello_sandbox.model.errors import TrelloError, invalid


def params():
    """Return the call's arguments: query string, then form body, then JSON body (None dropped)."""
    if "params" not in g:
        merged = request.args.to_dict()
        merged.update(request.form.to_dict())
        raw = request.get_data(cache=True)
        if raw and request.mimetype == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                raise TrelloError(400, "invalid JSON") from None
            if isinstance(body, dict):
                merged.update(body)
        g.params = {key: value for key, value in merged.items() if value is not None}
    return g.params


def actor():
    """Return the member a write is made by: the token's, or X-Sandbox-Member's for tests."""
    member_id = request.headers.get("X-Sandbox-Member") or g.member_id
    if not ids.is_id(member_id) or sandbox().store.get("member", member_id) is None:
        raise invalid("X-Sandbox-Member")
    return member_id


def lookup(store, kind, ref):
    """Return a board, card, list or label the acting member may see, or Trello's refusal."""
    found = boards.lookup(store, kind, ref)
    board = found if kind == "board" else store.get("board", found["idBoard"])
    require_reader(board, actor())
    return found
