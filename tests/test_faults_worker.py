"""The worker killed (SIGKILL) at a seeded random point of a 100-person round, then restarted:
the board ends as an uninterrupted run leaves it, nothing is made twice, and a mail is sent
again (under the same Message-ID) at most once for the kill."""

import random
import signal

import pytest
from sqlalchemy import select

from app.db import db
from app.models import Person, Round
from tests.fault_helpers import (
    UNTHROTTLED,
    introductions_by_recipient,
    outbox_drained,
    reference_board,
    repeated_sends,
    start_round,
    start_worker,
    stop_worker,
    wait_until,
    work_done,
    worker_env,
)
from tests.round_helpers import board_snapshot
from tests.support import outbox_states, set_up_board

PEOPLE, ROUND_SEED = 100, 2026
KILLS = 1  # per run: one programme, whose entries the worker runs one at a time: one mail in flight
# About 102 board writes (100 cards, the round card, its label) and 100 introductions.
WORK_ITEMS = 202


def _run_killed_then_restarted(app, sandbox, kill_at):
    """Start the worker, start the round, SIGKILL the worker once kill_at items of work are
    done, then run a new worker until the outbox is drained."""
    env = worker_env(app, sandbox, OUTBOX_LEASE_SECONDS=1, TRELLO_RATE_LIMIT=UNTHROTTLED)
    before = len(sandbox.requests())
    first = start_worker(env)  # it starts up while the round is being stored
    try:
        start_round(app, sandbox, PEOPLE, ROUND_SEED)
        wait_until(lambda: work_done(app, sandbox, before) >= kill_at or outbox_drained(app))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    second = start_worker(env)
    try:
        wait_until(lambda: outbox_drained(app))
    finally:
        stop_worker(second)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("seed", range(10))
def test_a_worker_killed_at_a_random_point_finishes_the_round_as_if_never_killed(
    app, sandbox, tmp_path, sqlite_template, seed
):
    """Real processes on a SQLite file; sqlite_only because the ten runs cost ~5 s each."""
    expected = reference_board(app, sandbox, sqlite_template, tmp_path, PEOPLE, ROUND_SEED)
    set_up_board(app, sandbox)
    _run_killed_then_restarted(app, sandbox, random.Random(seed).randint(1, WORK_ITEMS))

    assert board_snapshot(sandbox) == expected
    with app.app_context():
        assert db.session.scalar(select(Round.status)) == "applied"
        people = list(db.session.scalars(select(Person)))
    assert set(outbox_states(app)) == {"done"}
    _assert_each_card_once_in_matched(sandbox, people)
    mails = sandbox.mails()
    assert introductions_by_recipient(mails) == {person.email: 1 for person in people}
    assert repeated_sends(mails) <= KILLS, "mail is at least once, at most one extra per kill"


def _assert_each_card_once_in_matched(sandbox, people):
    """Every person's own card, and one round card, open in Matched: no copies, no extras."""
    board = f"/boards/{sandbox.board_id}"
    cards = sandbox.api("GET", f"{board}/cards/open", params={"attachments": "true"}).json()
    lists = {x["id"]: x["name"] for x in sandbox.api("GET", f"{board}/lists").json()}
    round_cards = [c for c in cards if c["name"].startswith("Round ")]
    people_cards = [c for c in cards if c not in round_cards]
    assert len(round_cards) == 1
    assert sorted(c["id"] for c in people_cards) == sorted(p.trello_card_id for p in people)
    assert {lists[c["idList"]] for c in cards} == {"Matched"}
    assert all(c["attachments"] == [] for c in cards)
    comments = sandbox.api("GET", f"{board}/actions", params={"filter": "commentCard"}).json()
    assert comments == []
