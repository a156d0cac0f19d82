"""Trello down while someone confirms: they are confirmed at once, their card comes exactly once."""

from datetime import timedelta

import requests

from app import create_app, outbox
from app.db import utcnow
from app.trello.board import setup_board
from tests.conftest import _dispose, _migrate, _test_config, free_port
from tests.signup_helpers import links_in, people, post_form, sign_up
from trello_sandbox.server import SandboxServer


def _sandbox_get(server, path):
    """GET one of the sandbox's control or page URLs."""
    return requests.get(server.url + path, timeout=5).json()


def test_confirming_while_trello_is_down_confirms_and_the_card_comes_once_it_is_back(
    database_uri, tmp_path, monkeypatch
):
    port, state = free_port(), str(tmp_path / "sandbox.sqlite3")
    server = SandboxServer(port=port, state_path=state, rate_limits=False).start()
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    config = _test_config(database_uri[0], server, "http://127.0.0.1:9")
    app = create_app({**config, "TRELLO_MAX_RETRIES": 1, "TRELLO_TIMEOUT": 1.0})
    if database_uri[1]:
        _migrate(app)
    client = app.test_client()
    with app.app_context():
        setup_board()
    sign_up(client)
    with app.app_context():
        outbox.run_due()
    [mail] = _sandbox_get(server, "/sandbox/mail/messages")

    server.stop()  # Trello (and the sandbox's mail outbox) go down
    response = post_form(client, links_in(mail)["confirm"])
    assert response.status_code == 200 and "You are signed up" in response.get_data(as_text=True)
    assert people(app)[0]["status"] == "active"
    with app.app_context():
        assert outbox.run_due() == {"pending": 2}  # the card and the welcome mail wait

    server = SandboxServer(port=port, state_path=state, rate_limits=False).start()
    try:
        later = utcnow() + timedelta(hours=2)
        with app.app_context():
            assert outbox.run_due(now=later) == {"done": 2}
            assert outbox.run_due(now=later + timedelta(hours=2)) == {}
        cards = _sandbox_get(server, "/sandbox/board.json")["lists"][0]["cards"]
        assert [card["name"] for card in cards] == ["Ada Lovelace · Analytical Council"]
        posts = [
            r
            for r in _sandbox_get(server, "/sandbox/control/requests")
            if r["method"] == "POST" and r["path"] == "/1/cards"
        ]
        assert len(posts) == 1
        assert people(app)[0]["trello_card_id"] == cards[0]["id"]
    finally:
        server.stop()
        _dispose(app)
