"""In a real browser: a participant's own page in a round (partner, check-in, output link),
their private list, and asking for a new address; each state WCAG 2.2 AA by axe."""

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import axe_violations
from tests.followup_helpers import check_ins
from tests.participant_helpers import manage_path, people_in_round
from tests.signup_helpers import mails_to, people
from tests.support import drain

pytestmark = pytest.mark.usefixtures("roomy")
ADA = {"full_name": "Ada Lovelace", "email": "ada@example.org", "organisation": "Camden"}
GRACE = {
    "full_name": "Grace Hopper",
    "email": "grace@example.org",
    "organisation": "Kent",
    "phone": "+442079460018",
    "share_channels": ["phone"],
}


def test_a_participant_meets_their_partner_keeps_a_private_list_and_moves_address(
    page, live_app, runner, board
):
    base = live_app.config["PUBLIC_URL"]
    ada, grace = people_in_round(live_app, runner, board, [ADA, GRACE])
    found = {}
    page.goto(base + manage_path(live_app, ada))
    expect(page.get_by_role("heading", name="Round 1: meet by")).to_be_visible()
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_text("020 7946 0018")).to_be_visible()  # as people in the UK write it
    assert "grace@example.org" not in page.content(), "Grace shared her telephone only"
    found["in a round"] = axe_violations(page)

    page.get_by_role("button", name="We met").click()
    expect(page.get_by_role("heading", name="You met")).to_be_visible()
    assert check_ins(live_app) == {ada: "met"}
    page.go_back()
    page.reload()
    expect(page.get_by_text("You told us: You met")).to_be_visible()

    page.get_by_label("Their email address").fill("Someone.Else@Example.org")
    page.get_by_role("button", name="Add to my list").click()
    expect(page.get_by_text("Added to your list")).to_be_visible()
    expect(page.locator("bdi", has_text="someone.else@example.org")).to_be_visible()
    page.get_by_label("Their email address").fill("not an address")
    page.get_by_role("button", name="Add to my list").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    found["list with an error"] = axe_violations(page)
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "address"
    page.get_by_role("button", name="Remove someone.else@example.org").click()
    expect(page.get_by_text("Removed from your list")).to_be_visible()
    expect(page.get_by_text("Your list is empty.")).to_be_visible()

    page.get_by_role("link", name="Change your details or email address").click()
    page.get_by_label("Email address").fill("ada.new@example.org")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("We sent a link to ada.new@example.org")).to_be_visible()
    assert people(live_app)[0]["email"] == "ada@example.org"
    drain(live_app)
    [mail] = mails_to(board, "ada.new@example.org")
    link = next(word for word in mail["text"].split() if word.endswith("/email"))
    page.goto(link)
    page.get_by_role("button", name="Use this address").click()
    expect(page.get_by_role("heading", name="Your email address has changed")).to_be_visible()
    assert people(live_app)[0]["email"] == "ada.new@example.org"
    assert {name: v for name, v in found.items() if v} == {}
