"""An embedded Trello-compatible sandbox: REST subset, signed webhooks, JWTs, board, mail."""

from flask import Flask

from trello_sandbox.api import (
    batch,
    boards,
    card_extras,
    cards,
    gate,
    jwt_public_keys,
    labels,
    lists,
    members,
    tokens,
    webhooks,
)
from trello_sandbox.control import routes as control
from trello_sandbox.core import Sandbox
from trello_sandbox.pages import authorize
from trello_sandbox.pages import routes as pages
from trello_sandbox.powerup_host import routes as powerup_host

# Everything the sandbox serves: the /1/ gate (no routes; its app-wide hooks stand before every
# /1/ route), Trello's resources, then the sandbox's own controls, pages and Power-Up host.
BLUEPRINTS = (
    gate.bp,
    boards.bp,
    lists.bp,
    cards.bp,
    card_extras.bp,
    labels.bp,
    members.bp,
    tokens.bp,
    webhooks.bp,
    batch.bp,
    jwt_public_keys.bp,
    control.bp,
    pages.bp,
    authorize.bp,
    powerup_host.bp,
)


def create_sandbox_app(
    state_path=None,
    *,
    rate_limits=True,
    webhook_retry_delays=(30, 60, 120),
    webhook_timeout=30,
    app_url=None,
):
    """Build the sandbox's own WSGI app; state_path None keeps the state in memory.

    app_url is the UnMentoring app whose Power-Up the board page hosts (or ?app= on the page).
    """
    app = Flask(__name__, static_folder=None)
    app.config["APP_URL"] = app_url
    # Trello answers with keys in its own order and UTF-8 as is.
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    # py-trello asks for some routes with a trailing slash (/boards/ID/cards/, create_hook).
    app.url_map.strict_slashes = False
    app.extensions["sandbox"] = Sandbox(
        state_path,
        rate_limits=rate_limits,
        retry_delays=webhook_retry_delays,
        timeout=webhook_timeout,
    )
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
