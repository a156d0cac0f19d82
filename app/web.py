"""What every public page shares: templates, CSRF, rate limits, security headers, error pages."""

import secrets

from flask import current_app, g, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
SERVICE_NAME = "UnMentoring"
# Inline scripts carry the per-request nonce; everything else comes from this origin only.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
# Pages opened from a personal link: their URL is the only key, so they are limited and uncached.
PERSONAL_PREFIXES = ("/me/", "/signup/confirm/")
# The blueprints that serve personal links (Flask-Limiter keys blueprint limits by name).
PERSONAL_BLUEPRINTS = ("signup", "participant", "loop")


def init_app(app):
    """Wire templates (ours, then GOV.UK Frontend's macros), CSRF, limits and headers."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.root_path + "/templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    if app.config.get("PROXY_HOPS"):
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # One CSRF token per session, however long the form stays open.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    _cookie_settings(app)
    csrf.init_app(app)
    # One limiter per app: Flask-Limiter keeps its storage on the instance.
    app.extensions["unmentoring_limiter"] = Limiter(get_remote_address, app=app)
    app.context_processor(lambda: {"cspNonce": _nonce(), "service_name": SERVICE_NAME})
    app.after_request(security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(429, _too_many)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(500, _server_error)


def _cookie_settings(app):
    """Keep the session cookie (only the CSRF secret) away from scripts and other sites."""
    # Flask's defaults are None and False for SameSite and Secure.
    app.config["SESSION_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"] or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config["PUBLIC_URL"].startswith("https:"):
        app.config["SESSION_COOKIE_SECURE"] = True


def limit_posts(app, blueprint):
    """Rate-limit a blueprint's POSTs per client address, at SIGNUP_RATE_LIMIT."""
    limiter = app.extensions["unmentoring_limiter"]
    limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])(blueprint)


def limit_personal_links(app):
    """Rate-limit every request to a personal link per client address, at PARTICIPANT_RATE_LIMIT.

    One count is shared by all link pages, so guessing tokens across them costs the same as on one.
    The webhook receiver is deliberately left out: Trello delivers in bursts from a few addresses
    and proves each delivery with its signature, and a 429 there would only make Trello retry.
    """
    limiter = app.extensions["unmentoring_limiter"]
    limit = limiter.shared_limit(
        lambda: current_app.config["PARTICIPANT_RATE_LIMIT"],
        scope="personal-links",
        exempt_when=lambda: not request.path.startswith(PERSONAL_PREFIXES),
    )
    for name in PERSONAL_BLUEPRINTS:
        limit(app.blueprints[name])


def _nonce():
    """Return this request's CSP nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def security_headers(response):
    """Add the headers every response carries; a view's own (the Power-Up's CSP) wins."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP.format(nonce=_nonce()))
    headers.setdefault("Referrer-Policy", "no-referrer")  # links carry tokens
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        # Older browsers read only this; pages Trello must frame name it in their CSP instead.
        headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith(PERSONAL_PREFIXES):
        # Pages opened from a personal link are not for shared caches.
        headers["Cache-Control"] = "no-store"
    return response


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
