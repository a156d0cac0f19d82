"""Faults injected into /1/ calls: a queue for the next few, then a seeded random share."""

import random
import threading
from collections import deque

FAULT_STATUSES = {429, 500, 502, 503, 504}
RANDOM_KINDS = FAULT_STATUSES | {"timeout", "lost-answer"}


class Faults:
    """Failures for /1/ requests: a queue for the next few, then an optional seeded random share."""

    def __init__(self):
        self._queue = deque()
        self._random = None
        self._lock = threading.Lock()

    def add(self, spec):
        """Queue {"status"|"delay"|"late"|"malformed", "count"} or set {"rate", ...}; say what
        is wrong, or None."""
        if "rate" in spec:
            return self._set_random(spec)
        count = spec.get("count", 1)
        if not isinstance(count, int) or count < 1:
            return "count must be a positive integer"
        if "status" in spec and spec["status"] in FAULT_STATUSES:
            fault = {"status": spec["status"]}
        elif isinstance(spec.get("delay"), (int, float)) and spec["delay"] >= 0:
            fault = {"delay": float(spec["delay"])}
        elif isinstance(spec.get("late"), (int, float)) and spec["late"] >= 0:
            fault = {"late": float(spec["late"])}
        elif spec.get("malformed") is True:
            fault = {"malformed": True}
        else:
            return f"give status (one of {sorted(FAULT_STATUSES)}), delay, late or malformed"
        with self._lock:
            self._queue.append({**fault, "count": count})
        return None

    def _set_random(self, spec):
        """Fail a seeded share of every later request: {"rate", "seed", "kinds", "timeout"}."""
        error = random_spec_error(spec)
        if error:
            return error
        with self._lock:
            self._random = RandomFaults(spec)
        return None

    def take(self):
        """Use up one request's worth of the first queued fault, else maybe a random one."""
        with self._lock:
            if not self._queue:
                return self._random.draw() if self._random else None
            fault = self._queue[0]
            fault["count"] -= 1
            if fault["count"] == 0:
                self._queue.popleft()
            return fault

    def clear(self):
        """Forget every queued fault and the random share."""
        with self._lock:
            self._queue.clear()
            self._random = None


def random_spec_error(spec):
    """Return what is wrong with a random-faults spec, or None."""
    rate, seed = spec.get("rate"), spec.get("seed", 0)
    kinds, timeout = spec.get("kinds", [500]), spec.get("timeout", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        return "rate is a share of requests, from 0 to 1"
    if isinstance(seed, bool) or not isinstance(seed, int):
        return "seed is an integer"
    if not isinstance(kinds, list) or not kinds or any(k not in RANDOM_KINDS for k in kinds):
        return f"kinds is a non-empty list of {sorted(RANDOM_KINDS, key=str)}"
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
        return "timeout is a number of seconds"
    return None


class RandomFaults:
    """A seeded draw per request: mostly nothing, else one of the kinds, equally likely."""

    def __init__(self, spec):
        self.rate, self.kinds = float(spec["rate"]), list(spec.get("kinds", [500]))
        self.timeout = float(spec.get("timeout", 1.0))
        self._rng = random.Random(spec.get("seed", 0))

    def draw(self):
        """Return the next request's fault, or None (callers hold the Faults lock)."""
        if self._rng.random() >= self.rate:
            return None
        kind = self._rng.choice(self.kinds)
        if kind == "timeout":
            # Trello never got it: the request hangs past the client's timeout, then is dropped.
            return {"hang": self.timeout}
        if kind == "lost-answer":
            # Trello did the work but the answer came too late: the client saw a timeout.
            return {"late": self.timeout}
        return {"status": kind}
