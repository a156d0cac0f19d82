"""Cards organisers add to Sign-ups by hand become participants, and lose their contact lines."""

import time

import pytest
from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry, WebhookEvent
from app.trello.board import register_webhook
from tests.signup_helpers import board_lists, links_in, mails_to, people, signed_up_and_confirmed
from tests.support import drain, post_signed
from trello_sandbox.constants import NORMAL_MEMBER_ID

DESC = "Met at LocalGovCamp.\nEmail: grace@example.org\nPhone: 020 7946 0018\nOrganisation: Navy"


def _signups_id(app):
    """Return the Sign-ups list's id on the sandbox board."""
    from app.models import current_programme

    with app.app_context():
        return current_programme().list_id("signups")


def _add_card(app, sandbox, name, desc):
    """Add a card to Sign-ups as an organiser would; return its id."""
    params = {"idList": _signups_id(app), "name": name, "desc": desc}
    response = sandbox.api("POST", "/cards", member=NORMAL_MEMBER_ID, params=params)
    response.raise_for_status()
    return response.json()["id"]


def _wait_until_processed(app, action_type, count=1, seconds=10):
    """Wait until the app has recorded and processed webhook actions of a type."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            query = select(WebhookEvent).where(WebhookEvent.action_type == action_type)
            done = [e for e in db.session.scalars(query) if e.status == "processed"]
        if len(done) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"no processed {action_type} action")


@pytest.fixture
def hooked(live_app, board):
    """The live app with the sandbox board's webhook registered to it."""
    with live_app.app_context():
        register_webhook()
    return board


def _card(sandbox, card_id):
    """Return one card as the sandbox API has it now."""
    return sandbox.api("GET", f"/cards/{card_id}").json()


def test_a_hand_made_card_is_imported_when_its_webhook_arrives(live_app, hooked):
    card_id = _add_card(live_app, hooked, "Grace Hopper", DESC)
    _wait_until_processed(live_app, "createCard")
    drain(live_app)
    [person] = people(live_app)
    assert person["status"] == "active" and person["trello_card_id"] == card_id
    assert (person["full_name"], person["organisation"]) == ("Grace Hopper", "Navy")
    assert (person["email"], person["phone"]) == ("grace@example.org", "+442079460018")
    card = _card(hooked, card_id)
    assert card["name"] == "Grace Hopper · Navy"
    assert "grace@example.org" not in card["desc"] and "7946" not in card["desc"]
    assert card["desc"].startswith("Met at LocalGovCamp.")
    [welcome] = mails_to(hooked, "grace@example.org")
    assert "organisers added you" in welcome["text"] and "manage" in links_in(welcome)


def test_an_email_line_written_into_an_existing_card_imports_it(live_app, hooked):
    card_id = _add_card(live_app, hooked, "Grace Hopper · Navy", "")
    _wait_until_processed(live_app, "createCard")
    drain(live_app)
    assert people(live_app) == []
    hooked.api("PUT", f"/cards/{card_id}", member=NORMAL_MEMBER_ID, params={"desc": DESC})
    _wait_until_processed(live_app, "updateCard")
    drain(live_app)
    [person] = people(live_app)
    assert person["email"] == "grace@example.org" and person["trello_card_id"] == card_id
    assert "grace@example.org" not in _card(hooked, card_id)["desc"]
    # Nothing the app keeps from Trello's actions still holds the contact lines.
    _wait_until_processed(live_app, "updateCard", count=2)
    with live_app.app_context():
        for event in db.session.scalars(select(WebhookEvent)):
            assert "grace@example.org" not in str(event.payload)
            assert "7946" not in str(event.payload)


def test_reconcile_imports_cards_whose_webhooks_were_missed(app, board, runner):
    card_id = _add_card(app, board, "Grace Hopper", DESC)
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output
    drain(app)
    assert people(app)[0]["trello_card_id"] == card_id
    assert "grace@example.org" not in _card(board, card_id)["desc"]
    again = runner.invoke(args=["reconcile"])
    assert "imported" not in again.output and len(people(app)) == 1


def test_a_card_with_an_address_already_taking_part_makes_no_second_person(
    app, client, board, runner
):
    signed_up_and_confirmed(app, client, board)
    card_id = _add_card(app, board, "Ada again", "Email: ada@example.org\nPhone: 020 7946 0018")
    runner.invoke(args=["reconcile"])
    drain(app)
    assert len(people(app)) == 1 and people(app)[0]["full_name"] == "Ada Lovelace"
    card = _card(board, card_id)
    assert "ada@example.org" not in card["desc"] and "7946" not in card["desc"]
    comments = board.api("GET", f"/cards/{card_id}/actions", params={"filter": "commentCard"})
    assert "already takes part" in str(comments.json())


def test_a_card_whose_email_line_is_not_an_address_is_left_with_a_comment(app, board, runner):
    card_id = _add_card(app, board, "Nobody", "Email: not-an-address")
    runner.invoke(args=["reconcile"])
    drain(app)
    assert people(app) == []
    comments = board.api("GET", f"/cards/{card_id}/actions", params={"filter": "commentCard"})
    text = str(comments.json())
    assert "not a valid email address" in text and "not-an-address" not in text.split("could")[1]


def test_reconcile_queues_again_a_card_that_was_never_made(app, client, board, runner):
    signed_up_and_confirmed(app, client, board)
    [card] = board_lists(board)[0]["Sign-ups"]
    with app.app_context():
        # As if the create had failed for good and the card never existed.
        from app.models import Person

        db.session.get(Person, 1).trello_card_id = None
        for entry in db.session.scalars(select(OutboxEntry)):
            entry.status = "failed" if entry.operation == "trello.create_card" else entry.status
        db.session.commit()
    board.api("PUT", f"/cards/{card['id']}", params={"closed": "true"})
    result = runner.invoke(args=["reconcile"])
    assert "1 cards re-queued" in result.output
    drain(app)
    [again] = board_lists(board)[0]["Sign-ups"]
    assert again["name"] == "Ada Lovelace · Analytical Council" and again["id"] != card["id"]


def test_contact_lines_are_kept_out_of_an_action_stored_as_failed(app, client, board, monkeypatch):
    from app import handlers
    from app.webhooks.routing import Router
    from tests.followup_helpers import action, delivery

    def breaks(programme, event):
        """A later handler for the same action that fails."""
        raise RuntimeError("a handler bug")

    later = Router()
    later.register("updateCard")(breaks)
    monkeypatch.setitem(app.extensions, "webhook_router", Router(handlers.WEBHOOKS, later))
    signups = {"id": _signups_id(app), "name": "Sign-ups"}
    card = {"id": "c" * 24, "name": "Grace Hopper", "desc": DESC}
    act = action("updateCard", card["id"], card=card, old={"desc": DESC}, list=signups)
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    answer = post_signed(client, delivery(act), app.config["TRELLO_API_SECRET"], callback)
    assert answer.status_code == 200
    with app.app_context():
        [event] = db.session.scalars(select(WebhookEvent))
        assert event.status == "failed"
        assert "grace@example.org" not in str(event.payload) and "7946" not in str(event.payload)
        # The import the first handler queued was undone with the failure; reconcile redoes it.
        assert db.session.scalars(select(OutboxEntry)).all() == []
