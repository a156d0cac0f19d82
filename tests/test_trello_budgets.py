"""Trello's two budgets: each token's 100 per 10 s and the API key's 300 per 10 s, which every
board's gateway in the process shares fairly. With a fake clock, then over real HTTP against a
stub that knows several tokens on one key (tests/trello_key_stub.py says why not the sandbox)."""

import heapq
import threading

import pytest
import requests

from app.trello.gateway import TrelloError, TrelloGateway
from app.trello.throttle import (
    KEY_LIMIT_ERROR,
    TOKEN_LIMIT_ERROR,
    Throttle,
    Ticket,
    WindowBudget,
    digest,
    limit_error,
    shared_key_budget,
)
from tests.test_trello_gateway import FakeClock, busiest_window
from tests.trello_key_stub import API_KEY, KeyStub, Windows, stub_token

KEY_REMAINING = "x-rate-limit-api-key-remaining"
KEY_INTERVAL = "x-rate-limit-api-key-interval-ms"


def gateways_throttles(count, clock, key_limit=300, token_limit=100):
    """Return count throttles, one per token, sharing one key budget on the fake clock."""
    key = WindowBudget(key_limit, 10.0, clock=clock)
    return [
        Throttle(token_limit, 10.0, clock=clock, sleep=clock.sleep, key_budget=key, party=f"t{n}")
        for n in range(count)
    ]


def simulate(throttles, work, workers, clock, duration=0.05, until=float("inf")):
    """Run each throttle's work (requests) from its workers (threads), in simulated time.

    Every worker takes a place in each budget as Throttle.slot does, holds it for one request
    of `duration` seconds, then starts its next request. Return {index: [answer times]}.
    """
    left, done = list(work), {n: [] for n in range(len(throttles))}
    events, seq = [], 0

    def at(when, what):
        nonlocal seq
        seq += 1
        heapq.heappush(events, (when, seq, what))

    for n, count in enumerate(workers):
        for _ in range(count):
            at(clock.now, {"n": n, "tickets": None})
    while events:
        when, _, worker = heapq.heappop(events)
        if when > until:
            break
        clock.now = when
        throttle = throttles[worker["n"]]
        if worker.get("answering"):
            for budget, ticket in worker["tickets"]:
                budget.release(ticket)
            done[worker["n"]].append(clock.now)
            worker.update(answering=False, tickets=None)
        if worker["tickets"] is None:
            if not left[worker["n"]]:
                continue
            left[worker["n"]] -= 1
            worker["tickets"] = [(b, Ticket(throttle.party)) for b in throttle._budgets()]
        wait = 0
        for budget, ticket in worker["tickets"]:
            if ticket.state != "held" and (wait := budget.try_take(ticket)) > 0:
                break
        if wait > 0:
            at(clock.now + wait, worker)
        else:
            worker["answering"] = True
            at(clock.now + duration, worker)
    return done


# --- The shared key window ---------------------------------------------------------------


def test_gateways_on_one_key_together_stay_under_its_300_per_10_seconds():
    clock = FakeClock()
    throttles = gateways_throttles(6, clock)
    done = simulate(throttles, [200] * 6, [2] * 6, clock)
    answers = [t for times in done.values() for t in times]
    assert len(answers) == 1200
    assert busiest_window(answers, 10.0) <= 300 - 15  # Trello's 300 less 5% headroom
    assert all(busiest_window(times, 10.0) <= 95 for times in done.values())
    # Still close to the key's rate: 1,200 at 285 per 10.1 s is four windows and a bit.
    assert max(answers) - 1000.0 <= 5 * 10.1


def test_each_gateway_keeps_its_own_token_budget_on_the_shared_key():
    clock = FakeClock()
    throttles = gateways_throttles(2, clock)
    done = simulate(throttles, [300, 300], [4, 4], clock)
    # Two tokens use less than the key allows: each runs at its own token's full rate.
    for times in done.values():
        assert busiest_window(times, 10.0) <= 95
        assert max(times) - 1000.0 <= 3 * 10.1 + 1


def test_a_lone_token_gets_its_full_token_rate_through_the_key_budget():
    clock = FakeClock()
    alone = gateways_throttles(1, clock)
    done = simulate(alone, [300], [1], clock, duration=0.0)
    times = done[0]
    # 95 per 10.1 s, as with no key budget at all: the fourth window ends the 300.
    assert busiest_window(times, 10.0) == 95
    assert max(times) - 1000.0 <= 3 * 10.1 + 0.1


def test_shared_key_budget_is_one_per_key_and_clock():
    clock = FakeClock()
    first = shared_key_budget("key-one", clock=clock)
    assert shared_key_budget("key-one", clock=clock) is first
    assert shared_key_budget("key-two", clock=clock) is not first
    gateway_a = TrelloGateway("key-one", "token-a", "http://127.0.0.1:9/1", "b", clock=clock)
    gateway_b = TrelloGateway("key-one", "token-b", "http://127.0.0.1:9/1", "b", clock=clock)
    assert gateway_a.throttle.key_budget is gateway_b.throttle.key_budget
    assert gateway_a.throttle.token_budget is not gateway_b.throttle.token_budget
    # Parties are digests: a token is never kept as a name in the shared budget.
    assert gateway_a.throttle.party == digest("token-a") != "token-a"
    assert gateway_a.throttle.key_budget.limit == 300 - 15


# --- Fair share between boards ---------------------------------------------------------


def test_ten_boards_with_work_queued_each_get_a_fair_share_of_the_key():
    clock = FakeClock()
    throttles = gateways_throttles(10, clock)
    # One busy board sends from 8 threads, the others from 1 or 2: per board, not per thread.
    workers = [8, 1, 1, 2, 1, 2, 1, 1, 2, 1]
    done = simulate(throttles, [1000] * 10, workers, clock, duration=0.05, until=1000.0 + 60.6)
    counts = [len(times) for times in done.values()]
    fair = sum(counts) / 10
    assert sum(counts) >= 6 * 285  # the key kept busy: six windows' worth in 60 s
    assert all(abs(count - fair) <= 0.1 * fair for count in counts), counts


def test_without_turns_the_busy_board_would_take_more_than_its_share():
    """The check above can fail: with every board one party (first come, first served, no
    fair share), the board with most threads takes most of the key."""
    clock = FakeClock()
    throttles = [Throttle(100, 10.0, clock=clock, sleep=clock.sleep) for _ in range(10)]
    key = WindowBudget(300, 10.0, clock=clock)
    for throttle in throttles:
        throttle.key_budget, throttle.party = key, "same"  # every board one party: no turns
    workers = [8, 1, 1, 2, 1, 2, 1, 1, 2, 1]
    done = simulate(throttles, [1000] * 10, workers, clock, duration=0.05, until=1000.0 + 60.6)
    counts = [len(times) for times in done.values()]
    assert counts[0] > 1.5 * sum(counts) / 10


def test_a_board_with_little_work_gets_it_all_done_while_a_busy_one_waits():
    clock = FakeClock()
    throttles = gateways_throttles(3, clock, key_limit=120, token_limit=100)
    done = simulate(throttles, [10_000, 10_000, 30], [8, 8, 1], clock, until=1000.0 + 30.5)
    # The small board's 30 are all answered within the first windows, not after the busy ones.
    assert len(done[2]) == 30
    assert max(done[2]) - 1000.0 <= 10.1 + 1


def test_a_request_that_gives_up_waiting_leaves_no_place_behind():
    clock = FakeClock()
    key = WindowBudget(20, 10.0, clock=clock)
    throttle = Throttle(100, 10.0, clock=clock, sleep=clock.sleep, key_budget=key, party="a")
    for _ in range(19):
        with throttle.slot():
            pass

    def give_up(seconds):
        raise TimeoutError

    throttle._sleep = give_up
    with pytest.raises(TimeoutError):
        with throttle.slot():
            pass
    assert key.waiting() == {}
    assert len(throttle.token_budget._held) == 19  # the token's place given back too


# --- Trello's headers and 429s -----------------------------------------------------------


def test_low_key_allowance_in_one_boards_answer_slows_every_board_on_the_key():
    clock = FakeClock()
    first, second = gateways_throttles(2, clock)
    first.observe({KEY_REMAINING: "3", KEY_INTERVAL: "10000"})  # another deployment uses it
    with second.slot():
        pass
    assert clock.now - 1000.0 == pytest.approx(2.5)  # 3 left: spread over the interval
    assert first.last_headers[KEY_REMAINING] == "3"


def test_plenty_of_key_allowance_keeps_full_speed():
    clock = FakeClock()
    first, second = gateways_throttles(2, clock)
    first.observe({KEY_REMAINING: "200", KEY_INTERVAL: "10000"})
    for _ in range(50):
        with second.slot():
            pass
    assert clock.sleeps == []


def test_a_key_429_holds_back_every_board_on_the_key_and_backs_off_further_if_repeated():
    clock = FakeClock()
    first, second = gateways_throttles(2, clock)
    first.rate_limited(KEY_LIMIT_ERROR)  # no headers at all on this answer
    with second.slot():
        pass
    assert clock.now - 1000.0 == pytest.approx(1.01)  # a tenth of the 10.1 s window
    second.rate_limited(KEY_LIMIT_ERROR)
    with first.slot():
        pass
    assert clock.now - 1000.0 == pytest.approx(1.01 + 2.02)  # doubled: still over
    clock.now += 20  # a quiet spell: the next one starts again from a tenth
    first.rate_limited(KEY_LIMIT_ERROR)
    started = clock.now
    with second.slot():
        pass
    assert clock.now - started == pytest.approx(1.01)


def test_a_token_429_holds_back_no_other_board():
    clock = FakeClock()
    first, second = gateways_throttles(2, clock)
    first.rate_limited(TOKEN_LIMIT_ERROR)
    with second.slot():
        pass
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"error": "API_KEY_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}, KEY_LIMIT_ERROR),
        ({"error": "API_TOKEN_LIMIT_EXCEEDED"}, TOKEN_LIMIT_ERROR),
        (None, TOKEN_LIMIT_ERROR),
        (["not", "a", "dict"], TOKEN_LIMIT_ERROR),
    ],
)
def test_a_429_body_names_which_limit(body, error):
    assert limit_error(body) == error


# --- Over real HTTP: several tokens on one key ----------------------------------------------

# Trello's windows shrunk in proportion: 100 and 300 per 10 s become 10 and 30 per second
# (or per few seconds, where a test must be sure to fill a window however busy the machine).


def small_stub(tokens, window=1.0, **kwargs):
    """A stub that allows 10 calls per token and 30 per key in each window of seconds."""
    return KeyStub(tokens, windows=Windows(token=(10, window), key=(30, window)), **kwargs)


def stub_gateway(stub, token, window=1.0, **options):
    """A gateway on the stub with the same small windows and quick backoff."""
    return TrelloGateway(
        API_KEY,
        token,
        stub.api_base,
        "b",
        backoff_base=0.01,
        rate_limit=10,
        rate_window=window,
        key_rate_limit=30,
        **options,
    )


def run_boards(gateways, writes, threads):
    """Send writes card updates from each gateway, from its number of threads; return failures."""
    failures = []

    def work(gateway, count):
        for n in range(count):
            try:
                gateway.update_card("5a4db0a4d0000000000000c1", desc=f"update {n}")
            except TrelloError as exc:
                failures.append(exc)

    jobs = [
        threading.Thread(target=work, args=(gateway, writes // count))
        for gateway, count in zip(gateways, threads, strict=True)
        for _ in range(count)
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    return failures


def test_five_boards_on_one_key_over_http_meet_no_429():
    tokens = [stub_token(n) for n in range(5)]
    with small_stub(tokens, latency=0.002) as stub:
        gateways = [stub_gateway(stub, token) for token in tokens]  # this process's key budget
        assert len({id(gateway.throttle.key_budget) for gateway in gateways}) == 1
        failures = run_boards(gateways, 24, [4, 1, 1, 2, 1])
    assert failures == []
    assert stub.statuses() == [200] * 120
    assert all(stub.statuses(token) == [200] * 24 for token in tokens)


def test_without_the_shared_key_budget_the_same_boards_meet_the_keys_429():
    """The test above can fail: a budget per gateway (as before) overruns the key."""
    tokens = [stub_token(n) for n in range(5)]
    with small_stub(tokens, window=5.0) as stub:
        gateways = [
            stub_gateway(stub, token, 5.0, max_retries=0, key_budget=WindowBudget(10**6))
            for token in tokens
        ]
        failures = run_boards(gateways, 9, [1] * 5)
    assert KEY_LIMIT_ERROR in [entry[5] for entry in stub.log]
    assert {exc.status for exc in failures} == {429}


def use_key_elsewhere(stub, tokens, each):
    """Send each token's calls at once from another client, whose use our budgets cannot see."""
    for token in tokens:
        for _ in range(each):
            answer = requests.get(
                f"{stub.api_base}/cards/c", params={"key": API_KEY, "token": token}
            )
            assert answer.status_code == 200


def test_a_board_slows_when_the_key_headers_say_another_deployment_uses_the_key():
    strangers = [stub_token(n) for n in (7, 8, 9)]
    ours = stub_token(1)
    with small_stub([ours, *strangers]) as stub:
        use_key_elsewhere(stub, strangers, 9)  # 27 of the key's 30
        gateway = stub_gateway(stub, ours, key_budget=WindowBudget(30, 1.0))
        for n in range(10):
            gateway.update_card("5a4db0a4d0000000000000c1", desc=f"update {n}")
    assert stub.statuses(ours) == [200] * 10
    assert gateway.session.counters["rate_limited"] == 0


def test_a_key_429_to_one_board_holds_back_another_board_on_the_key():
    strangers = [stub_token(n) for n in (7, 8, 9)]
    first, second = stub_token(1), stub_token(2)
    with small_stub([first, second, *strangers], window=3.0) as stub:
        use_key_elsewhere(stub, strangers, 10)  # the key's whole 30
        key = WindowBudget(30, 3.0)
        one, two = (
            stub_gateway(stub, t, 3.0, key_budget=key, max_retries=0) for t in (first, second)
        )
        with pytest.raises(TrelloError) as raised:
            one.card("5a4db0a4d0000000000000c1")
        assert raised.value.status == 429
        two.card("5a4db0a4d0000000000000c1")  # waits for the key, rather than meet a 429
    assert stub.statuses(first) == [429]
    assert stub.statuses(second) == [200]
    assert [entry[5] for entry in stub.log if entry[1] == first] == [KEY_LIMIT_ERROR]


def test_gateways_on_the_sandbox_share_the_key_budget_and_read_its_headers(sandbox):
    one = TrelloGateway(sandbox.key, sandbox.token, sandbox.api_base, sandbox.board_id)
    two = TrelloGateway(sandbox.key, sandbox.token, sandbox.api_base, sandbox.board_id)
    assert one.throttle.key_budget is two.throttle.key_budget
    one.lists()
    two.lists()
    assert two.throttle.last_headers["x-rate-limit-api-key-max"] == "300"
    assert two.throttle.last_headers[KEY_REMAINING] == "298"
    assert len(one.throttle.key_budget._held) >= 2
