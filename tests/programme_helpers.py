"""A second programme on a second sandbox board, made as the Power-Up's set-up leaves it:
the board admin's token sealed on the programme, the lists made and the webhook registered."""

import requests

from app.db import db
from app.models import Programme, programme_scope
from app.trello.authorise import keep_token
from app.trello.board import register_webhook, setup_board
from trello_sandbox import constants

# The second board's admin is Nia; Ada (the service token's member) is not on it.
NIA, OLU = constants.NORMAL_MEMBER_ID, constants.OBSERVER_MEMBER_ID


def sandbox_board(sandbox, name="Second network", members=None):
    """Make a sandbox board with the Power-Up enabled; Nia admin, Olu normal by default."""
    body = {"name": name, "members": members or {NIA: "admin", OLU: "normal"}}
    answer = requests.post(f"{sandbox.url}/sandbox/control/boards", json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    board = answer.json()
    sandbox.control("power-up", idBoard=board["id"], enabled=True)
    return board


def member_token(sandbox, member):
    """Issue a token to a member, as the sandbox's consent page does; return it."""
    answer = requests.post(
        f"{sandbox.url}/sandbox/control/tokens", json={"idMember": member}, timeout=10
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def second_programme(app, sandbox, slug="second", name="Second network", listed=True, webhook=True):
    """Set up a programme on a new board as its admin Nia would; return (board, token, id).
    Registering the webhook needs the app served (live_app): Trello checks the callback."""
    board = sandbox_board(sandbox, name)
    token = member_token(sandbox, NIA)
    with app.app_context():
        programme = Programme(
            trello_board_id=board["id"], name=name, slug=slug, listed=listed, settings={}
        )
        keep_token(programme, NIA, token)
        db.session.add(programme)
        db.session.commit()
        with programme_scope(programme):
            setup_board()
            if webhook:
                register_webhook()
        return board, token, programme.id
