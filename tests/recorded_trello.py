"""Real Trello REST answers recorded by other projects (tests/trello_responses/SOURCES.md says
whose), and a local server that gives one of them back, as Trello did, to whatever asks."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from app.trello.gateway import TrelloGateway

RESPONSES = Path(__file__).resolve().parent / "trello_responses"
SHARED_RESPONSES = Path(__file__).resolve().parents[2] / "shared" / "trello-responses"
RESPONSE_NAMES = sorted(path.name for path in RESPONSES.glob("*.json"))
# Bodies Trello sends as text/plain, seen in real use (SOURCES.md, "Bodies that are not JSON").
PLAIN_ERRORS = [
    (400, "invalid id"),
    (401, "unauthorized permission requested"),
    (401, "invalid token"),
]


def recorded(name):
    """Return a recorded answer, parsed."""
    return json.loads((RESPONSES / name).read_text(encoding="utf-8"))


class RecordedTrello:
    """A local HTTP server answering every request with one recorded body; logs what it got."""

    def __init__(self):
        self.status, self.body, self.content_type = 200, b"{}", "application/json"
        self.requests = []
        served = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                url = urlsplit(self.path)
                query = {k: v for k, v in parse_qsl(url.query) if k not in ("key", "token")}
                served.requests.append((self.command, url.path, query))
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(served.status)
                self.send_header("Content-Type", served.content_type)
                self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                self.wfile.write(served.body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api_base = f"http://127.0.0.1:{self.server.server_port}/1"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def serve(self, name, status=200):
        """Answer from now on with the recorded file's exact bytes."""
        self.status, self.body = status, (RESPONSES / name).read_bytes()
        self.content_type = "application/json; charset=utf-8"

    def serve_text(self, status, text):
        """Answer from now on with a text/plain body, as Trello gives most of its errors."""
        self.status, self.body = status, text.encode("utf-8")
        self.content_type = "text/plain; charset=utf-8"

    def gateway(self, max_retries=0):
        """Return a gateway whose calls reach this server, never waiting between retries."""
        return TrelloGateway(
            "recorded-key",
            "recorded-token",
            self.api_base,
            "63d128787441d05619f44dbe",
            max_retries=max_retries,
            sleep=lambda seconds: None,
        )

    def close(self):
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorded_trello():
    """A running RecordedTrello, closed after the test."""
    server = RecordedTrello()
    yield server
    server.close()
