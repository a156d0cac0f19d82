"""Three worker processes drain one 100-person round on PostgreSQL: every card right, every
outbox entry carried out once, every mail sent once, the timed jobs once per slot across the
workers; and the same end state when one of them is SIGKILLed mid-run."""

import re
import signal
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import select, text

from app import outbox
from app.db import db
from app.models import OutboxEntry, Person, Round, first_programme
from app.worker.jobs import CLAIM as TIMED_CLAIM
from app.worker.reconcile import CLAIM as RECONCILE_CLAIM
from tests.fault_helpers import (
    ROOT,
    UNTHROTTLED,
    introductions_by_recipient,
    outbox_drained,
    reference_board,
    repeated_sends,
    start_round,
    stop_worker,
    wait_until,
    work_done,
    worker_env,
)
from tests.round_helpers import board_snapshot
from tests.support import outbox_states, set_up_board

PEOPLE, ROUND_SEED, WORKERS = 100, 2026, 3
CLAIMS = (TIMED_CLAIM, RECONCILE_CLAIM)
SLOT_LINE = re.compile(r"timed jobs for programme (\d+): slot (\d+)")


def _postgres_only(app):
    """Skip on SQLite: its one writer at a time is why the docs say to run one worker there
    (tests/test_faults_worker.py covers one worker killed on SQLite)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip(
            "SKIP LOCKED and several worker processes at once are for PostgreSQL; "
            "SQLite has neither, and the docs say to run one worker there"
        )


def _start(env, folder, n):
    """Start `flask --app app worker` number n, its output kept in folder for the test to read."""
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.05"]
    out = open(folder / f"worker-{n}.out", "w")  # closed after the process ends
    err = open(folder / f"worker-{n}.err", "w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    process.files = (out, err)
    return process


def _output(folder, n):
    """Return worker n's standard output and error."""
    return (folder / f"worker-{n}.out").read_text(), (folder / f"worker-{n}.err").read_text()


def _env(app, sandbox, **settings):
    """The workers' environment: the test's database and sandbox, timed jobs every second."""
    return worker_env(
        app,
        sandbox,
        TRELLO_RATE_LIMIT=UNTHROTTLED,
        TIMED_JOBS_SECONDS=1,
        LOG_LEVEL="DEBUG",
        **settings,
    )


def _entries(app):
    """Return (operation, status, attempts) of every outbox entry that is work, not a claim."""
    with app.app_context():
        rows = db.session.execute(
            select(OutboxEntry.operation, OutboxEntry.status, OutboxEntry.attempts).where(
                OutboxEntry.operation.not_in(CLAIMS)
            )
        ).all()
    return [tuple(row) for row in rows]


def _claimed_slots(app, operation):
    """Return the slots claimed for one timed job, one item per claim row."""
    with app.app_context():
        payloads = db.session.scalars(
            select(OutboxEntry.payload).where(OutboxEntry.operation == operation)
        )
        return [payload["slot"] for payload in payloads]


def _assert_end_state(app, sandbox, expected, people_count=PEOPLE):
    """The board as an uninterrupted one-worker run leaves it, each card once, round applied,
    every entry done, one introduction for every person."""
    assert board_snapshot(sandbox) == expected
    with app.app_context():
        assert db.session.scalar(select(Round.status)) == "applied"
        people = list(db.session.scalars(select(Person)))
    assert len(people) == people_count
    assert set(outbox_states(app)) == {"done"}
    board = f"/boards/{sandbox.board_id}"
    cards = sandbox.api("GET", f"{board}/cards/open").json()
    round_cards = [c for c in cards if c["name"].startswith("Round ")]
    assert len(round_cards) == 1
    own = sorted(c["id"] for c in cards if c not in round_cards)
    assert own == sorted(p.trello_card_id for p in people), "no card made twice, none missing"
    mails = sandbox.mails()
    assert introductions_by_recipient(mails) == {person.email: 1 for person in people}
    return mails


def _slot_lines(texts):
    """Return Counter({(programme id, slot): lines}) of the workers' timed-job slot lines."""
    return Counter(
        (int(programme), int(slot)) for text in texts for programme, slot in SLOT_LINE.findall(text)
    )


def _writes(sandbox, since):
    """Return Counter({(method, path): calls}) of the writes the sandbox saw after since."""
    return Counter(
        (c["method"], c["path"]) for c in sandbox.requests()[since:] if c["method"] != "GET"
    )


def test_three_workers_drain_a_round_each_entry_once_and_timed_jobs_once_per_slot(
    app, sandbox, tmp_path, sqlite_template
):
    _postgres_only(app)
    expected = reference_board(app, sandbox, sqlite_template, tmp_path, PEOPLE, ROUND_SEED)
    set_up_board(app, sandbox)
    env = _env(app, sandbox)
    workers = [_start(env, tmp_path, n) for n in range(WORKERS)]
    try:
        start_round(app, sandbox, PEOPLE, ROUND_SEED)
        since = len(sandbox.requests())
        wait_until(lambda: outbox_drained(app), seconds=120)
    finally:
        for worker in workers:
            stop_worker(worker)
            for file in worker.files:
                file.close()

    mails = _assert_end_state(app, sandbox, expected)
    assert repeated_sends(mails) == 0, "no mail sent twice"
    entries = _entries(app)
    assert {attempts for _, _, attempts in entries} == {1}, "each entry claimed and run once"
    writes = _writes(sandbox, since)
    assert max(writes.values()) == 1, f"a write repeated: {writes.most_common(3)}"
    outputs = [_output(tmp_path, n) for n in range(WORKERS)]
    done = [sum(int(n) for n in re.findall(r"(\d+) done", out)) for out, _ in outputs]
    assert sum(done) == len(entries), "each entry reported done by exactly one worker"
    assert sum(1 for n in done if n) >= 2, f"the workers shared the round: {done}"
    # The timed jobs: one claim per slot, and run only by the worker that claimed it.
    lines = _slot_lines(err for _, err in outputs)
    slots = _claimed_slots(app, TIMED_CLAIM)
    assert slots and len(set(slots)) == len(slots)
    assert set(lines.values()) == {1}, "each slot's jobs ran once, in one worker"
    assert sorted(slot for _, slot in lines) == sorted(slots)
    reconciles = _claimed_slots(app, RECONCILE_CLAIM)
    assert reconciles and len(set(reconciles)) == len(reconciles)


def test_a_worker_killed_among_three_changes_nothing_in_the_end_state(
    app, sandbox, tmp_path, sqlite_template
):
    _postgres_only(app)
    expected = reference_board(app, sandbox, sqlite_template, tmp_path, PEOPLE, ROUND_SEED)
    set_up_board(app, sandbox)
    # A short lease, so the killed worker's entry is taken over soon after the kill.
    env = _env(app, sandbox, OUTBOX_LEASE_SECONDS=3)
    workers = [_start(env, tmp_path, n) for n in range(WORKERS)]
    try:
        before = len(sandbox.requests())
        start_round(app, sandbox, PEOPLE, ROUND_SEED)
        # About 200 items of work in all (100 card writes, 100 introductions): kill midway.
        wait_until(lambda: work_done(app, sandbox, before) >= 150 or outbox_drained(app))
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        wait_until(lambda: outbox_drained(app), seconds=120)
    finally:
        for worker in workers:
            if worker.poll() is None:
                stop_worker(worker)
            for file in worker.files:
                file.close()

    mails = _assert_end_state(app, sandbox, expected)
    assert repeated_sends(mails) <= 1, "at most the killed worker's mail in flight sent again"
    attempts = Counter(attempts for _, _, attempts in _entries(app))
    assert set(attempts) <= {1, 2} and attempts[2] <= 1, "only the killed worker's entry ran twice"
    lines = _slot_lines(_output(tmp_path, n)[1] for n in range(WORKERS))
    slots = _claimed_slots(app, TIMED_CLAIM)
    assert set(lines.values()) <= {1}, "each slot's jobs ran once, in one worker"
    assert {slot for _, slot in lines} <= set(slots)


def test_a_worker_passes_over_an_entry_another_is_claiming_and_keeps_its_lane_waiting(
    app, monkeypatch
):
    """While another worker's claim holds entry 1 (its row locked), a pass on PostgreSQL takes
    the next free entry at once instead of waiting for it, and leaves entry 1's lane alone."""
    _postgres_only(app)
    ran = []
    with app.app_context():
        handlers = app.extensions["outbox_operations"].handlers
        monkeypatch.setitem(handlers, "test.note", lambda payload, entry: ran.append(payload["n"]))
        programme = first_programme()
        for n, lane in enumerate(["card:a", "card:a", "card:b"], start=1):
            outbox.enqueue(programme, "test.note", {"n": n}, lane=lane)
        db.session.commit()
        other = db.engine.connect()  # the other worker, mid-claim on entry 1
        other.execute(text("SELECT id FROM outbox_entries WHERE id = 1 FOR UPDATE"))
        try:
            assert outbox.run_due() == {"done": 1}
        finally:
            other.rollback()
            other.close()
        assert ran == [3], "entry 2 waits behind entry 1 in its lane; entry 3 is free"
        assert outbox.run_due() == {"done": 2}
    assert ran == [3, 1, 2]
