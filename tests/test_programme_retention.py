"""A stopped programme's people are kept for PROGRAMME_RETENTION_DAYS, then the worker's timed
jobs erase them as their own leaving would; other programmes, and its board, are left alone."""

import json
import logging
import re
from datetime import timedelta

from sqlalchemy import select

from app.db import db, utcnow
from app.models import Avoidance, OutboxEntry, Person, Programme, WebhookEvent
from app.trello.authorise import keep_token
from app.worker.jobs import run_timed_jobs
from tests.programme_helpers import NIA, member_token, second_programme
from tests.signup_helpers import FORM
from tests.support import post_signed, set_up_board
from tests.test_programmes_cli import comment_delivery

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GRACE = {"full_name": "Grace Hopper", "phone": "+447700900123", "topics": "compilers"}


def sign_up(client, prefix, email):
    """Fill in a programme's sign-up form as a visitor does."""
    page = client.get(f"{prefix}/signup").get_data(as_text=True)
    data = {**FORM, "email": email, "csrf_token": _CSRF.search(page).group(1)}
    answer = client.post(f"{prefix}/signup", data=data)
    assert answer.status_code in (200, 302, 303)


# Grace's card on the second board: the receiver keeps actions on participants' cards.
GRACE_CARD = "9" * 24


def add_confirmed(app, programme_id, email, card_id=None):
    """Store a confirmed participant of a programme (with a card if given), with a "never pair
    me with" entry."""
    with app.app_context():
        person = Person(
            programme_id=programme_id,
            trello_card_id=card_id,
            email=email,
            organisation="Navy",
            status="active",
            confirmed_at=utcnow(),
            **GRACE,
        )
        db.session.add(person)
        db.session.flush()
        avoid = Avoidance(programme_id=programme_id, person_id=person.id, email="x@example.org")
        db.session.add(avoid)
        db.session.commit()
        return person.id


def people_of(app, programme_id):
    """Return (status, name, email, phone) of each of a programme's people."""
    with app.app_context():
        query = select(Person).where(Person.programme_id == programme_id).order_by(Person.id)
        return [(p.status, p.full_name, p.email, p.phone) for p in db.session.scalars(query)]


def stopped_at(app, programme_id):
    """Return when a programme stopped."""
    with app.app_context():
        return db.session.get(Programme, programme_id).stopped_at


def jobs(app, now):
    """Run the worker's timed jobs once, as of `now`; return their counts."""
    with app.app_context():
        return run_timed_jobs(now=now)


def a_second_programme_with_people(app, client, runner, sandbox):
    """Set up a second programme with a pending sign-up (its confirmation mail queued), a
    confirmed participant (with details and a private list) and a recorded comment naming
    them, the same person in the first programme too; stop it; return its id and board."""
    set_up_board(app, sandbox)
    board, _token, second_id = second_programme(app, sandbox)
    sign_up(client, "/p/second", "pending@example.org")
    add_confirmed(app, second_id, "grace@example.org", card_id=GRACE_CARD)
    add_confirmed(app, _first_id(app), "grace@example.org")
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    delivery = comment_delivery(board["id"], "Grace Hopper said +447700900123", GRACE_CARD)
    answer = post_signed(client, delivery, app.config["TRELLO_API_SECRET"], callback)
    assert answer.status_code == 200
    with app.app_context():
        recorded = select(WebhookEvent.id).where(WebhookEvent.programme_id == second_id)
        assert db.session.scalars(recorded).all()  # kept while the programme worked
    result = runner.invoke(args=["programmes", "disable", "second", "--yes"])
    assert result.exit_code == 0, result.output
    return second_id, board


def _first_id(app):
    """Return the first programme's id."""
    with app.app_context():
        return next(p.id for p in db.session.scalars(select(Programme)) if p.is_first)


def test_a_programme_stopped_for_the_retention_period_is_erased_and_no_other(
    live_app, client, runner, sandbox, caplog
):
    app = live_app
    second_id, board = a_second_programme_with_people(app, client, runner, sandbox)
    since = stopped_at(app, second_id)
    assert app.config["PROGRAMME_RETENTION_DAYS"] == 365

    assert "people erased from stopped programmes" not in jobs(app, since + timedelta(days=364))
    assert [row[0] for row in people_of(app, second_id)] == ["pending", "active"]

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.worker.jobs"):
        counts = jobs(app, since + timedelta(days=365, minutes=1))

    assert counts["people erased from stopped programmes"] == 2
    assert people_of(app, second_id) == [("left", "(left)", None, None)] * 2
    assert people_of(app, _first_id(app)) == [
        ("active", "Grace Hopper", "grace@example.org", GRACE["phone"])
    ]
    with app.app_context():
        kept = db.session.scalars(select(Avoidance.programme_id)).all()
        assert kept == [_first_id(app)]  # the first programme's person keeps their list
        entries = db.session.scalars(
            select(OutboxEntry).where(OutboxEntry.programme_id == second_id)
        ).all()
        assert entries and all(entry.payload == {"erased": True} for entry in entries)
        assert {entry.status for entry in entries} <= {"cancelled", "done"}
        events = db.session.scalars(
            select(WebhookEvent).where(WebhookEvent.programme_id == second_id)
        ).all()
        stored = json.dumps([event.payload for event in events])
        assert events and "Grace" not in stored and "447700900123" not in stored
        programme = db.session.get(Programme, second_id)
        assert (programme.state, programme.name) == ("stopped", "Second network")
        assert programme.settings["erased_at"].startswith(
            (since + timedelta(days=365)).date().isoformat()
        )
    [said] = [r.getMessage() for r in caplog.records if r.name == "app.worker.jobs"]
    assert f"programme {second_id} (board {board['id']})" in said and "2 people erased" in said
    assert "grace" not in said.lower() and "pending@" not in said
    # Done once: the next pass finds nothing to erase and says nothing.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.worker.jobs"):
        later = jobs(app, since + timedelta(days=400))
    assert "people erased from stopped programmes" not in later
    assert not [r for r in caplog.records if "erased" in r.getMessage()]
    # Operators see what became of it; its board is its owner's and keeps its cards.
    assert "its people were erased on" in runner.invoke(args=["programmes"]).output
    nia = member_token(sandbox, NIA)
    lists = sandbox.api("GET", f"/boards/{board['id']}/lists", params={"token": nia})
    assert len(lists.json()) == 4


def test_the_retention_period_is_a_setting_and_a_programme_set_up_again_is_kept(
    app, client, runner, sandbox
):
    app.config["PROGRAMME_RETENTION_DAYS"] = 30
    set_up_board(app, sandbox)
    _board, _token, second_id = second_programme(app, sandbox, webhook=False)
    add_confirmed(app, second_id, "grace@example.org")
    assert runner.invoke(args=["programmes", "disable", "second", "--yes"]).exit_code == 0
    since = stopped_at(app, second_id)
    # Its board's admin sets it up again before the 30 days are out: nothing is erased.
    with app.app_context():
        keep_token(db.session.get(Programme, second_id), NIA, member_token(sandbox, NIA))
        db.session.commit()
    jobs(app, since + timedelta(days=31))
    assert people_of(app, second_id)[0][0] == "active"
    # Stopped again, it is erased 30 days after this stop.
    assert runner.invoke(args=["programmes", "disable", "second", "--yes"]).exit_code == 0
    again = stopped_at(app, second_id)
    jobs(app, again + timedelta(days=29))
    assert people_of(app, second_id)[0][0] == "active"
    counts = jobs(app, again + timedelta(days=30, seconds=1))
    assert counts["people erased from stopped programmes"] == 1
    assert people_of(app, second_id) == [("left", "(left)", None, None)]
