"""Rate limits: form posts per client address and per email address typed into a form, and
every request to a personal link per client address."""

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.links import email_fingerprint
from app.web.security import PERSONAL_PREFIXES

# The scope of the per-email-address limits, which the "Too many attempts" page tells apart.
EMAIL_SCOPE = "email"


def init_app(app):
    """Give the app its limiter, and the one limit all personal-link pages share."""
    # One limiter per app: Flask-Limiter keeps its storage on the instance. The storage is
    # RATELIMIT_STORAGE_URI (REDIS_URL when only that is set, so every process shares one
    # count); if Redis goes away, each process counts in memory until it is back.
    limiter = Limiter(get_remote_address, app=app, in_memory_fallback_enabled=True)
    app.extensions["unmentoring_limiter"] = limiter
    # One count is shared by all link pages, so guessing tokens across them costs the same
    # as on one.
    app.extensions["unmentoring_personal_limit"] = limiter.shared_limit(
        lambda: current_app.config["PARTICIPANT_RATE_LIMIT"],
        scope="personal-links",
        exempt_when=lambda: not request.path.startswith(PERSONAL_PREFIXES),
    )


def limiter(app):
    """Return the app's limiter."""
    return app.extensions["unmentoring_limiter"]


def limit_posts(app, blueprint):
    """Rate-limit a blueprint's POSTs per client address, at SIGNUP_RATE_LIMIT."""
    limit = limiter(app).limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
    limit(blueprint)


def limit_email_repeats(app, blueprint, field, normalise):
    """Rate-limit a blueprint's POSTs per email address typed into a form, at EMAIL_RATE_LIMIT,
    whichever client address they come from.

    normalise(text) returns the address as the form stores it, or None when the form would
    refuse it; posts without one are left to the per-address limit. The count is per form and
    per address: the key is a keyed hash of the address, so the address itself is never
    stored (in memory or in Redis) or logged.
    """
    limit = limiter(app).limit(
        lambda: current_app.config["EMAIL_RATE_LIMIT"],
        key_func=lambda: f"email/{email_fingerprint(_typed(field, normalise))}",
        scope=EMAIL_SCOPE,
        methods=["POST"],
        exempt_when=lambda: _typed(field, normalise) is None,
    )
    limit(blueprint)


def _typed(field, normalise):
    """Return the normalised address posted in a form field, or None; once per request."""
    typed = g.setdefault("unmentoring_typed_emails", {})
    if field not in typed:
        value = request.form.get(field, "") if request.method == "POST" else ""
        typed[field] = normalise(value) if value else None
    return typed[field]


def limit_personal_links(app, blueprint):
    """Rate-limit a blueprint's personal-link requests per client address, at
    PARTICIPANT_RATE_LIMIT, in the count every personal-link page shares.

    The webhook receiver is deliberately left out: Trello delivers in bursts from a few
    addresses and proves each delivery with its signature, and a 429 there would only make
    Trello retry.
    """
    app.extensions["unmentoring_personal_limit"](blueprint)
