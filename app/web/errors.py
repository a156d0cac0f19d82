"""Error pages of the service: each says what happened and what to do next."""

from flask import render_template
from flask_wtf.csrf import CSRFError


def init_app(app):
    """Answer an expired form, too many requests, a missing page and a crash with our pages."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(429, _too_many)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(500, _server_error)


def _csrf_error(error):
    """Explain an expired or missing form token instead of a bare 400."""
    return render_template("errors/form_expired.html"), 400


def _too_many(error):
    """Ask the person to wait, in a page, when a client posts too often."""
    return render_template("errors/too_many.html"), 429


def _not_found(error):
    """Say what to try when a page is not there (the API answers its own 404s as JSON)."""
    return render_template("errors/not_found.html"), 404


def _server_error(error):
    """Apologise in a page, not Flask's bare text; the error itself is in the log."""
    try:
        return render_template("errors/server_error.html"), 500
    except Exception:  # noqa: BLE001 - the page must not fail in turn
        return "Sorry, there is a problem with the service. Try again later.", 500
