"""A round's life through the public surface: open until closed, two rounds overlapping in
people's inboxes, and everything attributed to the round it came from."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import db
from app.models import CheckIn, Output, Round
from app.worker.jobs import run_timed_jobs
from tests.followup_helpers import followup_links, lists_of, make_round, pairs
from tests.signup_helpers import mails_to, post_form
from tests.support import drain

pytestmark = pytest.mark.usefixtures("board")
POST = "https://weeknotes.example.org/2026/12/round-one"


def _delivered(sandbox, kind, count=1):
    """Wait until the app acknowledged count deliveries of an action type."""
    found = sandbox.wait_for_deliveries(count, seconds=10, type=kind, status=200)
    assert len(found) >= count, sandbox.deliveries()


def _rounds(app):
    """Return {number: (id, round card id, closed)} of every round."""
    with app.app_context():
        return {
            r.number: (r.id, r.round_card_id, r.closed_at is not None)
            for r in db.session.scalars(select(Round))
        }


def _card(sandbox, card_id):
    """Return a card as the sandbox has it (archived ones too)."""
    return sandbox.api("GET", f"/cards/{card_id}").json()


def test_drawing_while_a_round_is_open_asks_to_close_it_first(app, runner, sandbox):
    make_round(app, runner, sandbox, count=4, seed="5")
    refused = runner.invoke(args=["pair", "--seed", "6"])
    assert refused.exit_code == 1
    assert "Round 1 is still open (meet by" in refused.output
    assert "0 of 4 met, 0 of 4 shared" in refused.output
    assert "round 1 is still open. Run again with --close-open" in refused.output
    assert set(_rounds(app)) == {1}

    made = runner.invoke(args=["pair", "--seed", "6", "--close-open"])
    assert made.exit_code == 0, made.output
    assert "It will be closed, its final tally kept on its card." in made.output
    rounds = _rounds(app)
    assert rounds[1][2] is True and rounds[2][2] is False


def test_round_one_links_used_during_round_two_count_in_round_one_and_tell_only_its_partner(
    live_app, client, runner, sandbox
):
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    first = make_round(live_app, runner, sandbox, count=4, seed="5")
    person, (card, email, [partner_1]) = next(iter(first.items()))
    round_one_mail = [m for m in mails_to(sandbox, email) if "round 1" in m["subject"]][-1]
    links = followup_links(round_one_mail)

    assert runner.invoke(args=["pair", "--seed", "6", "--close-open"]).exit_code == 0
    drain(live_app)
    second = pairs(live_app)
    [partner_2] = second[person][2]
    assert partner_2 != partner_1  # nobody meets an earlier partner again while others exist
    emails = {pid: data[1] for pid, data in {**first, **second}.items()}
    before = {pid: len(mails_to(sandbox, emails[pid])) for pid in (partner_1, partner_2)}

    assert post_form(client, links["output"], url=POST).status_code == 200
    assert client.get(links["We met"]).status_code == 200
    drain(live_app)  # the attachment goes onto the card…
    _delivered(sandbox, "addAttachmentToCard")
    drain(live_app)  # …and its webhook finds the output already known

    rounds = _rounds(live_app)
    with live_app.app_context():
        outputs = [(o.round_id, o.source) for o in db.session.scalars(select(Output))]
        answers = [(c.round_id, c.answer) for c in db.session.scalars(select(CheckIn))]
    assert outputs == [(rounds[1][0], "link")]
    assert answers == [(rounds[1][0], "met")]
    told = mails_to(sandbox, emails[partner_1])[before[partner_1] :]
    assert [m["subject"] for m in told] == [
        f"UnMentoring round 1: Person {person - 1:03d} shared what they learned"
    ]
    assert "your partner in round 1, shared what they learned: " + POST in told[0]["text"]
    assert mails_to(sandbox, emails[partner_2])[before[partner_2] :] == []

    lists, cards = lists_of(sandbox)
    old = _card(sandbox, rounds[1][1])
    assert old["closed"] is False and lists[old["id"]] == "Matched"
    assert old["name"].startswith("Round 1 · ") and old["name"].endswith(" · closed")
    assert "Final: 1 of 4 shared, 1 of 4 met" in old["desc"]
    new = cards[rounds[2][1]]
    assert "Progress: 0 of 4 shared, 0 of 4 met" in new["desc"]
    assert float(new["pos"]) < float(old["pos"])  # the open round first, the closed one last
    # The card shows the open round; round 1 is a line of history, its output there too.
    assert lists[card] == "Matched"
    assert "Earlier rounds: 1 (met, shared)" in cards[card]["desc"]
    assert "Shared:" not in cards[card]["desc"]


def test_closing_the_next_round_archives_the_one_before_and_sends_people_back_to_sign_ups(
    app, runner, sandbox
):
    make_round(app, runner, sandbox, count=4, seed="5")
    assert runner.invoke(args=["pair", "--seed", "6", "--close-open"]).exit_code == 0
    drain(app)
    closed = runner.invoke(args=["close-round"])
    assert closed.exit_code == 0, closed.output
    assert "Round 2 closed: 0 of 4 met, 0 of 4 shared." in closed.output
    again = runner.invoke(args=["close-round"])
    assert "Round 2 was already closed; nothing changed." in again.output
    drain(app)

    rounds = _rounds(app)
    assert _card(sandbox, rounds[1][1])["closed"] is True  # archived once round 2 closed
    lists, cards = lists_of(sandbox)
    assert lists[rounds[2][1]] == "Matched"
    assert "Final: 0 of 4 shared, 0 of 4 met" in cards[rounds[2][1]]["desc"]
    for card_id, _, _ in pairs(app).values():
        assert lists[card_id] == "Sign-ups"
        assert "Partner" not in cards[card_id]["desc"]
        assert "Earlier rounds: 2, 1" in cards[card_id]["desc"]


def test_a_round_closes_on_its_own_the_day_after_its_close_date(app, runner, sandbox):
    make_round(app, runner, sandbox, count=2, seed="5")
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        assert round_.closes_on == round_.meet_by + timedelta(days=7)
        on_the_day = round_.closes_on
    with app.app_context():
        assert "rounds closed" not in run_timed_jobs(
            datetime.combine(on_the_day, datetime.min.time())
        )
        day_after = datetime.combine(on_the_day + timedelta(days=1), datetime.min.time())
        assert run_timed_jobs(day_after)["rounds closed"] == 1
    drain(app)
    lists, cards = lists_of(sandbox)
    rounds = _rounds(app)
    assert rounds[1][2] is True
    assert cards[rounds[1][1]]["name"].endswith(" · closed")
    assert "Final: 0 of 2 shared" in cards[rounds[1][1]]["desc"]
