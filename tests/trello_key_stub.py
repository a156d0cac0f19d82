"""A small stand-in for Trello's API that knows several tokens on one API key and enforces
Trello's two rate limits on them, over real HTTP.

The sandbox (trello_sandbox/) knows one token, so it cannot show several boards' tokens
sharing one key's 300 requests per 10 s. This stub answers every /1/ call with a small JSON
object, after counting it as trello_sandbox/rate_limits.py does: a sliding window per token
and one per key, a rejected request uses up neither, over the limit a 429 whose JSON body
names the limit (`API_TOKEN_LIMIT_EXCEEDED` or `API_KEY_LIMIT_EXCEEDED`), and every answer
carries the `x-rate-limit-api-{token,key}-{interval-ms,max,remaining}` headers. The windows
default to Trello's documented ones (the sandbox's own constants); tests shrink them in
proportion so that they run in seconds.
"""

import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from trello_sandbox.rate_limits import ERRORS, WINDOWS

API_KEY = "5a4db0c0ffee5a4db0c0ffee5a4db0c0"


def stub_token(n):
    """Return the nth stub token: Trello's token shape, sandbox-only, not a secret."""
    return f"ATTAstub{n:04d}" + "0" * 56


class Windows:
    """Sliding windows per token and per key, counted as the sandbox counts them."""

    def __init__(self, token=WINDOWS["token"], key=WINDOWS["key"], clock=time.monotonic):
        self.limits = {"token": token, "key": key}
        self._clock = clock
        self._hits = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key, token):
        """Count one request; return (error code or None, the x-rate-limit headers)."""
        with self._lock:
            now = self._clock()
            windows = {}
            for name, value in (("token", token), ("key", key)):
                hits = self._hits[(name, value)]
                while hits and hits[0] <= now - self.limits[name][1]:
                    hits.popleft()
                windows[name] = hits
            over = [n for n, hits in windows.items() if len(hits) >= self.limits[n][0]]
            if not over:
                for hits in windows.values():
                    hits.append(now)
            return (ERRORS[over[0]] if over else None), self._headers(windows)

    def _headers(self, windows):
        headers = {}
        for name, hits in windows.items():
            most, seconds = self.limits[name]
            prefix = f"x-rate-limit-api-{name}-"
            headers[prefix + "interval-ms"] = str(int(seconds * 1000))
            headers[prefix + "max"] = str(most)
            headers[prefix + "remaining"] = str(max(0, most - len(hits)))
        return headers


class KeyStub:
    """The stub on a free local port: `with KeyStub(tokens) as stub: stub.api_base ...`.

    log holds one (time, token, method, path, status, error) per call, in answer order.
    latency is how long each answer takes, as a real round trip would.
    """

    def __init__(self, tokens, *, windows=None, latency=0.0):
        self.tokens, self.windows, self.latency = set(tokens), windows or Windows(), latency
        self.log, self._log_lock = [], threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.api_base = f"http://127.0.0.1:{self._server.server_address[1]}/1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def statuses(self, token=None):
        """Return the statuses answered, in order (to one token, or to all)."""
        with self._log_lock:
            return [entry[4] for entry in self.log if token in (None, entry[1])]

    def _record(self, *entry):
        with self._log_lock:
            self.log.append(entry)

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass  # quiet: the log above is what tests read

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                key, token = query.get("key"), query.get("token")
                if stub.latency:
                    time.sleep(stub.latency)
                if key != API_KEY or token not in stub.tokens:
                    status, body, headers, error = 401, b"invalid token", {}, None
                    content_type = "text/plain; charset=utf-8"
                else:
                    error, headers = stub.windows.hit(key, token)
                    status = 429 if error else 200
                    answer = (
                        {"error": error, "message": "Rate limit exceeded"}
                        if error
                        else {"id": "5a4db0a4d0000000000000c1", "path": parts.path}
                    )
                    body, content_type = json.dumps(answer).encode(), "application/json"
                stub._record(time.monotonic(), token, self.command, parts.path, status, error)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = _answer

        return Handler
