"""What the fault suite shares: the worker as a real process, the outbox state, mail counts."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from app import create_app
from app.db import db
from app.models import OutboxEntry, current_programme
from app.rounds.service import confirm_round
from tests.round_helpers import add_people, board_snapshot
from tests.support import UNTHROTTLED, drain, outbox_states, set_up_board

ROOT = Path(__file__).resolve().parents[1]
_REFERENCES = {}


def start_round(app, sandbox, people, seed):
    """Add people with their cards and store a round; the outbox does the rest."""
    add_people(app, sandbox, people)
    with app.app_context():
        confirm_round(current_programme(), seed)


def reference_board(app, sandbox, template, tmp_path, people, seed):
    """Return the board an uninterrupted, fault-free round leaves (computed once per size and
    seed on a SQLite copy of its own); the sandbox is reset afterwards."""
    if (people, seed) not in _REFERENCES:
        path = tmp_path / f"reference-{people}-{seed}.sqlite3"
        shutil.copy(template, path)
        config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TRELLO_RATE_LIMIT": UNTHROTTLED}
        reference = create_app({**app.config, **config})
        set_up_board(reference, sandbox)
        start_round(reference, sandbox, people, seed)
        drain(reference)
        with reference.app_context():
            db.session.remove()
            db.engine.dispose()
        _REFERENCES[(people, seed)] = board_snapshot(sandbox)
        sandbox.control("reset")
    return _REFERENCES[(people, seed)]


def worker_env(app, sandbox, **settings):
    """Return the environment a worker process needs to share the test app's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRELLO_", "DATABASE_"))}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=app.config["SECRET_KEY"],
        PUBLIC_URL=app.config["PUBLIC_URL"],
        INSTANCE_PATH=app.instance_path,
        SANDBOX_URL=sandbox.url,
        TRELLO_API_BASE=sandbox.api_base,
        OUTBOX_BACKOFF_SECONDS="0",
        LOG_LEVEL="ERROR",
    )
    env.update({name: str(value) for name, value in settings.items()})
    return env


def start_worker(env):
    """Start `flask --app app worker` polling often; its output is not wanted."""
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.05"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop_worker(process):
    """Ask a worker to stop after its current pass, as the Procfile's platform would."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def wait_until(predicate, seconds=60.0, pause=0.02):
    """Poll until predicate() is true; fail the test with its last value when time runs out."""
    deadline = time.monotonic() + seconds
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: last value {value!r}")
        time.sleep(pause)
    return value


def outbox_drained(app):
    """Tell whether every entry has been carried out, none failed and none waits."""
    states = outbox_states(app)
    return set(states) <= {"done"}


def introductions_by_recipient(mails, round_number=1):
    """Return Counter({address: introductions received}) for one round."""
    prefix = f"UnMentoring round {round_number}: meet "
    return Counter(m["to"] for m in mails if m["subject"].startswith(prefix))


def repeated_sends(mails):
    """Return how many times mails were sent again under a Message-ID already received (the
    sandbox keeps one copy, as Gmail does, but counts every send in `received`)."""
    return sum(m["received"] - 1 for m in mails)


def work_done(app, sandbox, writes_before):
    """Count the round's work done so far: board writes the sandbox saw plus mails recorded."""
    writes = sum(1 for c in sandbox.requests()[writes_before:] if c["method"] != "GET")
    with app.app_context():
        mails = db.session.scalar(
            select(func.count()).where(
                OutboxEntry.operation == "mail.send", OutboxEntry.status == "done"
            )
        )
    return writes + mails
