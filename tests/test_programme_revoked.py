"""A board's authorisation revoked on Trello's side (its admin removes UnMentoring from their
Trello account): the next call the worker makes for that board is refused, and the service
stops that programme, deletes its stored token, says so in its log and in `flask doctor`, and
keeps the work waiting; authorised again from the Power-Up, the waiting work is done."""

import logging
import re

from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry, Programme
from tests.programme_helpers import NIA, member_token, second_programme
from tests.signup_helpers import FORM
from tests.support import drain, drain_until_done, set_up_board

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CONFIRM = re.compile(r"https?://\S+?(/p/second/signup/confirm/[A-Za-z0-9_.\-]+)")


def _sign_up_and_confirm(client, sandbox, app, email):
    """Sign up on the second programme's pages and confirm from the mail."""
    page = client.get("/p/second/signup").get_data(as_text=True)
    data = {**FORM, "email": email, "csrf_token": _CSRF.search(page).group(1)}
    assert client.post("/p/second/signup", data=data).status_code in (200, 303)
    drain(app)
    mail = [m for m in sandbox.mails() if email in str(m["to"])][-1]
    confirm = _CONFIRM.search(mail["text"]).group(1)
    page = client.get(confirm).get_data(as_text=True)
    answer = client.post(confirm, data={"csrf_token": _CSRF.search(page).group(1)})
    assert answer.status_code in (200, 303)


def _cards_on(sandbox, board_id, token):
    """Return the names of a board's open cards, read with its admin's token."""
    cards = sandbox.api("GET", f"/boards/{board_id}/cards", params={"token": token}).json()
    return sorted(card["name"] for card in cards)


def test_a_token_revoked_on_trello_stops_the_programme_and_keeps_its_work_waiting(
    live_app, client, sandbox, runner, caplog
):
    app = live_app
    set_up_board(app, sandbox)
    board, token, programme_id = second_programme(app, sandbox)
    # Nia removes UnMentoring from her Trello account: Trello deletes the token and its webhook.
    assert sandbox.api("DELETE", f"/tokens/{token}", params={"token": token}).status_code == 200

    with caplog.at_level(logging.INFO):
        _sign_up_and_confirm(client, sandbox, app, "grace@example.org")
        drain(app)
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        assert programme.state == "stopped" and programme.token_sealed is None
        assert "refused the board's token" in programme.stopped_reason
        waiting = db.session.scalars(
            select(OutboxEntry).where(OutboxEntry.programme_id == programme_id)
        ).all()
        card_work = [e for e in waiting if e.operation.startswith("trello.")]
        assert card_work and all(e.status == "pending" for e in card_work)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"programme {programme_id} (board {board['id']}) stopped" in logged
    assert token not in logged
    # The worker leaves it alone from now on: nothing is tried while it is stopped.
    asked_before = len(sandbox.requests())
    drain(app)
    assert not [r for r in sandbox.requests()[asked_before:] if board["id"] in r.get("path", "")]
    said = runner.invoke(args=["doctor"]).output
    assert "stopped" in said and "refused the board's token" in said and token not in said
    # The second programme's pages still answer for the people in it.
    assert client.get("/p/second/privacy").status_code == 200

    # Nia sets it up again from the Power-Up (a new token): the waiting card is made.
    new = member_token(sandbox, NIA)
    headers = {"Authorization": f"Bearer {sandbox.jwt(NIA, idBoard=board['id'])}"}
    again = client.put("/api/programme/token", json={"token": new}, headers=headers)
    assert again.status_code == 200 and again.get_json()["active"] is True
    drain_until_done(app)
    assert any("Ada Lovelace" in name for name in _cards_on(sandbox, board["id"], new))
