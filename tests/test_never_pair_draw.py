"""The draw keeps "never pair me with" lists, whichever side wrote them; someone who cannot be
placed waits, and the organiser sees only how many."""

import pytest
from sqlalchemy import select

from app.db import db
from app.models import Group, Person
from tests.followup_helpers import lists_of
from tests.participant_helpers import add_person, manage_path
from tests.signup_helpers import post_form
from tests.support import drain
from tests.test_powerup_api import ADMIN, as_member

pytestmark = pytest.mark.usefixtures("board")
ORGS = ("Camden", "Kent", "Wigan", "Leeds")
NAMES = ("Ada Lovelace", "Bryn Terfel", "Carys Evans", "Dai Jones")


def _lists(app, client, owner, *others):
    """The owner lists each other person's address on their own page."""
    page = manage_path(app, owner)
    for other in others:
        with app.app_context():
            address = db.session.get(Person, other).email
        assert (
            post_form(client, page + "/never-pair", page=page, address=address).status_code == 302
        )


def _people(app, board, count):
    """Add participants from different organisations; return their ids and names."""
    ids = [add_person(app, board, full_name=NAMES[n], organisation=ORGS[n]) for n in range(count)]
    with app.app_context():
        names = {p.id: p.full_name for p in db.session.scalars(select(Person))}
    return ids, names


@pytest.mark.parametrize("who_lists", ["the first", "the others"])
def test_someone_who_cannot_be_placed_waits_and_the_organiser_sees_only_a_count(
    app, client, runner, board, who_lists
):
    (alone, b, c), names = _people(app, board, 3)
    if who_lists == "the first":
        _lists(app, client, alone, b, c)
    else:  # the rule holds both ways: here it is the others who wrote it
        _lists(app, client, b, alone)
        _lists(app, client, c, alone)
    dry = runner.invoke(args=["pair", "--seed", "9", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1 person could not be placed this round." in dry.output
    assert names[alone] not in dry.output  # neither who, nor why
    preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
    assert preview["unplaced"] == 1 and preview["waiting"] == []
    assert [sorted(p["id"] for p in group) for group in preview["groups"]] == [sorted([b, c])]
    assert names[alone] not in str(preview["groups"])

    assert runner.invoke(args=["pair", "--seed", "9"]).exit_code == 0
    drain(app)
    with app.app_context():
        grouped = {m.person_id for g in db.session.scalars(select(Group)) for m in g.members}
        card = db.session.get(Person, alone).trello_card_id
    assert grouped == {b, c}
    assert lists_of(board)[0][card] == "Sign-ups"  # waiting for the next round


def test_a_pool_where_nobody_can_be_paired_makes_no_round(app, client, runner, board):
    (a, b), _ = _people(app, board, 2)
    _lists(app, client, b, a)
    result = runner.invoke(args=["pair", "--seed", "3"])
    assert result.exit_code == 1
    assert "No round: nobody in the pool can be paired; 2 people could not be placed" in (
        result.output
    )
    answer = client.get("/api/rounds/preview", headers=as_member(board, ADMIN))
    assert answer.status_code == 422


def test_across_many_draws_listed_pairs_never_meet_and_others_still_do(app, client, runner, board):
    (a, b, c, d), _ = _people(app, board, 4)
    _lists(app, client, a, b)
    _lists(app, client, d, c)
    seen = set()
    for _ in range(30):  # each preview draws with a fresh random seed
        preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
        for group in preview["groups"]:
            pair = frozenset(p["id"] for p in group)
            assert pair not in ({a, b}, {c, d})
            seen.add(pair)
    assert seen == {frozenset({a, c}), frozenset({b, d}), frozenset({a, d}), frozenset({b, c})}
