"""Which programme a page is for: /p/<slug>/… serves that programme's public pages, and
unprefixed paths serve the first programme's.

A WSGI middleware moves "/p/<slug>" from the path into SCRIPT_NAME, so the app's routes stay
as they are and every URL a page builds (url_for, forms, static files) stays under the
programme's prefix. Only public pages answer under a prefix: the API, webhooks, the Power-Up
and health checks answer 404 there.
"""

import re

from flask import abort, request

from app.models import enter_programme, leave_programme, programme_by_slug

SLUG_KEY = "unmentoring.programme_slug"
_PREFIXED = re.compile(r"^/p/([^/]*)(/.*)?$")
# Blueprints whose pages exist for each programme; "static" serves their CSS and scripts.
PUBLIC = {
    "pages",
    "signup",
    "participant",
    "never_pair",  # the participant's "never pair me with" list, posted from their page
    "email_change",
    "followup",
    "report",
    None,
}
# Pages a stopped programme still answers: people can still see and erase what is kept.
WHILE_STOPPED = {"participant", "email_change", "pages"}


class ProgrammePaths:
    """WSGI middleware: /p/<slug>/rest is served as /rest with SCRIPT_NAME ending /p/<slug>."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        found = _PREFIXED.match(environ.get("PATH_INFO", ""))
        if found:
            slug = found.group(1)
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + f"/p/{slug}"
            environ["PATH_INFO"] = found.group(2) or "/"
            environ[SLUG_KEY] = slug
        return self.wsgi_app(environ, start_response)


def _enter():
    """Put the page's programme in scope; 404 for an unknown slug or a non-public route."""
    slug = request.environ.get(SLUG_KEY)
    if slug is None:
        return  # the first programme: current_programme()'s default
    blueprint = request.blueprint if request.endpoint != "static" else None
    if request.endpoint is None or blueprint not in PUBLIC:
        abort(404)
    programme = programme_by_slug(slug)
    if programme is None or (not programme.active and blueprint not in WHILE_STOPPED):
        abort(404)
    request.environ["unmentoring.programme_scope"] = enter_programme(programme)


def _leave(_error=None):
    token = request.environ.pop("unmentoring.programme_scope", None)
    if token is not None:
        leave_programme(token)


def init_app(app):
    """Serve /p/<slug>/… and scope each request to its programme."""
    app.wsgi_app = ProgrammePaths(app.wsgi_app)
    app.before_request(_enter)
    app.teardown_request(_leave)
