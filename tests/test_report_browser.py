"""The report page in Chromium: its charts draw, a screenshot is kept, axe finds nothing."""

import shutil
from pathlib import Path

import pytest

from tests import report_helpers
from tests.browser_fixtures import axe_violations

# The seeded history is built once per xdist worker: keep its users on one worker.
pytestmark = pytest.mark.xdist_group("report_history")

history = report_helpers.history
SCREENSHOT = Path(__file__).resolve().parent / "artifacts" / "report.png"  # gitignored


@pytest.mark.sqlite_only
def test_the_report_page_draws_its_charts_and_passes_axe(live_app, page, history, tmp_path):
    page.goto(live_app.config["PUBLIC_URL"] + "/report")
    charts = page.locator("svg[role=img]")
    assert charts.count() == 3
    for n in range(3):
        box = charts.nth(n).bounding_box()
        assert box["width"] > 300 and box["height"] > 150, box
        assert charts.nth(n).get_attribute("aria-labelledby")
        # Each chart is described by its visible caption, which gives its figures in words.
        caption = page.locator("#" + charts.nth(n).get_attribute("aria-describedby"))
        assert "Round 6" in caption.inner_text() or "groups drawn" in caption.inner_text()
    # Lines, bars and nodes are drawn, not just an empty frame.
    assert page.locator("#trend-title ~ polyline").count() >= 2
    assert page.locator("svg rect[fill='#00703c']").count() >= 6
    assert page.locator("svg circle[r='9']").count() >= 2
    path = tmp_path / "report.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copy(path, SCREENSHOT)
    print(f"screenshot: {SCREENSHOT}")
    assert axe_violations(page) == []
