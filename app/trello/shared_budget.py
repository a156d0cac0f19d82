"""Trello budgets kept in Redis, so every process on a token or an API key shares one.

`RedisWindowBudget` is `throttle.WindowBudget` kept in Redis: a sliding window per token (or
per API key) in a sorted set whose members are the requests holding a place, scored by when
they were answered (by a lease's end while in flight), with the same limit, headroom and window.
Each step is one Lua script, so checking for room and taking it is atomic across processes; the
clock is Redis's own (TIME), so hosts whose clocks disagree still count one window.

Fair share between boards: the requests waiting are kept in a second sorted set, each until a
deadline it renews whenever it asks again, so a process that dies stops counting as waiting. A
place goes to a party (a board's token digest) only while it holds less than its max-min fair
share of the window, computed as WindowBudget does from the parties busy everywhere (waiting
or in flight). Among parties below their share, the first to ask wins: there is no turn order
across processes, but none over its share takes a place while another busy one is below it.

Trello's x-rate-limit-* headers and 429s set a shared "hold until" time that every process
respects. Redis keys name a digest of the token or key, never the secret.

When Redis cannot be reached, every Redis budget of the process falls back for good to an
in-process one (the key's being the process's shared_key_budget), after one warning in the log:
the round carries on at per-process limits rather than stopping.
"""

import logging
import threading
import uuid

import redis

from app.trello.throttle import FAIR_POLL, Budget, WindowBudget, digest, shared_key_budget

log = logging.getLogger(__name__)

PREFIX = "unmentoring:trello:"
LEASE = 60.0  # seconds a request in flight holds its place if its process dies before answering
GRACE = 1.0  # seconds a waiting request counts as waiting beyond the wait it was told
SOCKET_TIMEOUT = 2.0

# KEYS: window, waiting, hold. ARGV: member, party, limit, window, lease, grace, poll.
# Returns "0" when the member now holds a place, else the seconds to wait (a string, since Lua
# numbers come back as integers).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local member, party = ARGV[1], ARGV[2]
local limit, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local lease, grace, poll = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local ttl = math.ceil((window + lease + grace) * 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local function queue(wait)
  if wait < 0.001 then wait = 0.001 end
  redis.call('ZADD', KEYS[2], now + wait + grace, member)
  redis.call('PEXPIRE', KEYS[2], ttl)
  return tostring(wait)
end
local hold = tonumber(redis.call('GET', KEYS[3]) or '0')
if now < hold then return queue(hold - now) end
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
if #entries / 2 >= limit then
  local oldest = tonumber(entries[2])
  if oldest <= now then return queue(oldest + window - now) end
  return queue(0.05)
end
local held, busy = {}, {}
busy[party] = true
for i = 1, #entries, 2 do
  local p = string.match(entries[i], '^(.-)|')
  held[p] = (held[p] or 0) + 1
  if tonumber(entries[i + 1]) > now then busy[p] = true end
end
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  busy[string.match(m, '^(.-)|')] = true
end
local idle, nbusy = 0, 0
for p, n in pairs(held) do
  if not busy[p] then idle = idle + n end
end
for _ in pairs(busy) do nbusy = nbusy + 1 end
if (held[party] or 0) < (limit - idle) / nbusy then
  redis.call('ZADD', KEYS[1], now + lease, member)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('ZREM', KEYS[2], member)
  return '0'
end
return queue(poll)
"""

# KEYS: window, waiting. ARGV: member, sent ("1" dates the place by now, else gives it back).
_RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == '1' then
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
"""

# KEYS: hold. ARGV: seconds to hold everyone back from now (kept if a later hold is set).
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local pause = tonumber(ARGV[1])
local until_ = now + pause
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(pause * 1000) + 100)
end
return 0
"""

# KEYS: strikes. ARGV: window. Returns the 429s in a row (none for a window starts afresh).
_STRIKE = """
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1]) * 1000))
return n
"""


class Link:
    """One Redis connection pool for a URL, and whether this process has given up on it."""

    def __init__(self, url):
        self.client = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
        )
        self.scripts = {
            name: self.client.register_script(text)
            for name, text in (
                ("take", _TAKE),
                ("release", _RELEASE),
                ("hold", _HOLD),
                ("strike", _STRIKE),
            )
        }
        self.down = False
        self._lock = threading.Lock()

    def give_up(self, exc):
        """Stop using Redis in this process; log it once (the error's kind, never the URL)."""
        with self._lock:
            if self.down:
                return
            self.down = True
        log.warning(
            "Redis cannot be reached (%s): Trello budgets fall back to this process's own "
            "until it restarts",
            type(exc).__name__,
        )


_LINKS = {}
_LINKS_LOCK = threading.Lock()


def link(url):
    """Return this process's one Link for a Redis URL."""
    with _LINKS_LOCK:
        found = _LINKS.get(url)
        if found is None:
            found = _LINKS[url] = Link(url)
        return found


class RedisWindowBudget(Budget):
    """A WindowBudget kept in Redis under a name (e.g. "token:<digest>"), shared by every
    process using that name; `fallback` makes the in-process budget used once Redis is down."""

    def __init__(self, url, name, limit, window=10.0, *, fallback=None):
        # WindowBudget's limit, headroom and window: the same requests in the same time, but
        # now counted for every process together.
        self.headroom = max(1, limit // 20)
        self.limit, self.window = limit - self.headroom, window + 0.1
        self.link = link(url)
        self._keys = [f"{PREFIX}{name}:{part}" for part in ("window", "waiting", "hold")]
        self._strikes_key = f"{PREFIX}{name}:strikes"
        self._make_fallback = fallback or (lambda: WindowBudget(limit, window))
        self._fallback = None
        self._fallback_lock = threading.Lock()

    def _local(self, exc=None):
        """Return the in-process budget used after Redis failed (made on first need)."""
        if exc is not None:
            self.link.give_up(exc)
        with self._fallback_lock:
            if self._fallback is None:
                self._fallback = self._make_fallback()
            return self._fallback

    def try_take(self, ticket):
        """Take a place in the shared window for the ticket's party, or return the wait."""
        if self.link.down:
            return self._local_take(ticket)
        if ticket.state == "new":
            ticket.state, ticket.key = "queued", f"{ticket.party}|{uuid.uuid4().hex}"
        args = [ticket.key, ticket.party, self.limit, self.window, LEASE, GRACE, FAIR_POLL]
        try:
            wait = float(self.link.scripts["take"](keys=self._keys, args=args))
        except redis.RedisError as exc:
            self._local(exc)
            return self._local_take(ticket)
        if wait <= 0:
            ticket.state = "held"
            return 0
        return wait

    def _local_take(self, ticket):
        """try_take on the fallback; a ticket that was waiting in Redis queues there afresh."""
        if ticket.key is not None and ticket.state != "held":
            ticket.state, ticket.key = "new", None
        if ticket.key is not None:
            return 0  # it holds a place taken in Redis before Redis went away
        return self._local().try_take(ticket)

    def release(self, ticket, sent=True):
        """Date the ticket's place by now (or give it back), or stop it waiting."""
        if ticket.key is None:
            if self._fallback is not None:
                self._fallback.release(ticket, sent)
            ticket.state = "done"
            return
        if not self.link.down:
            held = "1" if sent and ticket.state == "held" else "0"
            try:
                self.link.scripts["release"](keys=self._keys[:2], args=[ticket.key, held])
            except redis.RedisError as exc:
                self._local(exc)
        ticket.state = "done"

    def observe(self, remaining, interval):
        """Trello says little is left: hold every process back, as WindowBudget does."""
        if remaining >= self.headroom:
            return
        if self.link.down:
            self._local().observe(remaining, interval)
            return
        try:
            self._hold(interval / (remaining + 1))
        except redis.RedisError as exc:
            self._local(exc).observe(remaining, interval)

    def over_limit(self):
        """Trello answered 429 for this budget: hold every process back for a tenth of the
        window, doubling with each 429 in a row, at most a window."""
        if self.link.down:
            self._local().over_limit()
            return
        try:
            strikes = int(self.link.scripts["strike"](keys=[self._strikes_key], args=[self.window]))
            self._hold(min(self.window, self.window / 10 * 2 ** (strikes - 1)))
        except redis.RedisError as exc:
            self._local(exc).over_limit()

    def _hold(self, pause):
        """Set the shared "hold until" to at least pause seconds from now (Redis's clock)."""
        self.link.scripts["hold"](keys=[self._keys[2]], args=[pause])

    def waiting(self):
        """Return {party: requests waiting} across every process (for doctor and tests)."""
        if self.link.down:
            return self._local().waiting()
        try:
            members = self.link.client.zrange(self._keys[1], 0, -1)
        except redis.RedisError as exc:
            return self._local(exc).waiting()
        counts = {}
        for member in members:
            party = member.decode().split("|", 1)[0]
            counts[party] = counts.get(party, 0) + 1
        return counts


def token_budget(url, token, limit, window=10.0):
    """Return the budget every process shares for a token (named by its digest)."""
    return RedisWindowBudget(url, f"token:{digest(token)}", limit, window)


def key_budget(url, api_key, limit, window=10.0):
    """Return the budget every process shares for an API key; its fallback is the process's."""
    return RedisWindowBudget(
        url,
        f"key:{digest(api_key)}",
        limit,
        window,
        fallback=lambda: shared_key_budget(api_key, limit, window),
    )
