"""Organisers' hand moves on the board reach the database through webhooks; the service's own
moves do not count as theirs."""

import time

import pytest
from sqlalchemy import select

from app.db import db
from app.models import GroupMember, Output, Person
from tests.followup_helpers import NORMAL, count, make_round, outputs, programme_lists
from tests.support import drain

pytestmark = pytest.mark.usefixtures("board")


@pytest.fixture
def hooked(live_app, runner, sandbox):
    """A live app with its webhook registered and a four-person round applied."""
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    people = make_round(live_app, runner, sandbox, count=4)
    return live_app, people


def _by_organiser(sandbox, method, path, kind, **params):
    """Act on the board as an organiser (not the service's token member); wait for the webhook."""

    def theirs():
        return [
            d
            for d in sandbox.deliveries()
            if d["type"] == kind
            and d["status"] == 200
            and f'"idMemberCreator":"{NORMAL}"' in d["body"]
        ]

    before = len(theirs())
    assert sandbox.api(method, path, member=NORMAL, params=params).status_code == 200
    deadline = time.monotonic() + 10
    while len(theirs()) <= before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(theirs()) > before


def _person(app, pid):
    """Return (status, card id, still in a group) for a person."""
    with app.app_context():
        person = db.session.get(Person, pid)
        in_group = (GroupMember.person_id == pid) & GroupMember.left_at.is_(None)
        grouped = db.session.scalar(select(GroupMember.id).where(in_group))
        return person.status, person.trello_card_id, grouped is not None


def test_hand_moves_mark_shared_pause_and_return_to_the_pool(hooked, runner, sandbox):
    app, people = hooked
    lists = programme_lists(app)
    (a, (card_a, _, _)), (b, (card_b, _, _)) = list(people.items())[:2]
    _by_organiser(sandbox, "PUT", f"/cards/{card_a}", "updateCard", idList=lists["shared"])
    assert outputs(app) == {(a, "", "organiser")}
    _by_organiser(sandbox, "PUT", f"/cards/{card_b}", "updateCard", idList=lists["paused"])
    assert _person(app, b)[0] == "paused"
    _by_organiser(sandbox, "PUT", f"/cards/{card_b}", "updateCard", idList=lists["signups"])
    assert _person(app, b)[0] == "active"
    drain(app)  # the service's own writes come back as webhooks and change nothing
    sandbox.wait_for_deliveries(12, seconds=5, status=200)
    assert count(app, Output) == 1 and _person(app, b)[0] == "active"


def test_an_archived_card_leaves_the_round_and_a_deleted_one_is_not_made_again(
    hooked, runner, sandbox
):
    app, people = hooked
    (a, (card_a, _, _)), (b, (card_b, _, _)) = list(people.items())[:2]
    _by_organiser(sandbox, "PUT", f"/cards/{card_a}", "updateCard", closed="true")
    assert _person(app, a) == ("active", card_a, False)
    _by_organiser(sandbox, "DELETE", f"/cards/{card_b}", "deleteCard")
    assert _person(app, b) == ("active", None, False)
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0 and "Sign-ups: 0 cards re-queued" in result.output
    drain(app)
    with app.app_context():
        assert db.session.get(Person, b).trello_card_id is None
