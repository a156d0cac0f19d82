"""What the sign-up and participant tests share: filling the form, reading mail, the board."""

import re

import pytest
import requests
from sqlalchemy import func, select

from app.db import db
from app.models import Person
from tests.support import drain

FORM = {
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "organisation": "Analytical Council",
    "phone": "020 7946 0018",
    "google_id": "",
    "teams": "",
    "topics": "Engines that weave algebra",
    "share": ["email", "phone"],
    "frequency": "every",
    "consent": "yes",
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LINK = re.compile(r"https?://\S+/(signup/confirm|me)/([A-Za-z0-9_.\-]+)")


@pytest.fixture
def roomy(app):
    """Raise the per-address and per-email POST limits for tests that post many times from
    127.0.0.1, often with one email address."""
    app.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"
    app.config["EMAIL_RATE_LIMIT"] = "1000 per minute"
    return app


def csrf_token(client, path="/signup"):
    """Return the CSRF token of the form at path, as a browser would have it."""
    page = client.get(path).get_data(as_text=True)
    return _CSRF.search(page).group(1)


def sign_up(client, **changes):
    """Post the sign-up form with FORM's values changed as given; return the response."""
    data = {**FORM, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    data["csrf_token"] = csrf_token(client)
    return client.post("/signup", data=data)


def post_form(client, path, page=None, **data):
    """Post a form to path with the CSRF token of the page it is on (path itself by default)."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)})


def links_in(mail):
    """Return {'confirm': path, 'manage': path} for the signed links a mail holds."""
    found = {}
    for kind, token in _LINK.findall(mail["text"]):
        found["confirm" if kind == "signup/confirm" else "manage"] = f"/{kind}/{token}"
    return found


def mails_to(sandbox, address):
    """Return the mails the sandbox outbox holds for one address, oldest first."""
    return [mail for mail in reversed(sandbox.mails()) if mail["to"] == address]


def people(app):
    """Return every person as a dict of columns, in id order."""
    with app.app_context():
        rows = db.session.scalars(select(Person).order_by(Person.id))
        return [{c.name: getattr(p, c.name) for c in Person.__table__.columns} for p in rows]


def count_people(app):
    """Return how many person rows exist."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Person))


def board_lists(sandbox):
    """Return {list name: [open cards]} and the archived cards, as the sandbox board shows them."""
    view = requests.get(f"{sandbox.url}/sandbox/board.json", timeout=10).json()
    return {lst["name"]: lst["cards"] for lst in view["lists"]}, view["archived"]


def signed_up_and_confirmed(app, client, sandbox, **changes):
    """Sign up, open the confirmation link, confirm, run the worker; return the manage path."""
    sign_up(client, **changes)
    drain(app)
    address = changes.get("email", FORM["email"])
    confirm = links_in(mails_to(sandbox, address)[-1])["confirm"]
    post_form(client, confirm)
    drain(app)
    return links_in(mails_to(sandbox, address)[-1])["manage"]


def eight_days_on(monkeypatch, days=8):
    """Make signed links read as if made days ago (past a confirmation link's 7 days)."""
    from itsdangerous.timed import TimestampSigner

    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + days * 86400)
