"""Card names are plain text on Trello: shown exactly as people typed them (nothing escaped),
with nothing its autolinker could turn into a link; names written escaped before are renamed."""

import requests
from sqlalchemy import select

from app.db import db
from app.models import Person
from tests.round_helpers import add_people
from tests.signup_helpers import signed_up_and_confirmed
from tests.support import drain

ORGANISATION = "Bristol City Council (Digital) #1"
NAME = f"Ada Lovelace · {ORGANISATION}"
# How names were written while they went through the description's Markdown escaping.
OLD_STYLE = "Bristol City Council \\(Digital\\) \\#1"


def _card_id(app):
    """Return the only participant's card id."""
    with app.app_context():
        return db.session.scalar(select(Person.trello_card_id))


def test_a_card_shows_the_organisation_exactly_as_typed_on_the_board_and_through_the_api(
    app, client, board
):
    signed_up_and_confirmed(app, client, board, organisation=ORGANISATION)
    card_id = _card_id(app)
    assert board.api("GET", f"/cards/{card_id}").json()["name"] == NAME
    shown = requests.get(f"{board.url}/sandbox/board.json", timeout=10).json()
    assert [c["name"] for lst in shown["lists"] for c in lst["cards"]] == [NAME]
    assert NAME in requests.get(f"{board.url}/sandbox/board", timeout=10).text


def test_a_url_or_domain_in_a_name_cannot_become_a_link(app, client, board):
    signed_up_and_confirmed(app, client, board, organisation="See www.evil.example or http://x.io")
    name = board.api("GET", f"/cards/{_card_id(app)}").json()["name"]
    assert name == "Ada Lovelace · See www\u2024evil\u2024example or http\u200d://x\u2024io"


def test_a_name_escaped_before_is_renamed_by_reconcile_and_by_the_next_round(app, runner, board):
    ids = add_people(app, board, 4)
    with app.app_context():
        people = [db.session.get(Person, pid) for pid in ids]
        for person in people[:2]:
            person.organisation = ORGANISATION
        escaped = {
            p.trello_card_id: f"{p.full_name} · Bristol City Council \\(Digital\\) \\#1"
            for p in people
        }
        db.session.commit()
    for card_id, name in escaped.items():
        board.api("PUT", f"/cards/{card_id}", params={"name": name})
    first, _, *rest = escaped
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    drain(app)
    assert board.api("GET", f"/cards/{first}").json()["name"] == f"Person 000 · {ORGANISATION}"
    for card_id in rest:  # renamed to their organisations, from the database
        assert "\\(" not in board.api("GET", f"/cards/{card_id}").json()["name"]
    for card_id in escaped:  # a round writes every card's name with the rest of it
        board.api("PUT", f"/cards/{card_id}", params={"name": escaped[card_id]})
    assert runner.invoke(args=["pair", "--seed", "5"]).exit_code == 0
    names = [board.api("GET", f"/cards/{c}").json()["name"] for c in escaped]
    assert names[:2] == [f"Person 000 · {ORGANISATION}", f"Person 001 · {ORGANISATION}"]
    assert not any("\\(" in name for name in names)
