"""Serve powerup/ at /powerup/, framed only by Trello (and the sandbox board in sandbox mode)."""

import os

from flask import Blueprint, abort, current_app, send_from_directory
from markupsafe import escape
from werkzeug.security import safe_join

bp = Blueprint("powerup_static", __name__, url_prefix="/powerup")
TRELLO_LIBRARY = "https://p.trellocdn.com/power-up.min.js"
TRELLO_ORIGIN = "https://trello.com"
# Pages that use Trello's REST client carry the service's API key (public by Trello's design:
# it names the app, the member's token is the secret) in this placeholder.
KEY_PLACEHOLDER = 'content="TRELLO_API_KEY"'
# Trello's client library sets its colour theme (light or dark design tokens) as an inline
# <style> on every Power-Up page (TrelloPowerUp.iframe()), so inline styles are allowed here;
# scripts stay limited to this origin and the library.
CSP = (
    "default-src 'self'; script-src 'self' {library}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)


def folder():
    """Return the powerup/ folder beside the app package."""
    return os.path.join(os.path.dirname(current_app.root_path), "powerup")


def library_url():
    """Return Trello's client library, or the sandbox's stand-in in sandbox mode."""
    if current_app.config["SANDBOX"]:
        return current_app.config["SANDBOX_URL"] + "/sandbox/power-up.min.js"
    return TRELLO_LIBRARY


def _origin(url):
    """Return the scheme://host[:port] of a URL."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _headers(response):
    """Let Trello frame the page; scripts only from here and the client library."""
    ancestors = TRELLO_ORIGIN
    if current_app.config["SANDBOX"]:
        ancestors += " " + _origin(current_app.config["SANDBOX_URL"])
    response.headers["Content-Security-Policy"] = CSP.format(
        library=_origin(library_url()), ancestors=ancestors
    )
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/")
def connector():
    """Serve the connector at /powerup/ as well as /powerup/index.html."""
    return serve("index.html")


@bp.get("/<path:path>")
def serve(path):
    """Send a Power-Up file; HTML pages load the client library this deployment uses."""
    if path.startswith("screenshots/") or safe_join(folder(), path) is None:
        abort(404)
    if path.endswith(".html"):
        full = safe_join(folder(), path)
        if not os.path.isfile(full):
            abort(404)
        with open(full, encoding="utf-8") as handle:
            html = handle.read().replace(TRELLO_LIBRARY, library_url())
        key = escape(current_app.config.get("TRELLO_API_KEY") or "")
        html = html.replace(KEY_PLACEHOLDER, f'content="{key}"')
        response = current_app.response_class(html, mimetype="text/html")
    else:
        response = send_from_directory(folder(), path, max_age=300)
    return _headers(response)
