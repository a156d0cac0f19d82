"""HTTP transport under py-trello: base-URL seam, timeouts, client-side rate limit, retries.

The rate limit itself is throttle.py's; this module sends each call through it.
"""

import json
import logging
import random
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from app.trello.throttle import limit_error

log = logging.getLogger("app.trello")

# py-trello 0.20.1 hard-codes these: fetch_json uses the first, create_hook the second.
PY_TRELLO_BASES = ("https://api.trello.com/1/", "https://trello.com/1/")
TRANSPORT_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class TrelloError(Exception):
    """A Trello call that failed: HTTP status (None when no answer), Trello's message, where.

    maybe_done is True when the call reached Trello but its answer was lost: it may have
    been carried out, so a create must look for what it made before it is sent again.
    """

    def __init__(self, status, message, method, path, maybe_done=False):
        super().__init__(status, message, method, path)
        self.status, self.message, self.method, self.path = status, message, method, path
        self.maybe_done = maybe_done

    @property
    def retryable(self):
        """Return True when trying again later may succeed (429, 5xx, no answer)."""
        return self.status is None or self.status == 429 or self.status >= 500

    def __str__(self):
        return f"{self.method} {self.path} -> {self.status or 'no answer'}: {self.message}"


def redact(text, secrets):
    """Return text with every secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def backoff_delay(attempt, base=0.5, cap=30.0, rand=random.random):
    """Return the wait before retry number attempt (0-based): exponential, capped, half-jittered."""
    return min(cap, base * 2**attempt) * (0.5 + rand() / 2)


def transport_reason(exc, timeout):
    """Return a short account of a call that got no answer, free of URLs (they carry secrets)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"could not connect within {timeout} s"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {timeout} s"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off"
    return "could not connect"


def may_have_arrived(exc):
    """Tell whether a call that got no answer may still have reached Trello and been done."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return not isinstance(reason, NewConnectionError)


def query_not_body(params, data, headers):
    """Move a GET's JSON body into its query string, since Trello 403s a GET with a body."""
    # py-trello 0.20.1 fetch_json json-dumps post_args for every method; Trello has answered
    # 403 to a GET with a body since 2024-03-12 (Trello REST changelog).
    params = dict(params or {})
    if data:
        try:
            moved = json.loads(data) if isinstance(data, (str, bytes)) else dict(data)
        except ValueError:
            moved = {}
        if isinstance(moved, dict):
            params.update({k: v for k, v in moved.items() if k not in params})
    headers = {k: v for k, v in (headers or {}).items() if k.lower() != "content-type"}
    return params, None, headers


def _json_or_none(response):
    """Return the answer's JSON, or None when it is not JSON (Trello often answers text)."""
    try:
        return response.json()
    except ValueError:
        return None


class TrelloSession(requests.Session):
    """A requests session that py-trello sends every call through."""

    def __init__(
        self,
        base_url,
        throttle,
        *,
        timeout=10.0,
        max_retries=5,
        backoff_base=0.5,
        secrets=(),
        sleep=time.sleep,
        rand=random.random,
    ):
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"
        self.throttle, self.timeout, self.max_retries = throttle, timeout, max_retries
        self.backoff_base, self.secrets = backoff_base, tuple(s for s in secrets if s)
        self._sleep, self._rand = sleep, rand
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self.counters = {"requests": 0, "rate_limited": 0, "retries": 0}

    def rewrite(self, url):
        """Return url with py-trello's hard-coded Trello base replaced by the configured one."""
        for base in PY_TRELLO_BASES:
            if url.startswith(base):
                return self.base_url + url[len(base) :]
        return url

    def api_path(self, url):
        """Return the path of url below the base, with no query string and no secrets."""
        path = urlsplit(url).path
        prefix = urlsplit(self.base_url).path.rstrip("/")
        if path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        return redact(path, self.secrets)

    @contextmanager
    def overrides(self, **options):
        """Use other timeout/max_retries for calls made by this thread inside the block."""
        previous = getattr(self._local, "options", {})
        self._local.options = {**previous, **options}
        try:
            yield
        finally:
            self._local.options = previous

    def current_max_retries(self):
        """Return the retries this thread's calls get now (overrides included)."""
        return getattr(self._local, "options", {}).get("max_retries", self.max_retries)

    def request(self, method, url, params=None, data=None, headers=None, **kwargs):
        """Send one call with the rewritten base, a timeout, throttling and bounded retries."""
        method, url = method.upper(), self.rewrite(url)
        if method == "GET":
            params, data, headers = query_not_body(params, data, headers)
            kwargs.pop("json", None)
        options = getattr(self._local, "options", {})
        kwargs["timeout"] = options.get("timeout", self.timeout)
        retries = options.get("max_retries", self.max_retries)
        path = self.api_path(url)
        for attempt in range(retries + 1):
            last = attempt == retries
            try:
                response = self._send_once(method, url, path, params, data, headers, kwargs)
            except TRANSPORT_ERRORS as exc:
                # A create sent twice makes two cards: the caller looks before sending it again.
                lost = method == "POST" and may_have_arrived(exc)
                if last or lost:
                    reason = transport_reason(exc, kwargs["timeout"])
                    raise TrelloError(None, reason, method, path, maybe_done=lost) from None
                self.pause(attempt, retries, method, path, type(exc).__name__)
                continue
            status = response.status_code
            if last or not (status == 429 or status >= 500):
                return response
            self.pause(attempt, retries, method, path, status)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, method, url, path, params, data, headers, kwargs):
        """Send one attempt inside a throttle slot; count it and log it without its query."""
        with self.throttle.slot():
            started = time.monotonic()
            self._count("requests")
            try:
                response = super().request(
                    method, url, params=params, data=data, headers=headers, **kwargs
                )
            except TRANSPORT_ERRORS:
                log.debug("%s %s -> no answer in %.3fs", method, path, time.monotonic() - started)
                raise
        if response.status_code == 429:
            self._count("rate_limited")
            # The key's limit holds back every board on the key, not only this token.
            self.throttle.rate_limited(limit_error(_json_or_none(response)))
        self.throttle.observe(response.headers)
        log.debug(
            "%s %s -> %s in %.3fs", method, path, response.status_code, time.monotonic() - started
        )
        return response

    def pause(self, attempt, retries, method, path, reason):
        """Count and log a retry, then wait out its backoff."""
        self._count("retries")
        delay = backoff_delay(attempt, self.backoff_base, rand=self._rand)
        log.warning(
            "Trello %s %s -> %s; retry %d of %d in %.2fs",
            method,
            path,
            reason,
            attempt + 1,
            retries,
            delay,
        )
        self._sleep(delay)

    def _count(self, name):
        """Add one to a benchmark counter, safely across threads."""
        with self._count_lock:
            self.counters[name] += 1
