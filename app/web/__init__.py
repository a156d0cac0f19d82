"""What every page shares: templates, CSRF, rate limits, security headers and error pages; and
the service's own pages (start, privacy, health).

security: headers and cookie · limits: rate limits per client and per email address ·
errors: error pages · pages: start and privacy · health: /healthz.
"""

from flask import g, has_request_context
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from app import vocabulary
from app.models import current_programme, current_scope_id, organisers_contact
from app.web import errors, health, limits, pages, programmes, security
from app.web.limits import limit_email_repeats, limit_personal_links, limit_posts, limiter

__all__ = [
    "csrf",
    "init_app",
    "limit_email_repeats",
    "limit_personal_links",
    "limit_posts",
    "limiter",
]

csrf = CSRFProtect()
SERVICE_NAME = "UnMentoring"


def page_programme():
    """Return the programme this page or mail is for, once a request or job (None when the
    database cannot say): never failing, so an error page still renders."""
    scope = current_scope_id()
    # Kept for one request only: a worker's app context outlives its database sessions.
    cache = g.setdefault("page_programmes", {}) if has_request_context() else {}
    if scope not in cache:
        try:
            cache[scope] = current_programme()
        except SQLAlchemyError:
            cache[scope] = None  # the database is down or this request's transaction failed
    return cache[scope]


def organisers_email():
    """Return whom people write to (every page's footer, the privacy notice, every mail)."""
    return organisers_contact(page_programme())[0]


def programme_title():
    """Return the programme's name as pages and mails show it."""
    programme = page_programme()
    return programme.title if programme is not None else SERVICE_NAME


def programme_is_first():
    """Tell whether the page is the first programme's (the LocalGov Digital network's, whose
    pages also answer without a prefix); True when the database cannot say."""
    programme = page_programme()
    return programme is None or programme.is_first


def init_app(app):
    """Wire templates (ours, then GOV.UK Frontend's macros), CSRF, limits, headers and pages."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.root_path + "/templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    # Words every template may need, from their one source.
    app.jinja_env.globals.update(
        CHANNELS=vocabulary.CHANNELS,
        CHANNEL_LABELS=vocabulary.CHANNEL_LABELS,
        RETIRED_CHANNELS=vocabulary.RETIRED_CHANNELS,
        RETIRED_WHY=vocabulary.RETIRED_WHY,
        FREQUENCIES=vocabulary.FREQUENCIES,
        ANSWERS=vocabulary.BY_ANSWER,
        organisers_email=organisers_email,
        programme_title=programme_title,
        programme_is_first=programme_is_first,
        page_programme=page_programme,
    )
    app.jinja_env.filters["long_date"] = vocabulary.long_date
    app.jinja_env.filters["phone"] = vocabulary.phone_for_people
    if app.config.get("PROXY_HOPS"):
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # One CSRF token per session, however long the form stays open.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    programmes.init_app(app)  # /p/<slug>/…: each programme's public pages
    security.cookie_settings(app)
    csrf.init_app(app)
    limits.init_app(app)
    app.context_processor(lambda: {"cspNonce": security.nonce(), "service_name": SERVICE_NAME})
    app.after_request(security.security_headers)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
