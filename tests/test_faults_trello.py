"""Trello failing 30% of requests (429, 500, hangs, answers lost after the write) during a
round, sign-ups and a webhook burst: everything completes and nothing is made twice."""

import pytest
from sqlalchemy import func, select

from app.db import db
from app.models import Output, Person, Round, WebhookEvent, current_programme
from app.rounds.service import confirm_round
from app.trello.gateway import TrelloGateway
from tests.fault_helpers import (
    UNTHROTTLED,
    introductions_by_recipient,
    reference_board,
    repeated_sends,
)
from tests.followup_helpers import make_round
from tests.round_helpers import add_people, board_snapshot
from tests.signup_helpers import FORM, links_in, mails_to, post_form, sign_up
from tests.support import drain, drain_until_done, outbox_states, set_up_board
from tests.test_followup_burst import burst_bodies, send_all

FAULTS = {"rate": 0.3, "seed": 7, "kinds": [429, 500, "timeout", "lost-answer"], "timeout": 0.5}


def impatient(app):
    """Give the app a gateway that waits 0.25 s for an answer and backs off for milliseconds."""
    app.config.update(TRELLO_TIMEOUT=0.25, TRELLO_MAX_RETRIES=5, TRELLO_RATE_LIMIT=UNTHROTTLED)
    gateway = TrelloGateway.from_config(app.config)
    gateway.session.backoff_base = 0.01
    app.extensions["trello"] = gateway


def open_cards(sandbox):
    """Return the board's open cards with their attachments."""
    path = f"/boards/{sandbox.board_id}/cards/open"
    return sandbox.api("GET", path, params={"attachments": "true"}).json()


def comments_on_board(sandbox):
    """Return the text of every comment on the board."""
    path = f"/boards/{sandbox.board_id}/actions"
    actions = sandbox.api("GET", path, params={"filter": "commentCard", "limit": 1000}).json()
    return [a["data"]["text"] for a in actions]


def test_a_lost_answer_to_a_create_reuses_what_it_made(sandbox):
    gateway = TrelloGateway(
        sandbox.key, sandbox.token, sandbox.api_base, sandbox.board_id, timeout=0.2
    )
    gateway.session.backoff_base = 0.01
    sandbox.control("rate-limits", enabled=False)
    list_id = gateway.create_list("Sign-ups")["id"]
    card = gateway.create_card(list_id, "Ada · Hackney", desc="d")
    for make in (
        lambda: gateway.create_card(list_id, "Grace · Kent", desc="e"),
        lambda: gateway.comment(card["id"], "a note"),
        lambda: gateway.attach_url(card["id"], "https://o.example.org/1"),
        lambda: gateway.create_label("Round 1", "purple"),
    ):
        sandbox.control("faults", late=0.4, count=1)  # done, but answered too late
        assert make()["id"]
    cards = sandbox.api("GET", f"/lists/{list_id}/cards").json()
    assert sorted(c["name"] for c in cards) == ["Ada · Hackney", "Grace · Kent"]
    assert comments_on_board(sandbox) == ["a note"]
    attachments = sandbox.api("GET", f"/cards/{card['id']}/attachments").json()
    assert [a["url"] for a in attachments] == ["https://o.example.org/1"]
    labels = sandbox.api("GET", f"/boards/{sandbox.board_id}/labels").json()
    assert [label["name"] for label in labels].count("Round 1") == 1


def test_a_round_under_trello_faults_ends_as_a_round_without_them(
    app, sandbox, sqlite_template, tmp_path
):
    """The one fault test that also runs on PostgreSQL: in-process and 30 people."""
    expected = reference_board(app, sandbox, sqlite_template, tmp_path, 30, 404)
    set_up_board(app, sandbox)
    impatient(app)
    add_people(app, sandbox, 30)
    sandbox.control("faults", **FAULTS)
    with app.app_context():
        confirm_round(current_programme(), 404)
    drain_until_done(app)
    sandbox.control("faults", clear=True)

    assert board_snapshot(sandbox) == expected
    assert len(open_cards(sandbox)) == 31 and comments_on_board(sandbox) == []
    with app.app_context():
        assert db.session.scalar(select(Round.status)) == "applied"
        emails = list(db.session.scalars(select(Person.email)))
    assert set(outbox_states(app)) == {"done"}
    mails = sandbox.mails()
    assert introductions_by_recipient(mails) == dict.fromkeys(emails, 1)
    assert repeated_sends(mails) == 0  # no worker died: no mail was sent twice
    calls = sandbox.requests()
    assert set(FAULTS["kinds"]) <= {c["fault"] for c in calls}  # every kind of fault happened
    lost_writes = [c for c in calls if c["fault"] == "lost-answer" and c["method"] != "GET"]
    assert lost_writes, "no write's answer was lost, so nothing tested a retried write"


def _sign_up_and_confirm(app, client, sandbox, n):
    """Sign someone new up and confirm them; the card is made later, by the outbox."""
    address = f"new{n}@example.org"
    sign_up(client, email=address, name=f"New Person {n}")
    drain_until_done(app)
    post_form(client, links_in(mails_to(sandbox, address)[-1])["confirm"])
    return address


@pytest.mark.sqlite_only
def test_sign_ups_outputs_and_a_webhook_burst_under_trello_faults_each_happen_once(
    live_app, client, runner, sandbox, roomy
):
    """sqlite_only: a threaded server and 110 deliveries; the round test covers PostgreSQL."""
    set_up_board(live_app, sandbox)
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    people = make_round(live_app, runner, sandbox, count=10)
    impatient(live_app)
    sandbox.control("faults", **FAULTS)
    addresses = [_sign_up_and_confirm(live_app, client, sandbox, n) for n in range(3)]
    cards = [card for card, _, _ in people.values()]
    bodies = burst_bodies(cards, unique=100, repeats=10, seed=3)
    statuses = send_all(live_app.config["PUBLIC_URL"], bodies, clients=4)
    drain_until_done(live_app)
    sandbox.control("faults", clear=True)
    drain(live_app)  # what the app's own writes' webhooks queued meanwhile

    assert statuses == [200] * len(bodies)
    with live_app.app_context():
        events = dict(
            db.session.execute(
                select(WebhookEvent.action_type, func.count()).group_by(WebhookEvent.action_type)
            ).all()
        )
        assert db.session.scalar(select(func.count()).select_from(Output)) == 100
        new = list(db.session.scalars(select(Person).where(Person.email.in_(addresses))))
    assert events["commentCard"] == 100
    assert set(outbox_states(live_app)) == {"done"}
    by_name = {}
    for card in open_cards(sandbox):
        by_name.setdefault(card["name"], []).append(card)
    assert all(len(found) == 1 for found in by_name.values()), "a card was made twice"
    assert sorted(p.trello_card_id for p in new) == sorted(
        by_name[f"New Person {n} · {FORM['organisation']}"][0]["id"] for n in range(3)
    )
    shared = {c["id"] for c in open_cards(sandbox) if c["id"] in cards}
    assert shared == set(cards)
    assert repeated_sends(sandbox.mails()) == 0  # no worker died: no mail was sent twice
