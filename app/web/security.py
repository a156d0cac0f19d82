"""Headers every response carries, and the session cookie's settings."""

import secrets

from flask import g, request

# Inline scripts carry the per-request nonce; everything else comes from this origin only.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
# Pages opened from a personal link: their URL is the only key, so they are limited and uncached.
PERSONAL_PREFIXES = ("/me/", "/signup/confirm/")


def cookie_settings(app):
    """Keep the session cookie (only the CSRF secret) away from scripts and other sites."""
    # Flask's defaults are None and False for SameSite and Secure.
    app.config["SESSION_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"] or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config["PUBLIC_URL"].startswith("https:"):
        app.config["SESSION_COOKIE_SECURE"] = True


def nonce():
    """Return this request's CSP nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def security_headers(response):
    """Add the headers every response carries; a view's own (the Power-Up's CSP) wins."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP.format(nonce=nonce()))
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
