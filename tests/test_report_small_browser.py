"""A small scheme in Chromium: one round of 8 people gives a report with something to read, and
/outputs names only the people who chose it. Screenshots go to tests/artifacts/ (gitignored)."""

from pathlib import Path

from sqlalchemy import select

from app.db import db
from app.followup.checkins import record_check_in
from app.followup.outputs import record_output
from app.models import Person, Round
from tests.browser_fixtures import axe_violations
from tests.report_helpers import draw_round, prepare_board, sign_up_by_service
from tests.signup_helpers import signed_up_and_confirmed
from tests.support import drain

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Four from each: no organisation (nor type) reaches 5 people, so all pool into one node.
ORGS = ["Leeds City Council", "NHS Leeds"] * 4
NAMED = "Philippa Oakenshield"
UNNAMED = "Rupert Hollowbrook"
ANSWERS = ["met"] * 6 + ["not_met", None]


def _one_round_of_eight(app, client, sandbox):
    """Sign up 8 people (one named in the feed, one who chose not to be), draw one round, and
    record 6 met, 1 could not meet, 1 no answer, and 3 outputs; return the round's groups."""
    prepare_board(app, sandbox)
    signed_up_and_confirmed(
        app,
        client,
        sandbox,
        credit="yes",
        name=NAMED,
        email="philippa@example.org",
        organisation=ORGS[0],
    )
    signed_up_and_confirmed(
        app, client, sandbox, name=UNNAMED, email="rupert@example.org", organisation=ORGS[1]
    )
    for n, org in enumerate(ORGS[2:]):
        sign_up_by_service(app, f"Small Scheme Person {n}", org, n)
    drain(app)
    record = draw_round(app, 1)
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        people = sorted(
            (db.session.get(Person, pid) for group in record["groups"] for pid in group),
            key=lambda p: (p.full_name not in (NAMED, UNNAMED), p.id),
        )
        for person, answer in zip(people, ANSWERS, strict=True):
            if answer:
                record_check_in(person, round_, answer, None, 4, True)
        for n, person in enumerate(people[:3]):
            record_output(person, round_, f"https://weeknotes.example.org/{n}/coffee", "link")
        db.session.commit()
    drain(app)
    return record["groups"]


def _screenshot(page, name):
    """Save a full-page screenshot to tests/artifacts/ and say where it is."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
    return path


def test_one_round_of_eight_gives_charts_with_its_figures(live_app, client, sandbox, page):
    groups = _one_round_of_eight(live_app, client, sandbox)
    page.goto(live_app.config["PUBLIC_URL"] + "/report")
    # The rates: with one round there is no trend, so its two rates are drawn as bars.
    trend = page.locator("svg[aria-labelledby=trend-title]")
    bars = trend.locator("rect")
    assert bars.count() == 2
    for n in range(2):
        assert float(bars.nth(n).get_attribute("height")) > 20
    caption = page.locator("#trend-caption").inner_text()
    assert "Round 1" in caption and "had 8 people in groups" in caption
    assert "6 met (75.0%)" in caption and "3 shared an output (37.5%)" in caption
    assert trend.get_attribute("aria-describedby") == "trend-caption"
    # The answers: met shown, the two small answers hidden together, and said so in words.
    answers = page.locator("#answers-caption").inner_text()
    assert "met 6" in answers and "hidden to protect privacy" in answers
    assert page.locator("svg[aria-labelledby=answers-title] rect[fill='#00703c']").count() == 2
    # The network: one pooled node, and its words count the 4 pairs drawn.
    assert len(groups) == 4
    network = page.locator("#network-caption").inner_text()
    assert network.startswith("4 groups drawn over all rounds")
    assert "Within Other organisations: 4 groups" in network
    assert page.locator("svg[aria-labelledby=network-title] circle").count() == 2  # node, loop
    assert "No pairs yet" not in page.content()
    _screenshot(page, "report-one-round.png")
    assert axe_violations(page) == []


def test_the_outputs_page_lists_outputs_naming_only_who_chose_it(live_app, client, sandbox, page):
    _one_round_of_eight(live_app, client, sandbox)
    page.goto(live_app.config["PUBLIC_URL"] + "/outputs")
    assert page.locator("h1").inner_text() == "What people shared"
    assert page.locator("h2#round-1").inner_text() == "Round 1"
    items = page.locator("li.app-output")
    assert items.count() == 3
    by = [items.nth(n).locator(".app-output__by").inner_text() for n in range(3)]
    assert sorted(by) == sorted([NAMED, "a participant", "a participant"])
    assert UNNAMED not in page.content()
    links = [items.nth(n).locator("a").get_attribute("href") for n in range(3)]
    assert all(link.startswith("https://weeknotes.example.org/") for link in links)
    assert "Shared on" in items.first.inner_text()
    alternate = page.locator("link[rel=alternate]")
    assert alternate.get_attribute("href") == "/outputs.atom"
    assert alternate.get_attribute("type") == "application/atom+xml"
    assert page.get_by_role("link", name="outputs feed (Atom)").count() == 1
    _screenshot(page, "outputs.png")
    assert axe_violations(page) == []
