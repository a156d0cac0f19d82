"""Routes for webhooks: create (checked as Trello checks them), read, change, delete."""

import requests
from flask import Blueprint, g, jsonify

from trello_sandbox.api.call import params
from trello_sandbox.core import sandbox
from trello_sandbox.model import ids
from trello_sandbox.model.checks import URL_RE, as_bool, require_reader
from trello_sandbox.model.errors import TrelloError, invalid, not_found
from trello_sandbox.webhooks.payload import webhook_json

bp = Blueprint("trello_webhooks", __name__, url_prefix="/1")
MODEL_KINDS = ("board", "card", "list", "member")


def check_callback(url, timeout):
    """HEAD the callback URL as Trello does before saving a webhook; return an error or None."""
    try:
        status = requests.head(url, timeout=timeout, allow_redirects=False).status_code
    except requests.RequestException:
        status = 0
    if status != 200:
        return f"URL ({url}) did not return 200 status code, got {status}"
    return None


def _checked_hook(hook, args, token):
    """Return hook updated from args, refusing what Trello refuses (HEAD check included)."""
    store = sandbox().store
    url, id_model = (
        args.get("callbackURL", hook.get("callbackURL")),
        args.get("idModel", hook.get("idModel")),
    )
    if not url or not URL_RE.match(str(url)):
        raise invalid("callbackURL")
    if not ids.is_id(id_model) or not any(store.get(k, id_model) for k in MODEL_KINDS):
        raise invalid("idModel")
    _require_visible(store, id_model)
    for other in store.find("webhook", parent=token):
        same = other["callbackURL"] == url and other["idModel"] == id_model
        if same and other["id"] != hook.get("id"):
            raise TrelloError(400, "A webhook with that callback, model, and token already exists")
    if url != hook.get("callbackURL") and (error := check_callback(url, sandbox().webhook_timeout)):
        raise TrelloError(400, error)
    active = as_bool(args.get("active", hook.get("active", True)), "active")
    description = str(args.get("description", hook.get("description") or ""))
    return {
        **hook,
        "description": description,
        "idModel": id_model,
        "callbackURL": url,
        "active": active,
    }


def _require_visible(store, id_model):
    """Refuse a webhook on a board (or its card or list) the token's member may not see."""
    for kind in ("board", "card", "list"):
        doc = store.get(kind, id_model)
        if doc is not None:
            require_reader(
                doc if kind == "board" else store.get("board", doc["idBoard"]), g.member_id
            )
            return


def _create(token):
    """Create a webhook owned by token."""
    if token != g.token:
        raise TrelloError(401, "invalid token")
    hook = {
        "id": ids.new_id(),
        "consecutiveFailures": 0,
        "firstConsecutiveFailDate": None,
        "token": token,
    }
    hook = _checked_hook(hook, params(), token)
    sandbox().store.put("webhook", hook, parent=token)
    return jsonify(webhook_json(hook))


@bp.post("/webhooks")
def post_webhook():
    """Create a webhook for the calling token."""
    return _create(g.token)


@bp.post("/tokens/<token>/webhooks")
def post_token_webhook(token):
    """Create a webhook through the token path (py-trello's create_hook)."""
    return _create(token)


@bp.get("/tokens/<token>/webhooks")
def get_token_webhooks(token):
    """Return the token's webhooks."""
    if token != g.token:
        raise TrelloError(401, "invalid token")
    return jsonify([webhook_json(h) for h in sandbox().store.find("webhook", parent=token)])


def _own_hook(hook_id):
    """Return a webhook of the calling token."""
    if not ids.is_id(hook_id):
        raise TrelloError(400, "invalid id")
    hook = sandbox().store.get("webhook", hook_id)
    if hook is None or hook["token"] != g.token:
        raise not_found()
    return hook


@bp.get("/webhooks/<hook_id>")
def get_webhook(hook_id):
    """Return one webhook."""
    return jsonify(webhook_json(_own_hook(hook_id)))


@bp.put("/webhooks/<hook_id>")
def put_webhook(hook_id):
    """Change a webhook's description, callbackURL, idModel or active."""
    hook = _checked_hook(_own_hook(hook_id), params(), g.token)
    sandbox().store.put("webhook", hook, parent=g.token)
    return jsonify(webhook_json(hook))


@bp.delete("/webhooks/<hook_id>")
def delete_webhook(hook_id):
    """Delete a webhook."""
    sandbox().store.delete("webhook", _own_hook(hook_id)["id"])
    return jsonify({"_value": None})
