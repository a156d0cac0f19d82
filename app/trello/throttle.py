"""The client-side rate limit: Trello's two budgets, one per token and one per API key.

Trello allows each token 100 requests per 10 s and all the tokens of one API key 300 per 10 s
together (developer.atlassian.com/cloud/trello/guides/rest-api/rate-limits). A gateway takes a
place in its token's budget, then in its key's, which every gateway of the process on that key
shares, granting places in turn to the tokens with requests waiting that hold less than their
fair share, so one busy board cannot starve the others. Both budgets slow down further when
Trello's x-rate-limit-* headers say little is left (another process or deployment uses them
too); the key's also after a 429 that names it.

A budget is the small interface `Budget` below; `WindowBudget` keeps one in this process.
With REDIS_URL set, shared_budget.RedisWindowBudget keeps the same window in Redis, so that
every process on a token or a key shares one budget (the gateway takes both from there).
"""

import hashlib
import threading
import time
import weakref
from collections import Counter, deque
from contextlib import contextmanager

RATE_HEADERS = "x-rate-limit-"
TOKEN_HEADER = RATE_HEADERS + "api-token-"
KEY_HEADER = RATE_HEADERS + "api-key-"
# Trello's 429 bodies: {"error": "API_TOKEN_LIMIT_EXCEEDED"|"API_KEY_LIMIT_EXCEEDED", ...}
KEY_LIMIT_ERROR = "API_KEY_LIMIT_EXCEEDED"
TOKEN_LIMIT_ERROR = "API_TOKEN_LIMIT_EXCEEDED"
KEY_RATE_LIMIT = 300  # per API key per 10 s, three tokens' worth
INF = float("inf")
FAIR_POLL = 0.01  # how often a board over its fair share asks again while others catch up


class Ticket:
    """One request's claim on a budget: queued, then holding a place dated by its answer."""

    __slots__ = ("party", "at", "state", "key")

    def __init__(self, party):
        self.party, self.at, self.state = party, INF, "new"  # new, queued, held, done
        self.key = None  # its name in a shared budget (shared_budget.py), once it has one


class Budget:
    """What the gateway needs of a rate budget; WindowBudget is the in-process one.

    party names who asks (a token's digest, never the token): parties with requests waiting
    take turns, so a party's own waiting requests never let it overtake another's.
    """

    def try_take(self, ticket):
        """Queue the ticket (first call) and return 0 once it holds a place, else the
        seconds to wait before asking again."""
        raise NotImplementedError

    def release(self, ticket, sent=True):
        """The ticket's request was answered (its place now counts from this moment), or was
        never sent (its place, or its turn in the queue, is given back)."""
        raise NotImplementedError

    def observe(self, remaining, interval):
        """Trello said this many requests are left of this budget in an interval of seconds."""
        raise NotImplementedError

    def over_limit(self):
        """Trello answered 429 naming this budget: hold every party back for a while."""
        raise NotImplementedError


class WindowBudget(Budget):
    """A sliding window of requests shared by threads, granted in turn and by fair share
    between parties (boards' tokens); with one party, first come, first served."""

    def __init__(self, limit, window=10.0, *, clock=time.monotonic):
        # Headroom leaves room for calls this process cannot see (another process on the same
        # token or key) and for clock drift; each request counts from its answer, the latest
        # moment the server can have counted it, so latency never lets the server see more.
        self.headroom = max(1, limit // 20)
        self.limit, self.window = limit - self.headroom, window + 0.1
        self._clock = clock
        self._lock = threading.Lock()
        self._held = []  # tickets in the window: dated by their answer, or inf while in flight
        self._queues = {}  # party -> deque of its waiting tickets, oldest first
        self._turns = deque()  # parties with tickets waiting, in the order they get their turn
        self._not_before = 0.0
        self._strikes, self._last_strike = 0, -INF  # 429s in a row naming this budget

    def try_take(self, ticket):
        """Queue the ticket (first call) and return 0 once it holds a place, else the wait."""
        with self._lock:
            now = self._clock()
            if ticket.state == "new":
                ticket.state = "queued"
                if ticket.party not in self._queues:
                    self._queues[ticket.party] = deque()
                    self._turns.append(ticket.party)
                self._queues[ticket.party].append(ticket)
            self._grant(now)
            if ticket.state == "held":
                return 0
            return self._wait(now)

    def _grant(self, now):
        """Give the free places to waiting tickets (callers lock): in turn, one at a time, to a
        party holding less than its fair share of the window. The share is what idle parties
        hold, taken from the window and the rest split evenly between the busy ones, those with
        requests waiting or in flight (max-min fairness): a board that filled the window while
        alone gives way as its places expire, a board with little to do never waits behind a
        busy one, and a board alone has the whole window."""
        self._held = [t for t in self._held if t.at > now - self.window]
        if now < self._not_before:
            return
        held = Counter(t.party for t in self._held)
        while self._turns and len(self._held) < self.limit:
            busy = set(self._queues) | {t.party for t in self._held if t.at == INF}
            idle = sum(n for party, n in held.items() if party not in busy)
            level = (self.limit - idle) / len(busy)
            party = next((p for p in self._turns if held[p] < level), None)
            if party is None:
                # The room is kept for a busy board whose request is in flight and which holds
                # less: it asks again as soon as it is answered (within a request's latency).
                break
            self._turns.remove(party)
            queue = self._queues[party]
            ticket = queue.popleft()
            ticket.state = "held"  # held for it even while its thread sleeps: it is its turn
            self._held.append(ticket)
            held[party] += 1
            if queue:
                self._turns.append(party)
            else:
                del self._queues[party]

    def _wait(self, now):
        """Return how long a ticket left waiting sleeps before it asks again (callers lock)."""
        wait = self._not_before - now
        if len(self._held) >= self.limit:
            oldest = min(t.at for t in self._held)
            # At least a moment, as rounding can make the oldest look due already;
            # all in flight: poll, since any of them may answer soon.
            expiry = oldest + self.window - now if oldest < INF else 0.05
            wait = max(wait, expiry)
        elif wait <= 0:
            wait = FAIR_POLL  # room, but kept for busy boards holding less than this one
        return max(wait, 0.001)

    def release(self, ticket, sent=True):
        """Date a held ticket by its answer (give its place back if never sent); take a
        waiting one out of the queue."""
        with self._lock:
            if ticket.state == "held" and sent:
                ticket.at = self._clock()
            elif ticket.state == "held":
                self._held.remove(ticket)
            elif ticket.state == "queued":
                queue = self._queues.get(ticket.party)
                if queue is not None and ticket in queue:
                    queue.remove(ticket)
                    if not queue:
                        del self._queues[ticket.party]
                        self._turns.remove(ticket.party)
            ticket.state = "done"

    def observe(self, remaining, interval):
        """Spread what Trello says is left over its interval; none left waits a whole one."""
        with self._lock:
            if remaining >= self.headroom:
                return  # our own window already keeps us at or above this
            pause_until = self._clock() + interval / (remaining + 1)
            self._not_before = max(self._not_before, pause_until)

    def over_limit(self):
        """Hold everyone back after a 429 for this budget: a tenth of the window, doubling with
        each 429 in a row, at most the whole window (Trello sends no Retry-After, and answers
        429 for the rest of the window to a key with more than 200 of them)."""
        with self._lock:
            now = self._clock()
            if now - self._last_strike > self.window:
                self._strikes = 0  # the last one was a window ago: a new spell
            pause = min(self.window, self.window / 10 * 2**self._strikes)
            self._strikes, self._last_strike = self._strikes + 1, now
            self._not_before = max(self._not_before, now + pause)

    def waiting(self):
        """Return {party: tickets waiting}: who waits for this budget, and how many."""
        with self._lock:
            return {party: len(queue) for party, queue in self._queues.items()}


_KEY_BUDGETS = weakref.WeakValueDictionary()
_KEY_BUDGETS_LOCK = threading.Lock()


def shared_key_budget(api_key, limit=KEY_RATE_LIMIT, window=10.0, *, clock=time.monotonic):
    """Return the one budget this process keeps for an API key (and clock), made on first use."""
    name = (digest(api_key), limit, window, clock)
    with _KEY_BUDGETS_LOCK:
        budget = _KEY_BUDGETS.get(name)
        if budget is None:
            budget = _KEY_BUDGETS[name] = WindowBudget(limit, window, clock=clock)
        return budget


def digest(secret):
    """Return a short stand-in for a key or token, safe to keep, log or store in Redis."""
    return hashlib.sha256((secret or "").encode("utf-8")).hexdigest()[:16]


def limit_error(body):
    """Return which budget a 429's JSON body names (KEY_LIMIT_ERROR or TOKEN_LIMIT_ERROR)."""
    error = body.get("error") if isinstance(body, dict) else None
    return KEY_LIMIT_ERROR if error == KEY_LIMIT_ERROR else TOKEN_LIMIT_ERROR


class Throttle:
    """A gateway's rate limit: its token's budget, then (when given) its key's shared budget."""

    def __init__(
        self,
        limit=100,
        window=10.0,
        *,
        clock=time.monotonic,
        sleep=time.sleep,
        key_budget=None,
        party="token",
        token_budget=None,
    ):
        self.token_budget = token_budget or WindowBudget(limit, window, clock=clock)
        self.key_budget, self.party = key_budget, party
        self._sleep = sleep
        # The x-rate-limit-* headers of the latest answer that had any, for `flask doctor`.
        self.last_headers = {}

    def _budgets(self):
        """Return the budgets a request takes a place in, token first: a request waiting for
        its token never holds a place of the key that another board could use."""
        return [b for b in (self.token_budget, self.key_budget) if b is not None]

    @contextmanager
    def slot(self):
        """Wait for a place in each budget, hold them for one request, date them by its answer."""
        tickets, sent = [], False
        try:
            for budget in self._budgets():
                ticket = Ticket(self.party)
                tickets.append((budget, ticket))
                while (wait := budget.try_take(ticket)) > 0:
                    self._sleep(wait)
            sent = True
            yield
        finally:
            for budget, ticket in tickets:
                budget.release(ticket, sent)

    def observe(self, headers):
        """Slow down when Trello says the token or the key has little allowance left."""
        seen = {k.lower(): v for k, v in headers.items() if k.lower().startswith(RATE_HEADERS)}
        if seen:
            self.last_headers = seen  # one swap of a whole dict: safe across threads
        for prefix, budget in ((TOKEN_HEADER, self.token_budget), (KEY_HEADER, self.key_budget)):
            try:
                remaining = int(seen[prefix + "remaining"])
                interval = int(seen.get(prefix + "interval-ms", 10_000)) / 1000
            except (KeyError, ValueError):
                continue
            if budget is not None:
                budget.observe(remaining, interval)

    def rate_limited(self, error):
        """Trello answered 429: for the key's limit, hold back every board on the key.

        A token's 429 concerns this gateway alone: its retry's backoff, and the headers of the
        answer (none left: wait a whole interval), hold it back already."""
        if error == KEY_LIMIT_ERROR and self.key_budget is not None:
            self.key_budget.over_limit()
