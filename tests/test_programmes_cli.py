"""`flask programmes`: every programme with its board, members, people, last round and webhook;
`programmes disable` stops one and gives its token back to Trello; `programmes reseal` seals
the stored tokens again under a new TOKEN_ENCRYPTION_KEY."""

import json
import secrets

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app.db import db, utcnow
from app.models import Person, Programme, WebhookEvent
from tests.conftest import free_port
from tests.participant_helpers import people_in_round
from tests.programme_helpers import NIA, member_token, second_programme
from tests.support import post_signed, reconfigure, set_up_board


def listing(runner):
    """Run `programmes --json`; return its rows by programme."""
    result = runner.invoke(args=["programmes", "--json"])
    assert result.exit_code == 0, result.output
    return {row["programme"]: row for row in json.loads(result.output)}


def members_of(sandbox, board_id, token):
    """Count the board's members as Trello lists them to a token of one of them."""
    rows = sandbox.api("GET", f"/boards/{board_id}/memberships", params={"token": token}).json()
    return len([row for row in rows if not row.get("deactivated")])


def add_to(app, programme_id, status, email):
    """Store a person in a programme with a status (as sign-up and leaving leave them)."""
    with app.app_context():
        person = Person(
            programme_id=programme_id,
            full_name="Grace Hopper",
            email=email,
            organisation="Navy",
            status=status,
            confirmed_at=utcnow() if status != "pending" else None,
        )
        db.session.add(person)
        db.session.commit()


def comment_delivery(board_id, text, card_id=None):
    """Return the bytes of a Trello delivery of a comment made on a board (on a card of its
    own unless named)."""
    action = {
        "id": secrets.token_hex(12),
        "type": "commentCard",
        "date": "2026-12-01T12:00:00.000Z",
        "data": {
            "text": text,
            "card": {"id": card_id or secrets.token_hex(12), "name": "Grace Hopper · Navy"},
            "board": {"id": board_id, "name": "Second network"},
        },
    }
    return json.dumps({"action": action, "model": {"id": board_id}}).encode()


def test_the_list_shows_each_programme_with_its_board_members_people_round_and_webhook(
    live_app, runner, sandbox
):
    app = live_app
    set_up_board(app, sandbox)
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    people_in_round(app, runner, sandbox, [{}, {}, {}])  # three confirmed, paired in round 1
    board, token, second_id = second_programme(app, sandbox)
    add_to(app, second_id, "active", "grace@example.org")
    add_to(app, second_id, "paused", "ada@example.org")
    add_to(app, second_id, "pending", "not.yet@example.org")
    add_to(app, second_id, "left", None)

    rows = listing(runner)

    first, second = rows["(first)"], rows["second"]
    assert first["board_id"] == sandbox.board_id and second["board_id"] == board["id"]
    assert first["members"] == members_of(sandbox, sandbox.board_id, sandbox.token)
    assert second["members"] == members_of(sandbox, board["id"], token) == 2
    assert (first["people"], second["people"]) == (3, 2)  # pending and left ones do not count
    assert first["last_round"]["number"] == 1 and second["last_round"] is None
    assert (first["webhook"], second["webhook"]) == ("active", "active")
    assert (first["state"], second["state"]) == ("active", "active")
    assert second["name"] == "Second network"

    text = runner.invoke(args=["programmes"]).output.splitlines()
    assert text[0].split()[:3] == ["PROGRAMME", "NAME", "BOARD"]
    second_line = next(line for line in text if line.startswith("second "))
    assert board["id"] in second_line and second_line.endswith("active")
    assert "1 on " in next(line for line in text if line.startswith("(first)"))
    # The columns line up: every row's board id starts where the heading's BOARD does.
    boards = [row["board_id"] for row in rows.values()]
    starts = {line.index(board_id) for line, board_id in zip(text[1:], boards, strict=True)}
    assert starts == {text[0].index("BOARD")}


def test_a_missing_webhook_is_named_and_trello_not_answering_is_unknown_not_a_crash(app, runner):
    set_up_board(app)
    assert listing(runner)["(first)"]["webhook"] == "missing"
    reconfigure(app, TRELLO_API_BASE=f"http://127.0.0.1:{free_port()}/1", TRELLO_MAX_RETRIES=0)
    result = runner.invoke(args=["programmes"])
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.output.splitlines() if line.startswith("(first)")]
    assert row.split()[3:] == ["unknown", "0", "none", "unknown", "active"]
    first = listing(runner)["(first)"]
    assert (first["members"], first["webhook"], first["people"]) == (None, None, 0)


def test_disable_stops_the_programme_revokes_its_token_and_its_deliveries_are_ignored(
    live_app, client, runner, sandbox
):
    app = live_app
    set_up_board(app, sandbox)
    board, token, second_id = second_programme(app, sandbox)
    assert sandbox.api("GET", f"/tokens/{token}", params={"token": token}).status_code == 200

    result = runner.invoke(args=["programmes", "disable", "second"], input="y\n")

    assert result.exit_code == 0, result.output
    assert (
        "Programme second" in result.output and "stopped: disabled by an operator" in result.output
    )
    assert "Trello took its token back" in result.output
    assert "a board admin sets it up again from the Power-Up" in result.output
    assert token not in result.output
    assert sandbox.api("GET", f"/tokens/{token}", params={"token": token}).status_code == 401
    with app.app_context():
        programme = db.session.get(Programme, second_id)
        assert (programme.state, programme.stopped_reason) == ("stopped", "disabled by an operator")
        assert programme.token_sealed is None and programme.token_member_id is None
    # Its webhook went with the token: a change on the board is delivered nowhere ...
    before = len(sandbox.deliveries())
    nia = member_token(sandbox, NIA)
    [signups] = [
        item
        for item in sandbox.api("GET", f"/boards/{board['id']}/lists", params={"token": nia}).json()
        if item["name"] == "Sign-ups"
    ]
    made = sandbox.api(
        "POST", "/cards", params={"token": nia, "idList": signups["id"], "name": "x"}
    )
    assert made.status_code == 200
    assert len(sandbox.deliveries()) == before
    # ... and a delivery for its board that still arrives is acknowledged and not kept.
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    answer = post_signed(
        client, comment_delivery(board["id"], "hello"), app.config["TRELLO_API_SECRET"], callback
    )
    assert answer.status_code == 200
    with app.app_context():
        kept = select(func.count(WebhookEvent.id)).where(WebhookEvent.programme_id == second_id)
        assert db.session.scalar(kept) == 0
    second = listing(runner)["second"]
    assert second["state"] == "stopped" and second["stopped_reason"] == "disabled by an operator"
    assert second["erase_on"] and (second["members"], second["webhook"]) == (None, None)
    stopped = runner.invoke(args=["programmes"]).output
    assert "stopped on " in stopped and ": disabled by an operator; its people are erased on" in (
        stopped
    )
    again = runner.invoke(args=["programmes", "disable", "second", "--yes"])
    assert again.exit_code == 0 and "already stopped on" in again.output


def test_disable_asks_first_and_no_changes_nothing(app, runner, sandbox):
    set_up_board(app, sandbox)
    _board, token, second_id = second_programme(app, sandbox, webhook=False)
    result = runner.invoke(args=["programmes", "disable", "second"], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert sandbox.api("GET", f"/tokens/{token}", params={"token": token}).status_code == 200
    with app.app_context():
        assert db.session.get(Programme, second_id).active


def test_the_first_programme_and_unknown_addresses_are_refused(app, runner, board):
    first = runner.invoke(args=["programmes", "disable", "(first)", "--yes"])
    assert first.exit_code == 1
    assert "runs on the service's own token (TRELLO_TOKEN)" in first.output
    assert "stop the service's web and worker processes" in first.output
    with app.app_context():
        assert all(p.active for p in db.session.scalars(select(Programme)))
    nobody = runner.invoke(args=["programmes", "disable", "nobody", "--yes"])
    assert nobody.exit_code == 1 and "No programme has the address 'nobody'" in nobody.output


def restart_with_key(app, key):
    """Set TOKEN_ENCRYPTION_KEY as a restart would: no board's gateway opened under the old."""
    app.config["TOKEN_ENCRYPTION_KEY"] = key
    app.extensions.pop("trello_boards", None)


def test_reseal_moves_every_stored_token_to_the_new_key_so_the_old_one_can_go(app, runner, sandbox):
    set_up_board(app, sandbox)
    old = app.config["TOKEN_ENCRYPTION_KEY"]
    _board, token, second_id = second_programme(app, sandbox, webhook=False)
    new = Fernet.generate_key().decode()
    app.config["TOKEN_ENCRYPTION_KEY"] = f"{new},{old}"

    result = runner.invoke(args=["programmes", "reseal"])

    assert result.exit_code == 0, result.output
    assert "1 stored token encrypted under the first key." in result.output
    assert "can now be taken out" in result.output
    restart_with_key(app, new)  # the old key is gone: the token still opens
    assert listing(runner)["second"]["members"] == 2
    with app.app_context():
        assert token not in db.session.get(Programme, second_id).token_sealed


def test_reseal_names_a_token_no_key_opens_and_fails(app, runner, sandbox):
    set_up_board(app, sandbox)
    second_programme(app, sandbox, webhook=False)
    restart_with_key(app, Fernet.generate_key().decode())  # the old key lost
    result = runner.invoke(args=["programmes", "reseal"])
    assert result.exit_code == 1
    assert "0 stored tokens encrypted" in result.output
    assert "opens the token of programme second" in result.output
    assert listing(runner)["second"]["members"] is None  # unknown, not a crash
