"""REDIS_URL: one Trello budget per token and per API key across processes, and one count for
the web rate limits. Needs Redis at 127.0.0.1:6379 (database 1, flushed around each test;
TEST_REDIS_URL names another); skipped, saying so, where there is none.

Budgets first in one process as two processes would hold them, then in real OS processes
against the sandbox (one token) and the key stub (several tokens on one key), each run beside
its counter-run without Redis, which meets the 429s the shared budget prevents."""

import fcntl
import hashlib
import logging
import multiprocessing
import os
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from app import create_app
from app.config import Config
from app.trello import shared_budget
from app.trello.shared_budget import RedisWindowBudget
from app.trello.throttle import Ticket, WindowBudget
from tests.conftest import _test_config
from tests.shared_budget_child import write_many
from tests.trello_key_stub import API_KEY, KeyStub, Windows, stub_token

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
# Three processes' writes on one token: 150 cross one 10-second window of 100 (as the gateway
# test does), so the suite stays within its time; the bench sends more.
PROCESSES, WRITES = 3, 50


@pytest.fixture
def redis_url():
    """Yield REDIS_URL with its database flushed before and after; skip without Redis.

    A file lock keeps one such test at a time on this machine: xdist's workers would otherwise
    flush the database under each other's counts."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}: the shared budgets need one (set TEST_REDIS_URL)")
    name = hashlib.sha256(REDIS_URL.encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"unmentoring-redis-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        client.flushdb()
        try:
            yield REDIS_URL
        finally:
            client.flushdb()
            client.close()
            fcntl.flock(lock, fcntl.LOCK_UN)


def hammer(budgets, parties, requests, latency=0.005):
    """Send requests from a thread per (budget, party) through its budget as Throttle.slot does;
    return [(party, granted at, answered at)] on this process's clock."""
    done, lock = [], threading.Lock()
    left = {party: requests for party in set(parties)}

    def run(budget, party):
        while True:
            with lock:
                if left[party] == 0:
                    return
                left[party] -= 1
            ticket = Ticket(party)
            while (wait := budget.try_take(ticket)) > 0:
                time.sleep(wait)
            granted = time.monotonic()
            time.sleep(latency)
            answered = time.monotonic()
            budget.release(ticket)
            with lock:
                done.append((party, granted, answered))

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(budgets, parties, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return done


def most_in_a_window(done, window):
    """Return the most requests a server could have counted in any span of window seconds: a
    request arrives between its grant and its answer, so at a grant's moment every request
    granted by then and answered less than a window before may fall in one window with it."""
    return max(
        sum(1 for _, g, a in done if g <= granted and a > granted - window)
        for _, granted, _ in done
    )


# --- Budgets in Redis, as two processes hold them -----------------------------------------------


def test_two_processes_budgets_on_one_token_never_grant_more_than_the_limit(redis_url):
    limit, window = 20, 0.5
    one, two = (RedisWindowBudget(redis_url, "token:t", limit, window) for _ in range(2))
    done = hammer([one, one, two, two], ["b1", "b1", "b1", "b1"], 60)
    assert len(done) == 60 and not one.link.down, "Redis answered throughout"
    assert most_in_a_window(done, window) <= limit

    # Without Redis each process keeps its own window, and together they exceed it.
    one, two = WindowBudget(limit, window), WindowBudget(limit, window)
    assert most_in_a_window(hammer([one, two], ["b1", "b1"], 60), window) > limit


def test_boards_with_work_waiting_share_the_window_fairly_across_processes(redis_url):
    # Board b1 has four threads in one process, b2 one thread in another: while both wait,
    # each gets about half the places, not four to one.
    limit, window = 20, 0.5
    one, two = (RedisWindowBudget(redis_url, "key:k", limit, window) for _ in range(2))
    done = hammer([one, one, one, one, two], ["b1", "b1", "b1", "b1", "b2"], 40)
    first = [party for party, _, _ in sorted(done, key=lambda d: d[1])][:40]
    assert first.count("b2") >= 12, first
    assert most_in_a_window(done, window) <= limit


def test_trellos_headers_and_429s_hold_back_every_process(redis_url):
    one, two = (RedisWindowBudget(redis_url, "key:k", 300, 10.0) for _ in range(2))
    one.observe(remaining=0, interval=10.0)  # one process's answer says none is left
    assert two.try_take(Ticket("b2")) > 9, "the other process waits about a whole interval"
    for client in (one, two):
        client.link.client.flushdb()
    one.over_limit()
    first = two.try_take(Ticket("b2"))
    one.over_limit()  # a second 429 in a row holds back longer
    assert 0 < first < two.try_take(Ticket("b3")) <= two.window


def test_redis_keys_name_a_digest_never_the_token(redis_url):
    token = stub_token(7)
    budget = shared_budget.token_budget(redis_url, token, 100)
    ticket = Ticket("b1")
    assert budget.try_take(ticket) == 0
    keys = [k.decode() for k in budget.link.client.keys("*")]
    assert keys and not [k for k in keys if token in k or token[:20] in k]


def test_redis_going_away_falls_back_to_this_process_with_one_warning(caplog):
    # A port nothing listens on stands for Redis gone mid-run.
    gone = "redis://127.0.0.1:9/1"
    budgets = [
        shared_budget.token_budget(gone, stub_token(1), 10, 0.5),
        shared_budget.key_budget(gone, API_KEY, 30, 0.5),
    ]
    with caplog.at_level(logging.WARNING, logger="app.trello.shared_budget"):
        done = hammer(budgets, ["b1", "b2"], 15)
        budgets[1].observe(0, 0.5)
        budgets[0].over_limit()
    assert len(done) == 30, "every request was still sent, within this process's budgets"
    warnings = [r for r in caplog.records if "Redis cannot be reached" in r.getMessage()]
    assert len(warnings) == 1
    assert "9/1" not in warnings[0].getMessage()


# --- Real processes -----------------------------------------------------------------------------


def run_processes(specs):
    """Run write_many in a spawned OS process per spec, all starting together; return the
    (sent, refused) of each."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=write_many, args=(s, start, results)) for s in specs]
    for process in processes:
        process.start()
    assert [results.get(timeout=60) for _ in processes] == ["ready"] * len(processes)
    start.set()
    outcomes = [results.get(timeout=120)[:2] for _ in processes]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0
    return outcomes


def sandbox_specs(sandbox, card_id, redis_url, max_retries):
    """Return the children's specs: one sandbox token, settings as the app reads them."""
    config = {
        "TRELLO_API_KEY": sandbox.key,
        "TRELLO_TOKEN": sandbox.token,
        "TRELLO_API_BASE": sandbox.api_base,
        "TRELLO_BOARD_ID": sandbox.board_id,
        "TRELLO_MAX_RETRIES": max_retries,
        "REDIS_URL": redis_url,
    }
    return [
        {"config": config, "count": WRITES, "card_id": card_id, "name": f"p{n}"}
        for n in range(PROCESSES)
    ]


def sandbox_card(sandbox):
    """Make a card to update, on a fresh list; return its id."""
    made = sandbox.api("POST", "/lists", params={"name": "Sign-ups", "idBoard": sandbox.board_id})
    card = sandbox.api("POST", "/cards", params={"idList": made.json()["id"], "name": "Ada"})
    return card.json()["id"]


def statuses(sandbox, method="PUT"):
    """Return the statuses the sandbox answered to method, in order."""
    return [e["status"] for e in sandbox.requests() if e["method"] == method]


@pytest.mark.slow
def test_three_processes_on_one_token_share_its_budget_and_meet_no_429(sandbox, redis_url):
    card_id = sandbox_card(sandbox)
    outcomes = run_processes(sandbox_specs(sandbox, card_id, redis_url, max_retries=0))
    answered = statuses(sandbox)
    assert answered.count(429) == 0, Counter(answered)
    assert outcomes == [(WRITES, 0)] * PROCESSES
    # More than one window's worth went through: the processes waited for the window to move
    # on rather than being refused.
    assert answered.count(200) == PROCESSES * WRITES > 100


def test_without_redis_the_same_processes_meet_the_tokens_429(sandbox):
    card_id = sandbox_card(sandbox)
    outcomes = run_processes(sandbox_specs(sandbox, card_id, None, max_retries=0))
    assert sum(refused for _, refused in outcomes) > 0
    assert statuses(sandbox).count(429) > 0


def key_stub_specs(stub, tokens, redis_url):
    """Return the children's specs: a token each on one key, the stub's small windows."""
    specs = []
    for n, token in enumerate(tokens):
        config = {
            "TRELLO_API_KEY": API_KEY,
            "TRELLO_TOKEN": token,
            "TRELLO_API_BASE": stub.api_base,
            "TRELLO_BOARD_ID": "5a4db0a4d0000000000000b1",
            "TRELLO_MAX_RETRIES": 0,
            "REDIS_URL": redis_url,
        }
        specs.append(
            {
                "config": config,
                "count": 30,
                "card_id": "5a4db0a4d0000000000000c1",
                "name": f"p{n}",
                "window": 1.0,
                "token_limit": 20,
                "key_limit": 30,
            }
        )
    return specs


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "per-process"])
def test_processes_on_different_tokens_share_the_keys_budget(request, shared):
    # Three tokens of 20 per second each ask for 60 of the key's 30: only one key budget
    # across the processes keeps them within it; per-process ones meet the key's 429.
    redis_url = request.getfixturevalue("redis_url") if shared else None
    tokens = [stub_token(n) for n in range(PROCESSES)]
    windows = Windows(token=(20, 1.0), key=(30, 1.0))
    with KeyStub(tokens, windows=windows, latency=0.002) as stub:
        outcomes = run_processes(key_stub_specs(stub, tokens, redis_url))
        answered = stub.statuses()
    if shared:
        assert outcomes == [(30, 0)] * PROCESSES
        assert answered.count(429) == 0 and answered.count(200) == 90
    else:
        assert answered.count(429) > 0


# --- Flask-Limiter ------------------------------------------------------------------------------


def two_apps(database_uri, sandbox, monkeypatch, tmp_path, **env):
    """Build two apps (as two web processes) on one database, from the environment given."""
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    apps = [create_app(_test_config(database_uri[0], sandbox, "http://127.0.0.1:9")) for _ in "ab"]
    for app in apps:
        app.config["PARTICIPANT_RATE_LIMIT"] = "3 per minute"
    return apps


def refusals(apps):
    """Send six link requests from one address, alternating between the apps; return which
    were refused (429)."""
    clients = [app.test_client() for app in apps]
    return [clients[n % 2].get("/me/not-a-link").status_code == 429 for n in range(6)]


@pytest.mark.sqlite_only  # the counts live in Redis or memory, not the database
def test_two_web_processes_with_redis_share_one_rate_limit_count(
    database_uri, sandbox, monkeypatch, tmp_path, redis_url
):
    apps = two_apps(database_uri, sandbox, monkeypatch, tmp_path, REDIS_URL=redis_url)
    assert apps[0].config["RATELIMIT_STORAGE_URI"] == redis_url
    assert refusals(apps) == [False, False, False, True, True, True]


@pytest.mark.sqlite_only
def test_with_memory_storage_each_web_process_counts_on_its_own(
    database_uri, sandbox, monkeypatch, tmp_path
):
    # RATELIMIT_STORAGE_URI, when set, wins over REDIS_URL (here one nothing listens on).
    apps = two_apps(
        database_uri,
        sandbox,
        monkeypatch,
        tmp_path,
        REDIS_URL="redis://127.0.0.1:9/1",
        RATELIMIT_STORAGE_URI="memory://",
    )
    assert apps[0].config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert refusals(apps) == [False] * 6


def test_redis_url_is_unset_by_default_and_counts_stay_in_memory(monkeypatch):
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    config = Config()
    assert config.REDIS_URL is None and config.RATELIMIT_STORAGE_URI == "memory://"
