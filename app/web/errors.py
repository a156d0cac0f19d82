"""Error pages of the service: each says what happened and what to do next."""

from flask import render_template
from flask_wtf.csrf import CSRFError

from app.web.limits import EMAIL_SCOPE


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
    """Ask the person to wait, in a page, when a client or an email address posts too often:
    the page says which, and how long the count that was full lasts."""
    limit = getattr(error, "limit", None)
    page = render_template(
        "errors/too_many.html",
        for_email=getattr(limit, "scope", None) == EMAIL_SCOPE,
        wait=_wait_words(limit.limit.get_expiry() if limit is not None else 60),
    )
    return page, 429


def _wait_words(seconds):
    """Return how long to wait in words: "a minute", "10 minutes", "an hour", "a day"."""
    for unit, name, one in (
        (86400, "day", "a day"),
        (3600, "hour", "an hour"),
        (60, "minute", "a minute"),
    ):
        if seconds >= unit:
            count = -(-seconds // unit)
            return one if count == 1 else f"{count} {name}s"
    return "a minute"


def _not_found(error):
    """Say what to try when a page is not there (the API answers its own 404s as JSON)."""
    return render_template("errors/not_found.html"), 404


def _server_error(error):
    """Apologise in a page, not Flask's bare text; the error itself is in the log."""
    try:
        return render_template("errors/server_error.html"), 500
    except Exception:  # noqa: BLE001 - the page must not fail in turn
        return "Sorry, there is a problem with the service. Try again later.", 500
