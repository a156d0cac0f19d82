"""Programmes per board: each board's pages, links, outbox work and webhook are its own."""

import re

from sqlalchemy import select

from app.db import db
from app.models import Person, Programme
from tests.programme_helpers import second_programme
from tests.signup_helpers import FORM
from tests.support import drain_until_done, set_up_board

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_up(client, prefix, **changes):
    page = client.get(f"{prefix}/signup").get_data(as_text=True)
    data = {**FORM, **changes, "csrf_token": _CSRF.search(page).group(1)}
    return client.post(f"{prefix}/signup", data=data)


def test_each_programme_has_its_pages_and_its_people_land_on_its_board(live_app, client, sandbox):
    app = live_app
    set_up_board(app, sandbox)
    board, _token, programme_id = second_programme(app, sandbox)
    assert client.get("/p/second/").status_code == 200
    assert client.get("/p/second/signup").status_code == 200
    assert client.get("/p/nobody/signup").status_code == 404
    assert client.get("/p/second/api/settings").status_code == 404
    assert client.get("/p/second/healthz").status_code == 404
    page = client.get("/p/second/signup").get_data(as_text=True)
    assert 'action="/p/second/signup"' in page or "/p/second/signup" in page

    answer = _sign_up(client, "/p/second", email="ada@second.example")
    assert answer.status_code in (200, 302, 303), answer.get_data(as_text=True)[:500]
    answer = _sign_up(client, "", email="ada@first.example")
    assert answer.status_code in (200, 302, 303)
    with app.app_context():
        rows = db.session.execute(select(Person.email, Person.programme_id)).all()
        first = db.session.scalar(select(Programme.id).where(Programme.slug.is_(None)))
    assert sorted(rows) == [("ada@first.example", first), ("ada@second.example", programme_id)]
    drain_until_done(app)
    mails = {str(m["to"]): m for m in sandbox.mails()}
    assert "/p/second/signup/confirm/" in next(v for k, v in mails.items() if "second" in k)["text"]
    first = next(v for k, v in mails.items() if "first" in k)["text"]
    assert "/p/" not in first and "/signup/confirm/" in first
