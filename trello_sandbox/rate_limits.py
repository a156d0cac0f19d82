"""Trello's rate limits: sliding windows per token, per key, and for /1/members/ per token."""

import threading
import time
from collections import defaultdict, deque

# developer.atlassian.com/cloud/trello/guides/rest-api/rate-limits: per 10 s, 300 per key and
# 100 per token; /1/members/ has its own 100 per 900 s.
WINDOWS = {"key": (300, 10.0), "token": (100, 10.0), "member": (100, 900.0)}
ERRORS = {"key": "API_KEY_LIMIT_EXCEEDED", "token": "API_TOKEN_LIMIT_EXCEEDED"}


class RateLimiter:
    """Counts requests in sliding windows; rejected requests do not use up a window."""

    def __init__(self, enabled=True, clock=time.monotonic):
        self.enabled, self._clock = enabled, clock
        self._hits = defaultdict(deque)
        self._lock = threading.Lock()

    def reset(self, enabled):
        """Forget every window and switch enforcement on or off."""
        with self._lock:
            self._hits.clear()
            self.enabled = enabled

    def hit(self, key, token, members_route=False):
        """Count one request; return (error code or None, the x-rate-limit headers)."""
        names = [("token", token), ("key", key)] + ([("member", token)] if members_route else [])
        with self._lock:
            windows = {name: self._window(name, value) for name, value in names}
            over = [n for n, hits in windows.items() if len(hits) >= WINDOWS[n][0]]
            if over and self.enabled:
                return ERRORS.get(over[0], ERRORS["token"]), self._headers(windows)
            now = self._clock()
            for hits in windows.values():
                hits.append(now)
            # Limits switched off (demos, bulk test set-up) announce no allowance to slow for.
            return None, self._headers(windows) if self.enabled else {}

    def peek(self, key, token):
        """Return the headers without counting (for answers given before counting)."""
        if not self.enabled:
            return {}
        with self._lock:
            # Read without creating windows, so unknown keys and tokens leave no trace.
            windows = {
                name: self._window(name, value) if (name, value) in self._hits else ()
                for name, value in (("token", token), ("key", key))
            }
            return self._headers(windows)

    def _window(self, name, value):
        """Return the hits of one window with the expired ones dropped."""
        hits = self._hits[(name, value)]
        horizon = self._clock() - WINDOWS[name][1]
        while hits and hits[0] <= horizon:
            hits.popleft()
        return hits

    def _headers(self, windows):
        """Return Trello's x-rate-limit-api-{token,key}-{interval-ms,max,remaining} headers."""
        headers = {}
        for name in ("token", "key"):
            most, seconds = WINDOWS[name]
            prefix = f"x-rate-limit-api-{name}-"
            headers[prefix + "interval-ms"] = str(int(seconds * 1000))
            headers[prefix + "max"] = str(most)
            headers[prefix + "remaining"] = str(max(0, most - len(windows[name])))
        return headers
