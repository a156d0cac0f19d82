"""The board page's Power-Up host: the stand-in client library and which connector to load."""

import os
from urllib.parse import urlsplit

from flask import Blueprint, current_app, request, send_from_directory

bp = Blueprint("sandbox_powerup", __name__, url_prefix="/sandbox")
STATIC = os.path.join(os.path.dirname(__file__), "static")


def app_url():
    """Return the app whose connector the board hosts: ?app=, else --app-url, else None."""
    url = (request.args.get("app") or current_app.config.get("APP_URL") or "").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return url


@bp.get("/power-up.min.js")
def client_library():
    """Serve the stand-in for https://p.trellocdn.com/power-up.min.js."""
    return _script("power-up.min.js")


@bp.get("/powerup-host.js")
def host_script():
    """Serve the board page's side of the stand-in."""
    return _script("powerup-host.js")


@bp.get("/powerup-host.css")
def host_style():
    """Serve the styles of the board button, badges, popups and card view."""
    return send_from_directory(STATIC, "powerup-host.css", mimetype="text/css", max_age=0)


def _script(name):
    """Send one of the stand-in's scripts, loadable from the app's origin (its iframes)."""
    response = send_from_directory(STATIC, name, mimetype="text/javascript", max_age=0)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
