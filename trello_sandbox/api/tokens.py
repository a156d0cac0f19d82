"""Routes under /1/tokens/{token}: the token, its member, and revoking it (its webhooks go too).

A member's token may read and revoke that member's other tokens, as trello.com's account page
does; any other token is answered 401 invalid token, as Trello answers for a token it does not
know. The /webhooks routes under a token are in webhooks.py."""

from flask import Blueprint, g, jsonify

from trello_sandbox.api.call import params
from trello_sandbox.core import sandbox
from trello_sandbox.model import tokens
from trello_sandbox.model.account_shapes import member_json
from trello_sandbox.model.errors import TrelloError
from trello_sandbox.webhooks.payload import webhook_json

bp = Blueprint("trello_tokens", __name__, url_prefix="/1")


def _own(token):
    """Return a live token of the calling token's member, or Trello's 401."""
    held = tokens.live(sandbox().store, token)
    if held is None or held["idMember"] != g.member_id:
        raise TrelloError(401, "invalid token")
    return held


@bp.get("/tokens/<token>")
def get_token(token):
    """Return a token (fields=, and its webhooks with webhooks=true)."""
    args = params()
    held = _own(token)
    shaped = tokens.token_json(held, args.get("fields"))
    if str(args.get("webhooks", "false")).lower() == "true":
        hooks = sandbox().store.find("webhook", parent=token)
        shaped["webhooks"] = [webhook_json(h) for h in hooks]
    return jsonify(shaped)


@bp.get("/tokens/<token>/member")
def get_token_member(token):
    """Return the member a token acts for."""
    held = _own(token)
    member = sandbox().store.get("member", held["idMember"])
    return jsonify(member_json(member, params().get("fields"), is_me=True))


@bp.delete("/tokens/<token>")
def delete_token(token):
    """Revoke a token: it stops working at once, and every webhook it made is deleted."""
    tokens.revoke(sandbox().store, _own(token)["id"])
    return jsonify({"_value": None})
