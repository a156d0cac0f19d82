"""Security headers on every response the app gives, and a session cookie kept to this site."""

import pytest

from app import create_app
from app.db import db, utcnow
from app.links import email_fingerprint, make_token
from app.models import Person, current_programme

# One concrete path per URL rule. A new route must be added here, or the walk below fails.
SAMPLES = {
    "/static/<path:filename>": "/static/build/unmentoring.css",
    "/healthz": "/healthz",
    "/webhooks/trello": "/webhooks/trello",
    "/": "/",
    "/privacy": "/privacy",
    "/signup": "/signup",
    "/signup/confirm/<token>": "/signup/confirm/{confirm}",
    "/me/<token>": "/me/{manage}",
    "/me/<token>/details": "/me/{manage}/details",
    "/me/<token>/pause": "/me/{manage}/pause",
    "/me/<token>/resume": "/me/{manage}/resume",
    "/me/<token>/skip": "/me/{manage}/skip",
    "/me/<token>/leave": "/me/{manage}/leave",
    "/me/<token>/leave-all": "/me/{manage}/leave-all",
    "/me/<token>/never-pair": "/me/{manage}/never-pair",
    "/me/<token>/never-pair/<int:entry_id>/remove": "/me/{manage}/never-pair/1/remove",
    "/me/<token>/email": "/me/{email_change}/email",
    "/me/<token>/output": "/me/{output}/output",
    "/me/<token>/checkin": "/me/{checkin}/checkin",
    "/me/<token>/back": "/me/{back}/back",
    "/report": "/report",
    "/report.csv": "/report.csv",
    "/report.json": "/report.json",
    "/outputs": "/outputs",
    "/outputs.atom": "/outputs.atom",
    "/powerup/": "/powerup/",
    "/powerup/<path:path>": "/powerup/index.html",
    "/api/rounds/preview": "/api/rounds/preview",
    "/api/rounds": "/api/rounds",
    "/api/rounds/<int:round_id>": "/api/rounds/1",
    "/api/rounds/<int:round_id>/close": "/api/rounds/1/close",
    "/api/rounds/<int:round_id>/rescue": "/api/rounds/1/rescue",
    "/api/organisations": "/api/organisations",
    "/api/organisations/<int:org_id>/merge": "/api/organisations/1/merge",
    "/api/organisations/<int:org_id>/unmerge": "/api/organisations/1/unmerge",
    "/api/boards/<board_id>/cards": "/api/boards/5a4db0a4d0000000000000b1/cards",
    "/api/cards/<card_id>": "/api/cards/abc123",
    "/api/settings": "/api/settings",
    "/api/programme": "/api/programme",
    "/api/programme/token": "/api/programme/token",
    "/api/openapi.json": "/api/openapi.json",
}
# Paths that are not routes: the error answers carry the headers too.
ERROR_PATHS = [("GET", "/no-such-page"), ("GET", "/webhooks/trello"), ("DELETE", "/signup")]
HSTS = "max-age=31536000; includeSubDomains"


def _tokens(app):
    """Return signed tokens of each purpose for one confirmed participant."""
    with app.app_context():
        person = Person(
            programme_id=current_programme().id,
            full_name="Grace Hopper",
            email="grace@example.org",
            organisation="Navy Council",
            status="active",
            confirmed_at=utcnow(),
        )
        db.session.add(person)
        db.session.commit()
        return {
            "confirm": make_token(person.id, "confirm"),
            "manage": make_token(person.id, "manage"),
            "output": make_token(person.id, "output", r=1),
            "checkin": make_token(person.id, "checkin", r=1, a="met"),
            "back": make_token(person.id, "back"),
            "email_change": make_token(
                person.id, "email_change", e="grace@example.net", o=email_fingerprint(person.email)
            ),
        }


def every_request(app):
    """Return (method, path) for every method of every URL rule, then the error paths."""
    tokens, requests, missing = _tokens(app), [], []
    for rule in app.url_map.iter_rules():
        if rule.rule not in SAMPLES:
            missing.append(rule.rule)
            continue
        path = SAMPLES[rule.rule].format(**tokens)
        requests += [(method, path) for method in sorted(rule.methods)]
    assert not missing, f"add a sample path to SAMPLES for {missing}"
    return requests + ERROR_PATHS


def assert_secure(response, https, where=""):
    """Check the baseline headers; the Power-Up's own CSP lets Trello frame it instead."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "object-src 'none'" in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("no-referrer", "strict-origin-when-cross-origin")
    if "frame-ancestors 'none'" in csp:
        assert headers.get("X-Frame-Options") == "DENY", where
    else:
        assert "frame-ancestors https://trello.com" in csp, where
        assert "X-Frame-Options" not in headers, where
    assert headers.get("Strict-Transport-Security") == (HSTS if https else None), where


@pytest.mark.sqlite_only
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_route_and_error_answers_with_the_security_headers(app, client, scheme):
    app.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"
    seen = set()
    for method, path in every_request(app):
        response = client.open(path, method=method, base_url=f"{scheme}://localhost")
        seen.add(response.status_code)
        assert_secure(response, scheme == "https", f"{method} {path} {response.status_code}")
    assert {200, 400, 401, 404, 405} <= seen


def test_only_pages_trello_frames_may_be_framed_and_only_by_trello(client):
    for path in ("/powerup/", "/powerup/index.html"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "frame-ancestors https://trello.com" in csp
    for path in ("/", "/signup", "/report", "/api/settings", "/healthz"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.sqlite_only
def test_a_server_error_answers_with_the_security_headers(app):
    def broken():
        """Fail as an unexpected bug would."""
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for scheme in ("http", "https"):
        response = app.test_client().get("/broken", base_url=f"{scheme}://localhost")
        assert response.status_code == 500
        assert_secure(response, scheme == "https")


def test_a_personal_link_page_is_never_cached(client, app):
    manage = _tokens(app)["manage"]
    assert client.get(f"/me/{manage}").headers["Cache-Control"] == "no-store"


def _cookie(app, public_url):
    """Return the Set-Cookie header GET /signup gives on an app served at public_url."""
    config = {key: app.config[key] for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config.update(TESTING=True, PUBLIC_URL=public_url, SANDBOX_URL=app.config["SANDBOX_URL"])
    served = create_app({**config, "TRELLO_API_BASE": app.config["TRELLO_API_BASE"]})
    response = served.test_client().get("/signup", base_url=public_url)
    assert response.status_code == 200
    return response.headers["Set-Cookie"]


def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(app):
    secure = _cookie(app, "https://unmentoring.example.org")
    assert "HttpOnly" in secure and "SameSite=Lax" in secure and "Secure" in secure
    plain = _cookie(app, "http://127.0.0.1:5000")
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
