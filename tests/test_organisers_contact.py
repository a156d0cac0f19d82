"""The organisers' contact address: set by board admins in the Power-Up's settings (or by
ORGANISERS_EMAIL), named in every page's footer and on the privacy notice as whom to ask."""

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import axe_violations
from tests.test_powerup_api import as_member, stored_settings
from tests.test_powerup_browser import open_board, open_menu_item
from trello_sandbox import constants

ADMIN, NORMAL = constants.ADMIN_MEMBER_ID, constants.NORMAL_MEMBER_ID
PAGES = ("/", "/privacy", "/signup", "/no-such-page")


def _footer(client, path):
    """Return the footer of a page as HTML."""
    page = client.get(path).get_data(as_text=True)
    return page.split('<footer class="govuk-footer">', 1)[1]


def _privacy_rights(client):
    """Return the privacy notice's "Your rights" section as HTML."""
    page = client.get("/privacy").get_data(as_text=True)
    return page.split("Your rights", 1)[1].split("</main>", 1)[0]


def test_without_any_address_pages_name_the_sender_of_mail(app, client, board):
    app.config.update(ORGANISERS_EMAIL=None, MAIL_FROM="UnMentoring <hello@unmentoring.example>")
    for path in PAGES:
        assert 'href="mailto:hello@unmentoring.example"' in _footer(client, path), path
    rights = _privacy_rights(client)
    assert "You can ask to see, correct or delete" in rights
    assert (
        'email the organisers at <a class="govuk-link" href="mailto:hello@unmentoring.example"'
        in rights
    )


def test_the_service_setting_is_used_until_board_admins_set_their_own(app, client, board):
    app.config.update(ORGANISERS_EMAIL="team@localgov.example")
    assert "mailto:team@localgov.example" in _footer(client, "/")
    shown = client.get("/api/settings", headers=as_member(board, NORMAL)).get_json()
    assert (shown["contact_email"], shown["contact_email_in_use"]) == ("", "team@localgov.example")

    saved = client.put(
        "/api/settings",
        json={"contact_email": "  Coffee@LocalGov.Example "},
        headers=as_member(board, ADMIN),
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["contact_email"] == "coffee@localgov.example"
    assert saved.get_json()["contact_email_in_use"] == "coffee@localgov.example"
    for path in PAGES:
        footer = _footer(client, path)
        assert "mailto:coffee@localgov.example" in footer and "team@localgov" not in footer
    assert "mailto:coffee@localgov.example" in _privacy_rights(client)

    cleared = client.put(
        "/api/settings", json={"contact_email": ""}, headers=as_member(board, ADMIN)
    )
    assert cleared.get_json()["contact_email"] == ""
    assert "mailto:team@localgov.example" in _footer(client, "/privacy")


@pytest.mark.parametrize("value", ["not an address", "a@b", 42, None, ["x@example.org"], "x" * 300])
def test_an_address_that_is_not_one_is_refused_and_nothing_changes(app, client, board, value):
    before = stored_settings(app)
    answer = client.put(
        "/api/settings",
        json={"contact_email": value, "odd": "sit_out"},
        headers=as_member(board, ADMIN),
    )
    assert answer.status_code == 400
    assert (
        "email address in the correct format"
        in answer.get_json()["error"]["fields"]["contact_email"]
    )
    assert stored_settings(app) == before


def test_only_board_admins_set_the_address(app, client, board):
    answer = client.put(
        "/api/settings", json={"contact_email": "x@example.org"}, headers=as_member(board, NORMAL)
    )
    assert answer.status_code == 403
    assert "contact_email" not in stored_settings(app)


def test_an_admin_sets_the_address_in_the_power_up_and_the_footer_shows_it(page, live_app, board):
    live_app.config.update(
        ORGANISERS_EMAIL=None, MAIL_FROM="UnMentoring <hello@unmentoring.example>"
    )
    open_board(page, board, live_app)
    open_menu_item(page, "Settings")
    settings = page.frame_locator(".pu-popup iframe")
    expect(settings.locator("#contact_email-in-use")).to_have_text(
        "None is set here, so pages show hello@unmentoring.example."
    )
    settings.get_by_label("Organisers' contact address").fill("nobody at all")
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.locator("#contact_email-error")).to_contain_text("email address")
    settings.get_by_label("Organisers' contact address").fill("coffee@localgov.example")
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.get_by_role("status")).to_have_text(
        "Saved. The next preview uses these settings."
    )
    expect(settings.locator("#contact_email-in-use")).to_have_text("")

    page.goto(live_app.config["PUBLIC_URL"] + "/privacy")
    footer_link = page.locator("footer").get_by_role("link", name="coffee@localgov.example")
    expect(footer_link).to_have_attribute("href", "mailto:coffee@localgov.example")
    rights = page.locator("main").get_by_role("link", name="coffee@localgov.example")
    expect(rights).to_have_count(1)
    assert axe_violations(page) == []
