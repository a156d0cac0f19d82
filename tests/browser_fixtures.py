"""Pytest plugin: one headless Debian Chromium per session, driven by Playwright, and axe-core."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# Chromium's own calls home are refused on a closed network, many at a time: switch them off.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright (never a browser Playwright downloads itself)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test (own cookies); CSP is bypassed only for axe."""
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


class Watched:
    """A page whose console errors, uncaught exceptions and requests (every frame's) are kept."""

    def __init__(self, page):
        self.page, self.errors, self.requests = page, [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))

    def calls_to(self, prefix):
        """Return the URLs requested so far that start with prefix."""
        return [url for url in self.requests if url.startswith(prefix)]


@pytest.fixture
def strict_page(browser):
    """A page as a Trello user's browser shows it: the Content-Security-Policy enforced, and its
    console errors, exceptions and requests watched."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield Watched(context.new_page())
    context.close()


def axe_violations(page):
    """Run axe-core on the page for WCAG 2.2 A/AA; return its violations, each with its nodes."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
