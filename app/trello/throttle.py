"""The client-side rate limit: a sliding window over this process's requests on one token,
slowed further when Trello's answers say the token has little allowance left."""

import threading
import time
from contextlib import contextmanager

RATE_HEADERS = "x-rate-limit-"
TOKEN_HEADER = RATE_HEADERS + "api-token-"
INF = float("inf")


class Throttle:
    """Sliding-window limiter shared by every thread that keeps a process under Trello's limit."""

    def __init__(self, limit=100, window=10.0, *, clock=time.monotonic, sleep=time.sleep):
        # Headroom leaves room for calls this process cannot see (another process on the same
        # token) and for clock drift; each request counts from its answer, the latest moment
        # the server can have counted it, so latency never lets the server's window see more.
        self.headroom = max(1, limit // 20)
        self.limit, self.window = limit - self.headroom, window + 0.1
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._stamps = []  # one [time] per request: its answer time, or inf while in flight
        self._not_before = 0.0
        # The x-rate-limit-* headers of the latest answer that had any, for `flask doctor`.
        self.last_headers = {}

    @contextmanager
    def slot(self):
        """Wait for room in the window, hold it for one request, and date it by its answer."""
        stamp = [INF]
        while (wait := self._try_take(stamp)) > 0:
            self._sleep(wait)
        try:
            yield
        finally:
            stamp[0] = self._clock()

    def _try_take(self, stamp):
        """Take a place in the window and return 0, or return how long to wait for one."""
        with self._lock:
            now = self._clock()
            self._stamps = [s for s in self._stamps if s[0] > now - self.window]
            wait = self._not_before - now
            if len(self._stamps) >= self.limit:
                oldest = min(s[0] for s in self._stamps)
                # At least a moment, as rounding can make the oldest look due already;
                # all in flight: poll, since any of them may answer soon.
                expiry = oldest + self.window - now if oldest < INF else 0.05
                wait = max(wait, expiry, 0.001)
            if wait <= 0:
                self._stamps.append(stamp)
            return wait

    def observe(self, headers):
        """Slow down when Trello says this token has little allowance left (others share it)."""
        seen = {k.lower(): v for k, v in headers.items() if k.lower().startswith(RATE_HEADERS)}
        if seen:
            self.last_headers = seen  # one swap of a whole dict: safe across threads
        try:
            remaining = int(headers[TOKEN_HEADER + "remaining"])
            interval = int(headers.get(TOKEN_HEADER + "interval-ms", 10_000)) / 1000
        except (KeyError, ValueError):
            return
        if remaining >= self.headroom:
            return  # our own window already keeps us at or above this
        with self._lock:
            # Spread what is left over the interval; none left waits a whole interval.
            pause_until = self._clock() + interval / (remaining + 1)
            self._not_before = max(self._not_before, pause_until)
