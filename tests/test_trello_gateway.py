"""The Trello gateway: throttle, retries, errors and request shape, against the real sandbox."""

import threading
import time
import traceback

import pytest
from flask import Flask

from app import trello
from app.trello.gateway import TrelloError, TrelloGateway, service_gateway
from app.trello.http import TrelloSession, backoff_delay, query_not_body
from app.trello.throttle import Throttle

TOKEN_REMAINING = "x-rate-limit-api-token-remaining"


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def busiest_window(times, window):
    """Return the largest number of times that fall within any span of window seconds."""
    times, best, start = sorted(times), 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def run_requests(throttle, clock, count, duration=0.0):
    """Pass count requests through the throttle; return when each one was sent."""
    sent = []
    for _ in range(count):
        with throttle.slot():
            sent.append(clock())
            clock.now += duration
    return sent


# --- Throttle, with a fake clock --------------------------------------------------------


@pytest.mark.parametrize("duration", [0.0, 0.05, 0.7])
def test_throttle_never_lets_101_requests_into_any_10_second_window(duration):
    clock = FakeClock()
    throttle = Throttle(100, 10.0, clock=clock, sleep=clock.sleep)
    sent = run_requests(throttle, clock, 1000, duration)
    assert busiest_window(sent, 10.0) <= 100
    # Each request counts until its answer: answers also stay under 100 per window.
    assert busiest_window([t + duration for t in sent], 10.0) <= 100


def test_throttle_still_runs_close_to_the_limit():
    clock = FakeClock()
    throttle = Throttle(100, 10.0, clock=clock, sleep=clock.sleep)
    sent = run_requests(throttle, clock, 300)
    # 300 at 100 per 10 s: bursts at 0, 10 and 20 s; the 5% headroom adds a fourth at ~30 s.
    assert 20.0 <= sent[-1] - sent[0] <= 31.0


def test_throttle_slows_down_when_trello_reports_little_allowance_left():
    clock = FakeClock()
    throttle = Throttle(100, 10.0, clock=clock, sleep=clock.sleep)
    run_requests(throttle, clock, 3)
    throttle.observe({TOKEN_REMAINING: "1", "x-rate-limit-api-token-interval-ms": "10000"})
    sent = run_requests(throttle, clock, 1)
    assert sent[0] - 1000.0 >= 5.0  # 1 left: spread over the 10 s interval


def test_throttle_keeps_full_speed_while_trello_reports_plenty_left():
    clock = FakeClock()
    throttle = Throttle(100, 10.0, clock=clock, sleep=clock.sleep)
    throttle.observe({TOKEN_REMAINING: "60"})
    throttle.observe({"content-type": "application/json"})
    run_requests(throttle, clock, 50)
    assert clock.sleeps == []


def test_throttle_keeps_the_latest_rate_limit_headers_trello_sent(sandbox):
    gateway = TrelloGateway(sandbox.key, sandbox.token, sandbox.api_base, sandbox.board_id)
    assert gateway.throttle.last_headers == {}
    gateway.lists()
    first = gateway.throttle.last_headers
    assert first[TOKEN_REMAINING] == "99" and first["x-rate-limit-api-key-max"] == "300"
    gateway.throttle.observe({"content-type": "application/json"})  # an answer without them
    assert gateway.throttle.last_headers == first
    gateway.lists()
    assert gateway.throttle.last_headers[TOKEN_REMAINING] == "98"


def test_throttle_is_shared_by_every_thread_of_the_process():
    throttle = Throttle(40, 0.3)
    sent, lock = [], threading.Lock()

    def worker():
        for _ in range(15):
            with throttle.slot():
                with lock:
                    sent.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 120
    assert busiest_window(sent, 0.3) <= 40


def test_backoff_doubles_each_retry_with_jitter_and_a_cap():
    low = [backoff_delay(n, base=0.5, rand=lambda: 0.0) for n in range(4)]
    high = [backoff_delay(n, base=0.5, rand=lambda: 1.0) for n in range(4)]
    assert low == [0.25, 0.5, 1.0, 2.0]
    assert high == [0.5, 1.0, 2.0, 4.0]
    assert backoff_delay(20, base=0.5, cap=30.0, rand=lambda: 1.0) == 30.0


# --- Request shape, without the network --------------------------------------------------


def test_both_hard_coded_py_trello_bases_are_rewritten_to_the_configured_one():
    session = TrelloSession("http://127.0.0.1:5001/1/", Throttle())
    assert session.rewrite("https://api.trello.com/1/cards/a") == "http://127.0.0.1:5001/1/cards/a"
    assert session.rewrite("https://trello.com/1/tokens/t/webhooks/") == (
        "http://127.0.0.1:5001/1/tokens/t/webhooks/"
    )
    assert session.rewrite("http://elsewhere.example/x") == "http://elsewhere.example/x"


def test_a_get_body_moves_into_the_query_string():
    params, data, headers = query_not_body(
        {"key": "k"}, '{"fields": "id", "key": "body"}', {"Content-Type": "application/json"}
    )
    assert params == {"key": "k", "fields": "id"}
    assert data is None
    assert headers == {}


# --- Against the sandbox, over real HTTP ---------------------------------------------------


@pytest.fixture
def gateway(sandbox):
    """A gateway on the reset sandbox with quick backoff so retries do not slow the suite."""
    return TrelloGateway(
        sandbox.key,
        sandbox.token,
        sandbox.api_base,
        sandbox.board_id,
        timeout=2.0,
        max_retries=5,
        backoff_base=0.01,
    )


@pytest.fixture
def card(gateway):
    """A card in a fresh list; return (list, card)."""
    trello_list = gateway.create_list("Sign-ups")
    return trello_list, gateway.create_card(trello_list["id"], "Ada Lovelace · Analytical")


def calls(sandbox, method=None, path=None):
    """Return the sandbox's log of /1/ calls, optionally only one method and path."""
    return [
        entry
        for entry in sandbox.requests()
        if method in (None, entry["method"]) and path in (None, entry["path"])
    ]


def wait_for_calls(sandbox, count, method, path, seconds=5.0):
    """Return the logged calls to method and path once count have arrived (or time is up)."""
    deadline = time.monotonic() + seconds
    while len(found := calls(sandbox, method, path)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_a_write_succeeds_once_after_rate_limits_and_server_errors(sandbox, gateway, card):
    trello_list, _ = card
    for status in (429, 429, 503, 500):
        sandbox.control("faults", status=status, count=1)
    made = gateway.create_card(trello_list["id"], "Grace Hopper · Navy")
    assert made["name"] == "Grace Hopper · Navy"
    statuses = [entry["status"] for entry in calls(sandbox, "POST", "/1/cards")]
    assert statuses == [200, 429, 429, 503, 500, 200]  # the first 200 is the fixture's card
    names = [c["name"] for c in sandbox.api("GET", f"/lists/{trello_list['id']}/cards").json()]
    assert names.count("Grace Hopper · Navy") == 1
    assert gateway.session.counters["retries"] == 4
    assert gateway.session.counters["rate_limited"] == 2


def test_server_errors_that_persist_give_up_after_the_configured_retries(sandbox, card):
    _, made = card
    few = TrelloGateway(
        sandbox.key,
        sandbox.token,
        sandbox.api_base,
        sandbox.board_id,
        max_retries=2,
        backoff_base=0.01,
    )
    sandbox.control("faults", status=503, count=10)
    with pytest.raises(TrelloError) as caught:
        few.update_card(made["id"], name="Changed")
    assert caught.value.status == 503 and caught.value.retryable
    assert len(calls(sandbox, "PUT", f"/1/cards/{made['id']}")) == 3


@pytest.mark.slow
def test_more_writes_in_a_row_than_one_window_allows_never_meet_a_rate_limit(
    sandbox, gateway, card
):
    # 150 cross a 10-second window of 100 once; `make bench` sends 300 (bench_gateway).
    _, made = card
    for n in range(150):
        gateway.update_card(made["id"], desc=f"update {n}")
    log = calls(sandbox)
    assert [e for e in log if e["status"] == 429] == []
    assert len(calls(sandbox, "PUT", f"/1/cards/{made['id']}")) == 150
    assert sandbox.api("GET", f"/cards/{made['id']}").json()["desc"] == "update 149"


def test_a_bad_request_surfaces_trellos_message_and_is_not_retried(sandbox, gateway):
    with pytest.raises(TrelloError) as caught:
        gateway.create_card("not-a-list", "Nobody")
    error = caught.value
    assert (error.status, error.message, error.method, error.path) == (
        400,
        "invalid value for idList",
        "POST",
        "/cards",
    )
    assert not error.retryable
    assert len(calls(sandbox, "POST", "/1/cards")) == 1


def test_a_truncated_answer_raises_a_trello_error_saying_so(sandbox, gateway, card):
    _, made = card
    sandbox.control("faults", malformed=True, count=1)
    with pytest.raises(TrelloError) as caught:
        gateway.card(made["id"])
    assert caught.value.status == 200
    assert "not valid JSON" in caught.value.message
    assert caught.value.path == f"/cards/{made['id']}"
    assert len(calls(sandbox, "GET", f"/1/cards/{made['id']}")) == 1


def _impatient_gateway(sandbox):
    """A gateway that gives up on an answer after 0.3 s and retries twice, quickly."""
    return TrelloGateway(
        sandbox.key,
        sandbox.token,
        sandbox.api_base,
        sandbox.board_id,
        timeout=0.3,
        max_retries=2,
        backoff_base=0.01,
    )


def test_a_slow_answer_is_retried(sandbox):
    quick = _impatient_gateway(sandbox)
    sandbox.control("faults", delay=1.0, count=1)
    assert quick.board_state()["id"] == sandbox.board_id
    assert quick.session.counters == {"requests": 2, "rate_limited": 0, "retries": 1}
    assert len(wait_for_calls(sandbox, 2, "GET", f"/1/boards/{sandbox.board_id}")) == 2


def test_a_timeout_that_persists_raises_without_status_or_secrets(sandbox, caplog):
    quick = _impatient_gateway(sandbox)
    sandbox.control("faults", delay=1.0, count=3)
    caplog.set_level("DEBUG", logger="app.trello")
    with pytest.raises(TrelloError) as caught:
        quick.webhooks()  # its path carries the token
    error = caught.value
    assert error.status is None and error.retryable
    assert "no answer within 0.3 s" in error.message
    shown = "".join(traceback.format_exception(error)) + repr(error) + caplog.text
    assert sandbox.key not in shown and sandbox.token not in shown
    assert error.path == "/tokens/***/webhooks"
    assert quick.session.counters["requests"] == 3
    # The sandbox answers each slow call after a second; wait so the log shows all three.
    assert len(wait_for_calls(sandbox, 3, "GET", f"/1/tokens/{sandbox.token}/webhooks")) == 3


def test_no_get_carries_a_body(sandbox, gateway, card):
    _, made = card
    gateway.board_state()
    gateway.lists(filter="all")
    gateway.cards()
    gateway.labels()
    gateway.memberships()
    gateway.webhooks()
    gateway.batch([f"/cards/{made['id']}"])
    gateway.ping()
    # py-trello json-dumps post_args even for GET; they must arrive as the query instead.
    board = gateway._client.fetch_json(f"/boards/{sandbox.board_id}", post_args={"fields": "name"})
    assert set(board) == {"id", "name"}
    gets = calls(sandbox, "GET")
    assert len(gets) == 9
    assert [e for e in gets if e["had_body"] or e["status"] != 200] == []


def test_both_py_trello_bases_reach_the_configured_api(sandbox, gateway, webhook_receiver):
    gateway.me()  # fetch_json: https://api.trello.com/1/
    hook = gateway._client.create_hook(webhook_receiver.url, sandbox.board_id, desc="py-trello")
    # create_hook posts to https://trello.com/1/tokens/{token}/webhooks/ (py-trello 0.20.1).
    assert [e["path"] for e in calls(sandbox)] == [
        "/1/members/me",
        f"/1/tokens/{sandbox.token}/webhooks/",
    ]
    assert [h["id"] for h in gateway.webhooks()] == [hook.id]


def test_update_card_changes_every_field_in_one_put(sandbox, gateway, card):
    _, made = card
    other = gateway.create_list("Matched")
    label = gateway.create_label("Round 1", "green")
    before = len(calls(sandbox))
    updated = gateway.update_card(
        made["id"],
        list_id=other["id"],
        name="Ada L",
        desc="Round 1",
        label_ids=[label["id"]],
        pos="top",
        closed=True,
    )
    assert [(e["method"], e["path"]) for e in calls(sandbox)[before:]] == [
        ("PUT", f"/1/cards/{made['id']}")
    ]
    assert (updated["idList"], updated["name"], updated["desc"]) == (
        other["id"],
        "Ada L",
        "Round 1",
    )
    assert updated["idLabels"] == [label["id"]] and updated["closed"] is True


def test_webhooks_can_be_listed_created_and_deleted(sandbox, gateway, webhook_receiver):
    hook = gateway.create_webhook(webhook_receiver.url, "UnMentoring")
    assert (hook["idModel"], hook["callbackURL"]) == (sandbox.board_id, webhook_receiver.url)
    assert [h["id"] for h in gateway.webhooks()] == [hook["id"]]
    gateway.delete_webhook(hook["id"])
    assert gateway.webhooks() == []


def test_batch_answers_each_route_with_its_status(gateway, card):
    _, made = card
    answers = gateway.batch([f"/cards/{made['id']}", "/cards/5a4db0a4d000000000000999"])
    assert [status for status, _ in answers] == [200, 404]
    assert answers[0][1]["name"] == made["name"]
    with pytest.raises(ValueError):
        gateway.batch([f"/cards/{made['id']}"] * 11)


def test_ping_asks_once_for_the_board_id_and_does_not_retry(sandbox, gateway):
    assert gateway.ping() is True
    sandbox.control("faults", status=503, count=1)
    with pytest.raises(TrelloError) as caught:
        gateway.ping()
    assert caught.value.status == 503
    assert [(e["path"], e["query"], e["status"]) for e in calls(sandbox)] == [
        (f"/1/boards/{sandbox.board_id}", {"fields": "id"}, 200),
        (f"/1/boards/{sandbox.board_id}", {"fields": "id"}, 503),
    ]


def test_init_app_builds_the_gateway_from_config(sandbox):
    app = Flask(__name__)
    app.config.update(
        TRELLO_API_KEY=sandbox.key,
        TRELLO_TOKEN=sandbox.token,
        TRELLO_API_BASE=sandbox.api_base,
        TRELLO_BOARD_ID=sandbox.board_id,
        TRELLO_TIMEOUT=4.0,
        TRELLO_MAX_RETRIES=1,
    )
    trello.init_app(app)
    with app.app_context():
        gateway = service_gateway()
        assert (gateway.session.timeout, gateway.session.max_retries) == (4.0, 1)
        assert gateway.ping() is True
    assert len(calls(sandbox, "GET", f"/1/boards/{sandbox.board_id}")) == 1


def test_a_label_made_can_be_deleted_in_one_call(sandbox, gateway):
    label = gateway.create_label("UnMentoring doctor check")
    before = len(calls(sandbox))
    gateway.delete_label(label["id"])
    assert [(e["method"], e["path"]) for e in calls(sandbox)[before:]] == [
        ("DELETE", f"/1/labels/{label['id']}")
    ]
    assert label["id"] not in [each["id"] for each in gateway.labels()]
