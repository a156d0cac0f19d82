"""The outbox: writes wait out a Trello outage and then happen exactly once."""

import signal
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from app import create_app, outbox, trello
from app.db import db, utcnow
from app.models import OutboxEntry, WebhookEvent, current_programme
from app.trello.gateway import get_gateway
from app.trello.writes import queue_update_card
from tests.conftest import _dispose, _test_config, free_port
from trello_sandbox.server import SandboxServer


def _later():
    """A moment far enough ahead that every backed-off entry is due."""
    return utcnow() + timedelta(hours=2)


def _card(app):
    """Set up the board and create one card directly; return its id."""
    from app.trello.board import setup_board

    with app.app_context():
        setup_board()
        list_id = current_programme().list_id("signups")
        return get_gateway().create_card(list_id, "Ada Lovelace · Analytical Council")["id"]


def _entries(app):
    with app.app_context():
        return [
            (e.status, e.attempts, e.last_error) for e in db.session.scalars(select(OutboxEntry))
        ]


def test_entry_rolled_back_with_its_change_is_never_sent(app):
    with app.app_context():
        queue_update_card(current_programme(), "5a4db0a4d0000000000000ff", name="x")
        db.session.rollback()
        assert outbox.run_due() == {}
    assert _entries(app) == []


def test_queued_write_is_applied_once_and_never_repeated(app, sandbox):
    card_id = _card(app)
    with app.app_context():
        queue_update_card(current_programme(), card_id, name="Renamed · Org", desc="hello")
        db.session.commit()
        assert outbox.run_due() == {"done": 1}
        assert outbox.run_due(now=_later()) == {}
    puts = [r for r in sandbox.requests() if r["method"] == "PUT" and card_id in r["path"]]
    assert len(puts) == 1


@pytest.fixture
def own_sandbox(tmp_path):
    """A sandbox on a fixed port with state on disk, so it can go down and come back."""
    port, state = free_port(), str(tmp_path / "sandbox.sqlite3")
    server = SandboxServer(port=port, state_path=state, rate_limits=False)
    server.start()
    holder = {"server": server}
    yield holder, port, state
    holder["server"].stop()


def test_write_waits_while_trello_is_down_and_happens_once_when_it_returns(
    own_sandbox, database_uri, tmp_path, monkeypatch
):
    holder, port, state = own_sandbox
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    config = _test_config(database_uri[0], holder["server"], "http://127.0.0.1:9")
    app = create_app({**config, "TRELLO_MAX_RETRIES": 1, "TRELLO_TIMEOUT": 1.0})
    if database_uri[1]:
        from tests.conftest import _migrate

        _migrate(app)
    card_id = _card(app)
    holder["server"].stop()
    with app.app_context():
        queue_update_card(current_programme(), card_id, name="Grace Hopper · Navy")
        db.session.commit()
        assert outbox.run_due() == {"pending": 1}
    [(status, attempts, error)] = _entries(app)
    assert (status, attempts) == ("pending", 1) and "Error" in error

    holder["server"] = SandboxServer(port=port, state_path=state, rate_limits=False)
    holder["server"].start()
    with app.app_context():
        assert outbox.run_due(now=_later()) == {"done": 1}
        assert outbox.run_due(now=_later()) == {}
        assert get_gateway().card(card_id)["name"] == "Grace Hopper · Navy"
    log = requests.get(holder["server"].url + "/sandbox/control/requests", timeout=5).json()
    puts = [r for r in log if r["method"] == "PUT"]
    assert len(puts) == 1
    _dispose(app)


def test_trello_refusal_fails_the_entry_at_once_with_the_reason(app, sandbox):
    with app.app_context():
        queue_update_card(current_programme(), "5a4db0a4d0000000000000ff", name="nobody")
        db.session.commit()
        assert outbox.run_due() == {"failed": 1}
    [(status, attempts, error)] = _entries(app)
    assert status == "failed" and attempts == 1
    assert "not found" in error.lower()


def test_transient_failures_are_retried_a_bounded_number_of_times(app, sandbox):
    card_id = _card(app)
    # The gateway's own retries are tested elsewhere; here each outbox attempt is one request.
    app.config.update(OUTBOX_MAX_ATTEMPTS=3, TRELLO_MAX_RETRIES=0)
    trello.init_app(app)
    sandbox.control("faults", status=503, count=1000)
    with app.app_context():
        queue_update_card(current_programme(), card_id, name="never")
        db.session.commit()
        statuses = [outbox.run_due(now=_later()) for _ in range(4)]
    assert statuses == [{"pending": 1}, {"pending": 1}, {"failed": 1}, {}]
    [(status, attempts, _)] = _entries(app)
    assert (status, attempts) == ("failed", 3)


def test_writes_to_one_card_keep_their_order_behind_a_failure(app, sandbox):
    card_id = _card(app)
    with app.app_context():
        programme = current_programme()
        first = queue_update_card(programme, card_id, name="first")
        queue_update_card(programme, card_id, name="second")
        db.session.commit()
        first.available_at = _later()
        db.session.commit()
        assert outbox.run_due() == {}
        assert outbox.run_due(now=_later() + timedelta(seconds=1)) == {"done": 2}
        assert get_gateway().card(card_id)["name"] == "second"


def test_worker_command_drains_the_outbox(app, runner, sandbox):
    card_id = _card(app)
    with app.app_context():
        queue_update_card(current_programme(), card_id, desc="from the worker")
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 done" in result.output
    with app.app_context():
        assert get_gateway().card(card_id)["desc"] == "from the worker"


def _database_gone(*args, **kwargs):
    """What run_due raises while the database is unreachable."""
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_a_worker_pass_that_fails_is_reported_and_the_worker_carries_on(
    app, runner, sandbox, monkeypatch
):
    from app.worker import commands

    passes = iter([_database_gone, lambda **kw: {"done": 1}, lambda **kw: {}])
    monkeypatch.setattr(outbox, "run_due", lambda **kw: next(passes)(**kw))
    sleeps = []

    def sleep(seconds):
        """Stand in for the idle wait; the second one stops the worker, as SIGTERM would."""
        sleeps.append(seconds)
        if len(sleeps) == 2:
            signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)

    monkeypatch.setattr(commands.time, "sleep", sleep)
    result = runner.invoke(args=["worker", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "Worker pass failed, trying again: OperationalError" in result.output
    assert "Outbox: 1 done" in result.output and "Worker stopped" in result.output
    assert len(sleeps) == 2


def test_worker_once_exits_non_zero_when_its_pass_fails(app, runner, monkeypatch):
    monkeypatch.setattr(outbox, "run_due", _database_gone)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 1 and "pass failed" in result.output


def _add_operation(app, monkeypatch, name, fn):
    """Let the app's outbox carry out one more operation, for this test only."""
    extra = outbox.Operations()
    extra.register(name)(fn)
    operations = outbox.Operations(app.extensions["outbox_operations"], extra)
    monkeypatch.setitem(app.extensions, "outbox_operations", operations)


def test_a_commit_that_fails_after_the_handler_is_recorded_and_retried(app, sandbox, monkeypatch):
    def duplicate_row(payload, entry=None):
        """A handler whose changes cannot be committed (a unique row added twice)."""
        for _ in range(2):
            db.session.add(
                WebhookEvent(programme_id=entry.programme_id, action_id="d" * 24, payload={})
            )

    _add_operation(app, monkeypatch, "test.duplicate_row", duplicate_row)
    with app.app_context():
        entry = outbox.enqueue(current_programme(), "test.duplicate_row", {})
        db.session.commit()
        assert outbox.run_entry(entry.id) == "pending"
        kept = db.session.get(OutboxEntry, entry.id)
        assert kept.last_error.startswith("IntegrityError") and kept.attempts == 1
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_a_worker_whose_lease_ran_out_does_not_record_over_the_worker_that_took_over(
    app, sandbox, monkeypatch
):
    def overran(payload, entry=None):
        """A handler that runs past its lease: meanwhile another worker claims the entry."""
        db.session.add(
            WebhookEvent(programme_id=entry.programme_id, action_id="e" * 24, payload={})
        )
        with db.engine.begin() as other:
            other.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == entry.id)
                .values(attempts=OutboxEntry.attempts + 1)
            )

    _add_operation(app, monkeypatch, "test.overran", overran)
    with app.app_context():
        entry = outbox.enqueue(current_programme(), "test.overran", {})
        db.session.commit()
        assert outbox.run_entry(entry.id) is None
        kept = db.session.get(OutboxEntry, entry.id)
        assert (kept.status, kept.attempts) == ("running", 2)  # as the other worker left it
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_with_threads_each_programmes_work_runs_beside_the_others(app, sandbox, monkeypatch):
    from app.models import Programme
    from tests.programme_helpers import second_programme

    meeting = threading.Barrier(2, timeout=5)

    def meet(payload, entry=None):
        """Finish only once the other programme's entry is running too (else fail, retried)."""
        meeting.wait()

    _add_operation(app, monkeypatch, "test.meet", meet)
    _, _, second_id = second_programme(app, sandbox, webhook=False)
    with app.app_context():
        for programme in (current_programme(), db.session.get(Programme, second_id)):
            outbox.enqueue(programme, "test.meet", {})
        db.session.commit()
        assert outbox.run_due(threads=2) == {"done": 2}
    assert [status for status, _, _ in _entries(app)] == ["done", "done"]


def test_without_threads_two_programmes_entries_never_run_at_once(app, sandbox, monkeypatch):
    from app.models import Programme
    from tests.programme_helpers import second_programme

    meeting = threading.Barrier(2, timeout=0.5)
    _add_operation(app, monkeypatch, "test.meet", lambda payload, entry=None: meeting.wait())
    _, _, second_id = second_programme(app, sandbox, webhook=False)
    with app.app_context():
        for programme in (current_programme(), db.session.get(Programme, second_id)):
            outbox.enqueue(programme, "test.meet", {})
        db.session.commit()
        assert outbox.run_due() == {"pending": 2}
