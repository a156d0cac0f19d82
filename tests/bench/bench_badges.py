"""API requests per board render: a 300-card sandbox board opened in headless Chromium with the
Power-Up's badges. Baseline, counted in the same render: the card-badges callbacks Trello makes
(one per card); the previous client sent one API request from each (GET /api/cards/<id>)."""

import os
import tempfile
import threading
import time
from urllib.parse import quote

import flask_migrate
from werkzeug.serving import make_server

from app import create_app
from tests.bench.bench_round import add_people, db_engine_dispose
from tests.browser_fixtures import ARGS, CHROMIUM
from tests.conftest import free_port
from trello_sandbox import constants
from trello_sandbox.server import SandboxServer

CARDS = 300
READY = "n => document.querySelectorAll(\"article.card[data-badges='ready']\").length >= n"


def _live_app(server, folder):
    """Return (app, its URL): migrated on a fresh SQLite file and served on a free port."""
    port = free_port()
    os.environ["INSTANCE_PATH"] = folder
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "SANDBOX_URL": server.url,
            "TRELLO_API_BASE": server.api_base,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MAIL_URL": "sandbox",
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    http = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    return app, http


def _render(server, app_url):
    """Open the board once as its admin; return (API requests, badge callbacks, seconds)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        api = []
        page.on("request", lambda r: r.url.startswith(app_url + "/api/") and api.append(r.url))
        started = time.monotonic()
        admin = constants.ADMIN_MEMBER_ID
        page.goto(f"{server.url}/sandbox/board?as={admin}&app={quote(app_url)}")
        page.wait_for_function(
            READY,
            arg=CARDS,
            timeout=120_000,
        )
        elapsed = time.monotonic() - started
        callbacks = page.locator("article.card[data-badges='ready']").count()
        browser.close()
    return len(api), callbacks, elapsed


def run():
    """Render a board of CARDS participants' cards once; count the app's API requests."""
    if not os.access(CHROMIUM, os.X_OK):
        verdict = f"skipped: {CHROMIUM} is missing (make test installs it)"
        return {"rows": [], "ok": True, "verdict": verdict}
    server = SandboxServer(rate_limits=False).start()
    with tempfile.TemporaryDirectory() as folder:
        app, http = _live_app(server, folder)
        add_people(server, app, CARDS)
        requests_made, callbacks, elapsed = _render(server, app.config["PUBLIC_URL"])
        http.shutdown()
        db_engine_dispose(app)
    server.stop()
    rows = [
        {
            "scenario": f"previous client: a request per badge callback ({CARDS} cards)",
            "requests": callbacks,
        },
        {
            "scenario": f"now: one request per board render ({CARDS} cards)",
            "requests": requests_made,
            "seconds": round(elapsed, 2),
        },
    ]
    ok = requests_made <= 2 and callbacks >= CARDS
    verdict = (
        f"one render of {CARDS} cards: {requests_made} API requests for {callbacks} card-badges "
        f"callbacks (the previous client: {callbacks}), {elapsed:.2f} s to all badges"
    )
    summary = {
        "measure": f"API requests per board render, {CARDS} cards",
        "ours": f"{requests_made} requests",
        "baseline": f"a request per card-badges callback: {callbacks}",
    }
    return {"rows": rows, "ok": ok, "verdict": verdict, "summary": summary}
