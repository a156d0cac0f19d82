"""10 boards on one API key, each making 200 card writes at once: the shared key budget versus
the per-token throttle alone (the code before it), against Trello's documented windows.

The sandbox knows one token, so this runs against tests/trello_key_stub.py: a local HTTP stub
that knows ten tokens on one key and counts every call in the sandbox's windows (100 per 10 s
per token, 300 per 10 s per key, from trello_sandbox/rate_limits.py), answering 429 with
Trello's body and headers over the limit. It does not model Trello's rule that more than 200
429s on a key in one window earn 429s for the rest of it, which would only make the baseline
worse. bench_programmes runs whole rounds through the app and its worker on the sandbox, which
now issues tokens per member; this one stays for what that does not show: the throttle before
the key budget meeting 429s, and boards sending from several threads at once.
"""

import logging
import threading
import time
from contextlib import contextmanager

from app.trello.gateway import TrelloError, TrelloGateway
from app.trello.throttle import INF, RATE_HEADERS, TOKEN_HEADER, WindowBudget
from tests.trello_key_stub import API_KEY, KeyStub, stub_token

BOARDS = 10
WRITES = 200  # per board: a 200-person round's card writes
# Threads per board: most send one write at a time, as one worker does; two send from several
# at once, so that a board's share is per board, not per thread.
THREADS = [4, 1, 1, 1, 1, 2, 1, 1, 1, 1]
KEY_PER_SECOND = 300 / 10.0
FLOOR_SECONDS = BOARDS * WRITES / KEY_PER_SECOND
FAIR_PER_SECOND = KEY_PER_SECOND / BOARDS
LATENCY = 0.01  # each answer's round trip, as to a nearby Trello
CARD = "5a4db0a4d0000000000000c1"


class HeadThrottle:
    """The throttle as it was before the key budget (git history: app/trello/throttle.py), kept
    here unchanged as the baseline: one sliding window per gateway, token headers only."""

    def __init__(self, limit=100, window=10.0, *, clock=time.monotonic, sleep=time.sleep):
        self.headroom = max(1, limit // 20)
        self.limit, self.window = limit - self.headroom, window + 0.1
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._stamps = []
        self._not_before = 0.0
        self.last_headers = {}

    @contextmanager
    def slot(self):
        stamp = [INF]
        while (wait := self._try_take(stamp)) > 0:
            self._sleep(wait)
        try:
            yield
        finally:
            stamp[0] = self._clock()

    def _try_take(self, stamp):
        with self._lock:
            now = self._clock()
            self._stamps = [s for s in self._stamps if s[0] > now - self.window]
            wait = self._not_before - now
            if len(self._stamps) >= self.limit:
                oldest = min(s[0] for s in self._stamps)
                expiry = oldest + self.window - now if oldest < INF else 0.05
                wait = max(wait, expiry, 0.001)
            if wait <= 0:
                self._stamps.append(stamp)
            return wait

    def observe(self, headers):
        seen = {k.lower(): v for k, v in headers.items() if k.lower().startswith(RATE_HEADERS)}
        if seen:
            self.last_headers = seen
        try:
            remaining = int(headers[TOKEN_HEADER + "remaining"])
            interval = int(headers.get(TOKEN_HEADER + "interval-ms", 10_000)) / 1000
        except (KeyError, ValueError):
            return
        if remaining >= self.headroom:
            return
        with self._lock:
            pause_until = self._clock() + interval / (remaining + 1)
            self._not_before = max(self._not_before, pause_until)

    def rate_limited(self, error):
        """The code before did nothing more on a 429 than retry it."""


def shared_key_gateways(stub, tokens):
    """Gateways as this code makes them: one key budget shared by all (a fresh process's)."""
    key = WindowBudget(300, 10.0)
    return [TrelloGateway(API_KEY, t, stub.api_base, "b", key_budget=key) for t in tokens]


def head_gateways(stub, tokens):
    """Gateways as the code before made them: a throttle per gateway and nothing per key."""
    gateways = [TrelloGateway(API_KEY, t, stub.api_base, "b") for t in tokens]
    for gateway in gateways:
        gateway.throttle = gateway.session.throttle = HeadThrottle()
    return gateways


SCENARIOS = {
    "shared key budget, fair share": shared_key_gateways,
    "per-token throttle only (before)": head_gateways,
}


def send(gateways):
    """Send every board's writes from its threads at once; return the failures per board."""
    failed = [0] * len(gateways)

    def work(n, count):
        for i in range(count):
            try:
                gateways[n].update_card(CARD, desc=f"write {i}")
            except TrelloError:
                failed[n] += 1

    jobs = [
        threading.Thread(target=work, args=(n, WRITES // threads))
        for n, threads in enumerate(THREADS)
        for _ in range(threads)
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    return failed


def worst_lag(times, started):
    """Return the worst, over a board's writes, of how long its first k took over how long k
    take at a fair share of the key (a tenth of 30 per second): 1 is exactly its share."""
    return max((t - started) / (k / FAIR_PER_SECOND) for k, t in enumerate(sorted(times), start=1))


def measure(name, make):
    """Run one scenario on a fresh stub (fresh windows); return its row."""
    tokens = [stub_token(n) for n in range(BOARDS)]
    quiet = logging.getLogger("app.trello")
    level, _ = quiet.level, quiet.setLevel(logging.ERROR)  # the table counts the retries
    try:
        with KeyStub(tokens, latency=LATENCY) as stub:
            gateways = make(stub, tokens)
            started = time.monotonic()
            failed = send(gateways)
            elapsed = time.monotonic() - started
    finally:
        quiet.setLevel(level)
    done = {t: [e[0] for e in stub.log if e[1] == t and e[4] == 200] for t in tokens}
    lags = [worst_lag(times, started) for times in done.values() if times]
    return {
        "scenario": name,
        "requests": len(stub.log),
        "429s": sum(e[4] == 429 for e in stub.log),
        "key 429s": sum(e[5] == "API_KEY_LIMIT_EXCEEDED" for e in stub.log),
        "retries": sum(g.session.counters["retries"] for g in gateways),
        "failed": sum(failed),
        "seconds": round(elapsed, 2),
        "x floor": round(elapsed / FLOOR_SECONDS, 3),
        "worst lag x fair": round(max(lags), 2) if len(lags) == BOARDS else "a board did none",
        "boards' finish (s)": "-".join(
            f"{max(times) - started:.0f}" if times else "-" for times in done.values()
        ),
    }


def run():
    """Run both scenarios; ours must meet no 429, lose nothing, and keep every board fair."""
    rows = []
    for name, make in SCENARIOS.items():
        print(f"  {name}: {BOARDS} boards x {WRITES} writes ...", flush=True)
        rows.append(measure(name, make))
        print(f"    {rows[-1]}", flush=True)
    ours, before = rows
    ok = (
        ours["429s"] == 0
        and ours["failed"] == 0
        and ours["requests"] == BOARDS * WRITES
        and ours["x floor"] <= 1.15
        and isinstance(ours["worst lag x fair"], float)
        and ours["worst lag x fair"] <= 1.5
    )
    verdict = (
        f"shared key budget: {ours['requests']} requests, {ours['429s']} 429s, "
        f"{ours['seconds']} s = {ours['x floor']} x the {FLOOR_SECONDS:.1f} s per-key floor, "
        f"worst board {ours['worst lag x fair']} x its fair share; before: "
        f"{before['429s']} 429s ({before['key 429s']} for the key), {before['failed']} lost, "
        f"{before['seconds']} s, worst board {before['worst lag x fair']} x"
    )
    summary = {
        "measure": f"{BOARDS} boards x {WRITES} writes, one key",
        "ours": f"{ours['429s']} 429s, {ours['x floor']} x floor, lag {ours['worst lag x fair']}",
        "baseline": f"{before['429s']} 429s, {before['failed']} lost, {before['x floor']} x floor",
    }
    return {
        "rows": rows,
        "ok": ok,
        "verdict": verdict,
        "floor_seconds": FLOOR_SECONDS,
        "summary": summary,
    }
