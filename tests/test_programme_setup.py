"""A board admin sets up UnMentoring on their own board from the Power-Up: the token they give
is checked, kept sealed, never shown again; the board gets its lists and its webhook; taking the
authorisation back (or removing the Power-Up) stops the programme."""

import json
import logging
import secrets

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import text

from app.db import db
from app.models import programme_for_board
from tests.programme_helpers import NIA, OLU, member_token, sandbox_board, second_programme
from tests.support import post_signed, set_up_board
from trello_sandbox import constants

LISTS = ["Sign-ups", "Matched", "Shared", "Paused"]
FORM = {
    "name": "Second network",
    "slug": "second-network",
    "contact_email": "Organisers@Second.example",
    "listed": True,
}


def headers(sandbox, member, board_id):
    """Return the Power-Up's Authorization header for a member looking at a board."""
    return {"Authorization": f"Bearer {sandbox.jwt(member, idBoard=board_id)}"}


def set_up(client, sandbox, board_id, member=NIA, token=None, **changes):
    """POST a set-up as member, with their own token unless one is given; return the answer."""
    token = token or member_token(sandbox, member)
    body = {**FORM, "token": token, **changes}
    return client.post("/api/programme", json=body, headers=headers(sandbox, member, board_id))


def board_lists(sandbox, board_id):
    """Return the names of a board's open lists, in order, as its admin Nia reads them."""
    token = member_token(sandbox, NIA)
    rows = sandbox.api("GET", f"/boards/{board_id}/lists", params={"token": token}).json()
    return [row["name"] for row in rows]


def board_hooks(sandbox, board_id):
    """Return the sandbox's webhooks on a board."""
    rows = requests.get(f"{sandbox.url}/sandbox/control/webhooks", timeout=10).json()
    return [row for row in rows if row["idModel"] == board_id]


def programme_row(app, board_id):
    """Return (state, slug, token_sealed, stopped_reason) of a board's programme, or None."""
    with app.app_context():
        found = programme_for_board(board_id)
        if found is None:
            return None
        return found.state, found.slug, found.token_sealed, found.stopped_reason


def test_a_board_admin_sets_up_a_programme_with_their_own_token(live_app, client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    set_up_board(live_app, sandbox)
    board = sandbox_board(sandbox)
    before = client.get("/api/programme", headers=headers(sandbox, OLU, board["id"]))
    assert before.status_code == 200 and before.get_json()["set_up"] is False
    token = member_token(sandbox, NIA)

    answer = set_up(client, sandbox, board["id"], token=token)

    assert answer.status_code == 201, answer.get_data(as_text=True)
    said = answer.get_json()
    assert said["set_up"] and said["active"] and said["authorised"]
    assert said["slug"] == "second-network" and said["listed"] is True
    assert said["contact_email"] == "organisers@second.example"
    assert said["pages_url"] == live_app.config["PUBLIC_URL"] + "/p/second-network/"
    assert board_lists(sandbox, board["id"]) == LISTS
    [hook] = board_hooks(sandbox, board["id"])
    assert hook["callbackURL"] == live_app.config["PUBLIC_URL"] + "/webhooks/trello"
    # The board's members now use UnMentoring there: Olu (normal) reads the settings.
    settings = client.get("/api/settings", headers=headers(sandbox, OLU, board["id"]))
    assert settings.status_code == 200
    assert client.get("/p/second-network/signup").status_code == 200
    again = client.get("/api/programme", headers=headers(sandbox, OLU, board["id"])).get_json()
    assert again == said

    # The token is sealed in the database, readable only with the key, and said nowhere.
    with live_app.app_context():
        sealed = db.session.execute(
            text("SELECT token_sealed FROM programmes WHERE trello_board_id = :b"),
            {"b": board["id"]},
        ).scalar_one()
        key = live_app.config["TOKEN_ENCRYPTION_KEY"].split(",")[0]
    assert token not in sealed
    assert Fernet(key.encode()).decrypt(sealed.encode()).decode() == token
    assert token not in answer.get_data(as_text=True) + settings.get_data(as_text=True)
    assert token not in client.get("/p/second-network/").get_data(as_text=True)
    assert token not in caplog.text


def test_setting_up_again_on_an_active_board_is_refused(live_app, client, sandbox):
    board, _token, _id = second_programme(live_app, sandbox, webhook=False)
    answer = set_up(client, sandbox, board["id"], slug="another")
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "already_set_up"


def test_the_first_board_is_the_services_own_and_cannot_be_set_up_again(app, client, board):
    token = member_token(board, constants.ADMIN_MEMBER_ID)
    answer = set_up(client, board, board.board_id, member=constants.ADMIN_MEMBER_ID, token=token)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "first_programme"
    gone = client.delete(
        "/api/programme/token", headers=headers(board, constants.ADMIN_MEMBER_ID, board.board_id)
    )
    assert gone.status_code == 409
    assert programme_row(app, board.board_id)[0] == "active"


@pytest.mark.parametrize(
    "who, token_of, code",
    [(OLU, OLU, "forbidden"), (NIA, OLU, "token_not_yours")],
    ids=["a normal member", "someone else's token"],
)
def test_only_a_board_admin_with_their_own_token_sets_up(app, client, sandbox, who, token_of, code):
    board = sandbox_board(sandbox)
    answer = set_up(client, sandbox, board["id"], member=who, token=member_token(sandbox, token_of))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == code
    assert programme_row(app, board["id"]) is None
    assert board_lists(sandbox, board["id"]) == []


BAD_FIELDS = [
    ({"slug": "Not A Slug!"}, "slug"),
    ({"slug": "api"}, "slug"),
    ({"slug": "second"}, "slug"),  # taken by the programme made first
    ({"contact_email": "organisers at example"}, "contact_email"),
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "Ours\u202eevil"}, "name"),  # a right-to-left override, into mail subjects
    ({"name": "Ours\x00"}, "name"),
]


@pytest.mark.parametrize("changes, field", BAD_FIELDS)
def test_fields_that_cannot_be_used_are_named_and_nothing_changes(
    app, client, sandbox, changes, field
):
    second_programme(app, sandbox, slug="second", webhook=False)
    board = sandbox_board(sandbox, "Third network")
    answer = set_up(client, sandbox, board["id"], **changes)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]
    assert programme_row(app, board["id"]) is None
    assert board_lists(sandbox, board["id"]) == []


def test_without_a_key_for_stored_tokens_set_up_says_so_in_plain_words(app, client, sandbox):
    app.config["TOKEN_ENCRYPTION_KEY"] = ""
    board = sandbox_board(sandbox)
    answer = set_up(client, sandbox, board["id"])
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["code"] == "not_configured" and "TOKEN_ENCRYPTION_KEY" not in error["message"]
    assert programme_row(app, board["id"]) is None


def test_taking_the_authorisation_back_revokes_the_token_and_stops_the_programme(
    live_app, client, sandbox
):
    board, token, _id = second_programme(live_app, sandbox)
    assert len(board_hooks(sandbox, board["id"])) == 1
    refused = client.delete("/api/programme/token", headers=headers(sandbox, OLU, board["id"]))
    assert refused.status_code == 403 and programme_row(live_app, board["id"])[0] == "active"

    answer = client.delete("/api/programme/token", headers=headers(sandbox, NIA, board["id"]))

    assert answer.status_code == 200
    said = answer.get_json()
    assert said["active"] is False and said["authorised"] is False
    assert said["stopped_reason"] == "a board admin removed UnMentoring's authorisation"
    state, _slug, sealed, _reason = programme_row(live_app, board["id"])
    assert state == "stopped" and sealed is None
    asked = sandbox.api("GET", f"/tokens/{token}", params={"token": token})
    assert asked.status_code == 401
    assert board_hooks(sandbox, board["id"]) == []
    # The board's members are told it is not set up; its pages are kept.
    settings = client.get("/api/settings", headers=headers(sandbox, NIA, board["id"]))
    assert settings.status_code == 403 and settings.get_json()["error"]["code"] == "not_set_up"

    # A board admin authorises again: it works again, with a new webhook.
    new = member_token(sandbox, NIA)
    back = client.put(
        "/api/programme/token", json={"token": new}, headers=headers(sandbox, NIA, board["id"])
    )
    assert back.status_code == 200 and back.get_json()["active"] is True
    assert len(board_hooks(sandbox, board["id"])) == 1
    assert new not in back.get_data(as_text=True)


def test_removing_the_power_up_stops_the_programme(live_app, client, sandbox):
    board, _token, _id = second_programme(live_app, sandbox)
    sandbox.control("power-up", idBoard=board["id"], enabled=False)
    [delivery] = sandbox.wait_for_deliveries(1, type="disablePlugin")
    assert delivery["status"] == 200
    state, _slug, sealed, reason = programme_row(live_app, board["id"])
    assert state == "stopped" and sealed is None
    assert "removed the UnMentoring Power-Up" in reason
    said = client.get("/api/programme", headers=headers(sandbox, NIA, board["id"])).get_json()
    assert said["set_up"] is True and said["active"] is False


def test_removing_the_power_up_from_the_first_board_only_warns(live_app, sandbox, caplog):
    set_up_board(live_app, sandbox)
    with live_app.app_context():
        from app.trello.board import register_webhook

        register_webhook()
    sandbox.control("power-up", idBoard=sandbox.board_id, enabled=False)
    [delivery] = sandbox.wait_for_deliveries(1, type="disablePlugin")
    assert delivery["status"] == 200
    assert programme_row(live_app, sandbox.board_id)[0] == "active"
    assert "Power-Up was removed from the service's own board" in caplog.text


def test_board_admins_rename_and_list_their_programme_in_the_settings(app, client, sandbox):
    board, _token, _id = second_programme(app, sandbox, listed=False, webhook=False)
    admin, normal = headers(sandbox, NIA, board["id"]), headers(sandbox, OLU, board["id"])
    refused = client.put("/api/settings", json={"name": "Taken over"}, headers=normal)
    assert refused.status_code == 403
    wrong = client.put("/api/settings", json={"name": " ", "listed": "yes"}, headers=admin)
    assert wrong.status_code == 400 and set(wrong.get_json()["error"]["fields"]) == {
        "name",
        "listed",
    }
    saved = client.put(
        "/api/settings", json={"name": "Coffee  club", "listed": True}, headers=admin
    )
    assert saved.status_code == 200
    assert (saved.get_json()["name"], saved.get_json()["listed"]) == ("Coffee club", True)
    said = client.get("/api/programme", headers=normal).get_json()
    assert (said["name"], said["listed"]) == ("Coffee club", True)


@pytest.mark.sqlite_only  # static pages: the database plays no part
@pytest.mark.parametrize("page", ["index.html", "set-up.html"])
def test_the_pages_that_authorise_carry_the_service_s_api_key(app, client, page):
    html = client.get(f"/powerup/{page}").get_data(as_text=True)
    assert f'name="unmentoring-trello-key" content="{app.config["TRELLO_API_KEY"]}"' in html
    assert "TRELLO_API_KEY" not in html


def test_a_board_trello_will_not_let_be_prepared_is_left_stopped_with_its_token_given_back(
    app, client, sandbox
):
    # Not served (no live_app): Trello cannot reach the webhook's address, so refuses it.
    board = sandbox_board(sandbox)
    token = member_token(sandbox, NIA)
    answer = set_up(client, sandbox, board["id"], token=token)
    assert answer.status_code == 502
    assert answer.get_json()["error"]["code"] == "board_not_ready"
    state, slug, sealed, _reason = programme_row(app, board["id"])
    assert (state, slug, sealed) == ("stopped", "second-network", None)
    assert sandbox.api("GET", f"/tokens/{token}", params={"token": token}).status_code == 401
    said = client.get("/api/programme", headers=headers(sandbox, NIA, board["id"])).get_json()
    assert said["set_up"] is True and said["active"] is False


def test_another_power_up_removed_from_the_board_changes_nothing(app, client, sandbox):
    board, _token, _id = second_programme(app, sandbox, webhook=False)
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    for plugin in ("5a4db0a4d00000000000beef", None):
        act = {
            "id": secrets.token_hex(12),
            "idMemberCreator": NIA,
            "type": "disablePlugin",
            "date": "2026-11-26T12:00:00.000Z",
            "data": {
                "board": {"id": board["id"], "name": "Second network"},
                "plugin": {"id": plugin},
            },
        }
        body = json.dumps({"action": act, "model": {"id": board["id"]}}).encode()
        answer = post_signed(client, body, app.config["TRELLO_API_SECRET"], callback)
        assert answer.status_code == 200
    assert programme_row(app, board["id"])[0] == "active"
