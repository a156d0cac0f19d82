"""Reconcile: outputs added while the service was down are recorded once; drift is repaired."""

import pytest

from app.models import Output
from tests.followup_helpers import (
    NORMAL,
    count,
    lists_of,
    make_round,
    outputs,
    programme_lists,
    round_card,
)
from tests.support import drain

pytestmark = pytest.mark.usefixtures("board")


def test_outputs_added_while_the_service_was_down_are_recorded_once_by_reconcile(
    app, runner, sandbox
):
    people = make_round(app, runner, sandbox, count=20)
    # No webhook is registered: the board changes and nobody tells the service.
    for n, (card_id, _, _) in enumerate(people.values()):
        url = f"https://blog.example.org/post-{n}"
        if n % 5 == 0:
            sandbox.api(
                "POST",
                f"/cards/{card_id}/actions/comments",
                member=NORMAL,
                params={"text": f"Here it is: {url}"},
            )
        else:
            sandbox.api("POST", f"/cards/{card_id}/attachments", member=NORMAL, params={"url": url})
    # The same link again on one card, and a Trello link on another, change nothing.
    first = next(iter(people.values()))[0]
    sandbox.api(
        "POST",
        f"/cards/{first}/attachments",
        member=NORMAL,
        params={"url": "https://blog.example.org/post-0"},
    )
    sandbox.api(
        "POST",
        f"/cards/{first}/attachments",
        member=NORMAL,
        params={"url": "https://trello.com/c/abcdefgh"},
    )
    before = len(sandbox.requests())

    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "Current round: 20 outputs recorded" in result.output
    reads = sandbox.requests()[before:]
    assert len(reads) <= 3, reads  # the whole board in a constant number of requests
    assert count(app, Output) == 20
    drain(app)
    lists, _ = lists_of(sandbox)
    assert all(lists[card_id] == "Shared" for card_id, _, _ in people.values())
    assert "Progress: 20 of 20 shared" in round_card(app, sandbox)["desc"]

    again = runner.invoke(args=["reconcile"])
    assert again.exit_code == 0 and "board and database agree" in again.output, again.output
    assert count(app, Output) == 20


def test_reconcile_repairs_a_card_left_behind_and_understands_hand_moves_it_missed(
    app, runner, sandbox
):
    people = make_round(app, runner, sandbox, count=4)
    (a, (card_a, _, _)), (b, (card_b, _, _)) = list(people.items())[:2]
    lists = programme_lists(app)
    # While the service was down an organiser moved b's card to Shared by hand, and someone
    # cleared a's card description and moved it back after a's output was recorded.
    sandbox.api("PUT", f"/cards/{card_b}", member=NORMAL, params={"idList": lists["shared"]})
    sandbox.api(
        "POST",
        f"/cards/{card_a}/attachments",
        member=NORMAL,
        params={"url": "https://example.org/a"},
    )
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    drain(app)
    sandbox.api(
        "PUT",
        f"/cards/{card_a}",
        member=NORMAL,
        params={"idList": lists["matched"], "desc": "hand-written"},
    )
    result = runner.invoke(args=["reconcile"])
    assert "Current round: 1 cards re-queued" in result.output, result.output
    drain(app)
    on_board, cards = lists_of(sandbox)
    assert on_board[card_a] == "Shared" and on_board[card_b] == "Shared"
    assert cards[card_a]["desc"].startswith("hand-written")
    assert "Shared: https://example.org/a" in cards[card_a]["desc"]
    assert outputs(app) == {(a, "https://example.org/a", "attachment"), (b, "", "organiser")}
    assert "board and database agree" in runner.invoke(args=["reconcile"]).output


def test_reconcile_says_when_the_round_is_not_on_the_board_yet(app, runner, sandbox):
    from app.models import current_programme
    from app.rounds.service import confirm_round
    from tests.round_helpers import add_people

    add_people(app, sandbox, 4)
    with app.app_context():
        confirm_round(current_programme(), 1)  # stored; the worker has not applied it
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "round 1 is not on the board yet" in result.output
    assert "board and database agree" not in result.output
    drain(app)
    again = runner.invoke(args=["reconcile"])
    assert "not on the board yet" not in again.output
