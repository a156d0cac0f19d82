"""Rate limits per client address: form posts, and every request to a personal link."""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.web.security import PERSONAL_PREFIXES


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


def limit_personal_links(app, blueprint):
    """Rate-limit a blueprint's personal-link requests per client address, at
    PARTICIPANT_RATE_LIMIT, in the count every personal-link page shares.

    The webhook receiver is deliberately left out: Trello delivers in bursts from a few
    addresses and proves each delivery with its signature, and a 429 there would only make
    Trello retry.
    """
    app.extensions["unmentoring_personal_limit"](blueprint)
