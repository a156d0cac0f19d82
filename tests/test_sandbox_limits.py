"""Rate limits as Trello enforces them, and the injected faults that imitate an unwell Trello."""

import time

import pytest
import requests

from trello_sandbox.rate_limits import RateLimiter

KEY, TOKEN = "k", "t"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_101st_request_in_ten_seconds_gets_429_with_trellos_body_and_headers(sandbox):
    path = f"/boards/{sandbox.board_id}/lists"
    remaining = [
        int(sandbox.api("GET", path).headers["x-rate-limit-api-token-remaining"])
        for _ in range(100)
    ]
    assert remaining == list(range(99, -1, -1))
    refused = sandbox.api("GET", path)
    assert refused.status_code == 429
    assert refused.json() == {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    assert refused.headers["x-rate-limit-api-token-max"] == "100"
    assert refused.headers["x-rate-limit-api-token-interval-ms"] == "10000"
    assert refused.headers["x-rate-limit-api-token-remaining"] == "0"
    assert refused.headers["x-rate-limit-api-key-remaining"] == "200"


def test_rate_limits_can_be_switched_off_and_reset_puts_them_back(sandbox):
    sandbox.control("rate-limits", enabled=False)
    path = f"/boards/{sandbox.board_id}/labels"
    assert {sandbox.api("GET", path).status_code for _ in range(105)} == {200}
    sandbox.control("reset")
    assert sandbox.api("GET", path).headers["x-rate-limit-api-token-remaining"] == "99"


def test_rejected_requests_do_not_use_up_the_window():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    for _ in range(50):
        limiter.hit(KEY, TOKEN)
    clock.now += 5
    for _ in range(50):
        limiter.hit(KEY, TOKEN)
    clock.now += 1
    assert all(limiter.hit(KEY, TOKEN)[0] == "API_TOKEN_LIMIT_EXCEEDED" for _ in range(10))
    clock.now += 4.5  # the first 50 have left the window; the 10 refused never entered it
    error, headers = limiter.hit(KEY, TOKEN)
    assert error is None and headers["x-rate-limit-api-token-remaining"] == "49"


def test_key_limit_spans_tokens_and_members_routes_have_their_own_900_second_window():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    for index in range(300):
        assert limiter.hit(KEY, f"token-{index % 3}")[0] is None
    assert limiter.hit(KEY, "token-4")[0] == "API_KEY_LIMIT_EXCEEDED"

    members = RateLimiter(clock=clock)
    for _ in range(10):
        for _ in range(10):
            assert members.hit(KEY, TOKEN, members_route=True)[0] is None
        clock.now += 11  # stay under 100 per 10 s; only the 900 s window fills
    assert members.hit(KEY, TOKEN, members_route=True)[0] == "API_TOKEN_LIMIT_EXCEEDED"
    assert members.hit(KEY, TOKEN)[0] is None
    clock.now += 900
    assert members.hit(KEY, TOKEN, members_route=True)[0] is None


def test_status_faults_answer_the_next_requests_then_stop(sandbox):
    path = f"/boards/{sandbox.board_id}"
    sandbox.control("faults", status=503, count=2)
    sandbox.control("faults", status=429, count=1)
    answers = [sandbox.api("GET", path) for _ in range(4)]
    assert [a.status_code for a in answers] == [503, 503, 429, 200]
    assert answers[0].headers["Content-Type"].startswith("text/plain")
    assert answers[2].json()["error"] == "API_TOKEN_LIMIT_EXCEEDED"
    assert [r["status"] for r in sandbox.requests()] == [503, 503, 429, 200]
    assert [r["fault"] for r in sandbox.requests()] == [503, 503, 429, None]


def test_malformed_and_delay_faults_break_the_body_and_provoke_timeouts(sandbox):
    path = f"/boards/{sandbox.board_id}"
    sandbox.control("faults", malformed=True)
    broken = sandbox.api("GET", path)
    assert broken.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        broken.json()
    sandbox.control("faults", delay=0.5)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        sandbox.api("GET", path, timeout=0.2)
    assert time.monotonic() - started < 0.45
    # The server still answers once the delay is over; wait, so the next test's log stays clean.
    while len(sandbox.requests()) < 2:
        time.sleep(0.05)
    assert sandbox.requests()[-1]["status"] == 200
    refused = requests.post(
        f"{sandbox.url}/sandbox/control/faults", json={"status": 418}, timeout=5
    )
    assert refused.status_code == 400
