"""Pytest plugin: one sandbox server per session, reset per test, and helpers to drive it."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from trello import TrelloClient

from trello_sandbox import constants
from trello_sandbox.server import SandboxServer

TRELLO_BASES = ("https://api.trello.com/1/", "https://trello.com/1/")


class SandboxHelper:
    """What a test needs to drive the sandbox: its URLs, credentials, controls and logs."""

    key, token, secret = constants.API_KEY, constants.API_TOKEN, constants.API_SECRET
    board_id = constants.BOARD_ID

    def __init__(self, server):
        self.server, self.url, self.api_base = server, server.url, server.api_base

    def control(self, path, **body):
        """POST to /sandbox/control/<path> and return the JSON answer."""
        response = requests.post(f"{self.url}/sandbox/control/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def requests(self):
        """Return the log of /1/ calls, oldest first."""
        return requests.get(f"{self.url}/sandbox/control/requests", timeout=10).json()

    def deliveries(self):
        """Return the webhook delivery attempts, oldest first."""
        return requests.get(f"{self.url}/sandbox/control/deliveries", timeout=10).json()

    def mails(self):
        """Return the mails kept by the sandbox outbox, newest first."""
        return requests.get(f"{self.url}/sandbox/mail/messages", timeout=10).json()

    def jwt(self, member_id, **claims):
        """Return a Power-Up JWT for member_id, as t.jwt() would (claims: idBoard, state, ttl…)."""
        body = {"idMember": member_id, **claims}
        response = requests.post(f"{self.url}/sandbox/jwt", json=body, timeout=10)
        response.raise_for_status()
        return response.json()["token"]

    def api(self, method, path, *, member=None, **kwargs):
        """Call the sandbox's /1/ API with the sandbox key and token (member: X-Sandbox-Member)."""
        params = {"key": self.key, "token": self.token, **kwargs.pop("params", {})}
        headers = {**kwargs.pop("headers", {}), **({"X-Sandbox-Member": member} if member else {})}
        url = self.api_base + path
        kwargs.setdefault("timeout", 10)
        return requests.request(method, url, params=params, headers=headers, **kwargs)

    def wait_for_deliveries(self, count, seconds=5.0, **match):
        """Wait until count logged deliveries match the given fields; return those."""
        deadline = time.monotonic() + seconds
        while True:
            found = [d for d in self.deliveries() if all(d.get(k) == v for k, v in match.items())]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


class _Rewriting(requests.Session):
    """Sends py-trello's hard-coded Trello URLs to the sandbox instead."""

    def __init__(self, api_base):
        super().__init__()
        self.api_base = api_base.rstrip("/") + "/"

    def request(self, method, url, *args, **kwargs):
        """Rewrite the base, then send as usual with a timeout py-trello does not set."""
        for base in TRELLO_BASES:
            if url.startswith(base):
                url = self.api_base + url[len(base) :]
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)


@pytest.fixture(scope="session")
def sandbox_server():
    """A sandbox on a free port for the whole session, rate limits on, quick webhook retries."""
    server = SandboxServer(webhook_retry_delays=(0.05, 0.1, 0.2), webhook_timeout=5)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    """The session's sandbox, freshly reset, with helpers."""
    helper = SandboxHelper(sandbox_server)
    helper.control("reset")
    return helper


@pytest.fixture
def trello_client(sandbox):
    """A py-trello client whose calls reach the sandbox (key + token auth)."""
    session = _Rewriting(sandbox.api_base)
    yield TrelloClient(api_key=sandbox.key, api_secret=sandbox.token, http_service=session)
    session.close()


class WebhookReceiver:
    """A local HTTP endpoint for webhooks: answers HEAD 200, records POSTs with raw bodies."""

    def __init__(self):
        self.received, self.statuses = [], []  # statuses: answers to give next, then 200
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.send_response(receiver.head_status)
                self.end_headers()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.received.append({"body": body, "headers": dict(self.headers)})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.head_status = 200
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def deliveries(self, action_type=None):
        """Return the raw deliveries received (body bytes, headers), optionally of one type."""
        with self._lock:
            received = list(self.received)
        return [
            d for d in received if action_type in (None, json.loads(d["body"])["action"]["type"])
        ]

    def wait(self, count=1, action_type=None, seconds=5.0):
        """Wait until count deliveries (of action_type, if given) arrived; return those."""
        deadline = time.monotonic() + seconds
        while len(found := self.deliveries(action_type)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return found

    def close(self):
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver():
    """A running WebhookReceiver, closed after the test."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
