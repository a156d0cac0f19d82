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
    # Flask's defaults are None and False; the session cookie only carries the CSRF secret.
    app.config["SESSION_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"] or "Lax"
    if app.config["PUBLIC_URL"].startswith("https:"):
        app.config["SESSION_COOKIE_SECURE"] = True
    csrf.init_app(app)
    # One limiter per app: Flask-Limiter keeps its storage on the instance.
    app.extensions["unmentoring_limiter"] = Limiter(get_remote_address, app=app)
    app.context_processor(lambda: {"cspNonce": _nonce(), "service_name": SERVICE_NAME})
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(429, _too_many)


def limit_posts(app, blueprint):
    """Rate-limit a blueprint's POSTs per client address, at SIGNUP_RATE_LIMIT."""
    limiter = app.extensions["unmentoring_limiter"]
    limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])(blueprint)


def _nonce():
    """Return this request's CSP nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def page_headers(response):
    """Add every public page's headers: CSP, no referrer (links carry tokens), no sniffing."""
    response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=_nonce()))
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/me/") or request.path.startswith("/signup/confirm/"):
        # Pages opened from a personal link are not for shared caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def _csrf_error(error):
    """Explain an expired or missing form token instead of a bare 400."""
    return page_headers(
        current_app.make_response((render_template("errors/form_expired.html"), 400))
    )


def _too_many(error):
    """Ask the person to wait, in a page, when a client posts too often."""
    return page_headers(current_app.make_response((render_template("errors/too_many.html"), 429)))
