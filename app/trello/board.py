"""The board contract: the four lists exist, and Trello knows where to send webhooks."""

from flask import current_app

from app.db import db
from app.models import current_programme
from app.trello.gateway import get_gateway
from app.vocabulary import LISTS

# Where Trello delivers the board's actions: the webhook receiver's path under PUBLIC_URL.
WEBHOOK_PATH = "/webhooks/trello"
# Each list's key and the setting that names it on the board, in the board's order.
LIST_KEYS = {key: f"LIST_{key.upper()}" for key in LISTS}


def callback_url():
    """Return the callback URL exactly as registered with Trello (and signed over by it)."""
    return current_app.config["PUBLIC_URL"] + WEBHOOK_PATH


def setup_board():
    """Create the lists that are missing (reopening archived ones); return {key: (name, made)}."""
    gateway = get_gateway()
    programme = current_programme()
    existing = {}
    for trello_list in gateway.lists(filter="all"):
        # An open list wins over an archived one of the same name.
        if trello_list["name"] not in existing or not trello_list.get("closed"):
            existing[trello_list["name"]] = trello_list
    ids, report = {}, {}
    for key, setting in LIST_KEYS.items():
        name = current_app.config[setting]
        found = existing.get(name)
        if found is None:
            found, outcome = gateway.create_list(name, pos="bottom"), "created"
        elif found.get("closed"):
            found, outcome = gateway.reopen_list(found["id"]), "reopened"
        else:
            outcome = "exists"
        ids[key] = found["id"]
        report[key] = (name, outcome)
    programme.settings = {**(programme.settings or {}), "lists": ids}
    db.session.commit()
    return report


def register_webhook():
    """Make PUBLIC_URL/webhooks/trello deliver the board's actions; return (webhook, what done).

    What was done is "registered", "reactivated" (Trello had disabled it after failed
    deliveries) or "unchanged".
    """
    gateway = get_gateway()
    board_id = current_programme().trello_board_id
    hook = board_webhook(gateway.webhooks(), board_id)
    if hook is not None:
        if hook.get("active", True):
            return hook, "unchanged"
        return gateway.activate_webhook(hook["id"]), "reactivated"
    hook = gateway.create_webhook(callback_url(), "UnMentoring", id_model=board_id)
    return hook, "registered"


def board_webhook(hooks, board_id):
    """Return the webhook, among a token's, that sends a board's actions to callback_url()."""
    url = callback_url()
    found = (h for h in hooks or [] if h.get("callbackURL") == url and h.get("idModel") == board_id)
    return next(found, None)
