"""In a real browser: sign up, confirm from the mail, see the card; errors; WCAG 2.2 AA by axe."""

import requests
from playwright.sync_api import expect

from tests.browser_fixtures import axe_violations
from tests.signup_helpers import count_people, links_in, mails_to, signed_up_and_confirmed
from tests.support import drain


def _fill_form(page, **overrides):
    """Fill the sign-up form as a person would, with some answers changed."""
    answers = {
        "Full name": "Siân Llŷr",
        "Email address": "sian@example.org",
        "Organisation": "Cyngor Gwynedd",
        "Telephone number (optional)": "020 7946 0018",
        **overrides,
    }
    for label, value in answers.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Every other round").check()


def test_a_person_signs_up_confirms_from_the_mail_and_their_card_appears(page, live_app, board):
    base = live_app.config["PUBLIC_URL"]
    page.goto(base + "/")
    page.get_by_role("button", name="Start now").click()
    _fill_form(page)
    page.get_by_label("What would you like to talk about? (optional)").fill("Digital in Welsh")
    page.get_by_label("I agree to UnMentoring keeping and using my details as described").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    drain(live_app)
    [mail] = mails_to(board, "sian@example.org")
    page.goto(base + links_in(mail)["confirm"])
    page.get_by_role("button", name="Confirm and join").click()
    expect(page.get_by_role("heading", name="You are signed up")).to_be_visible()
    drain(live_app)

    page.goto(board.url + "/sandbox/board")
    signups = page.locator("section.list", has_text="Sign-ups")
    card = signups.locator(".card", has_text="Siân Llŷr · Cyngor Gwynedd")
    assert card.count() == 1
    text = card.inner_text()
    for contact in ("sian@example.org", "7946", "0018"):
        assert contact not in text
    assert "Digital in Welsh" in text


def test_bad_email_phone_and_no_consent_show_linked_errors_and_keep_the_input(
    page, live_app, board
):
    base = live_app.config["PUBLIC_URL"]
    page.goto(base + "/signup")
    _fill_form(page, **{"Email address": "sian@", "Telephone number (optional)": "12"})
    page.get_by_label("Telephone", exact=True).check()
    page.get_by_role("button", name="Sign up").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    links = {a.inner_text(): a.get_attribute("href") for a in summary.locator("a").all()}
    assert set(links.values()) == {"#email", "#phone", "#consent"}
    for href in links.values():
        assert page.locator(href).count() == 1
    assert page.locator("#name").input_value() == "Siân Llŷr"
    assert page.locator("#organisation").input_value() == "Cyngor Gwynedd"
    assert page.locator("#email").input_value() == "sian@"
    assert page.get_by_label("Every other round").is_checked()
    assert page.title().startswith("Error: ")
    page.screenshot(path=str(_screenshot_dir(live_app) / "signup-errors.png"), full_page=True)
    # Following an error's link puts the cursor in its field.
    summary.locator('a[href="#phone"]').click()
    assert page.evaluate("document.activeElement.id") == "phone"
    assert count_people(live_app) == 0
    drain(live_app)
    assert board.mails() == []


def _screenshot_dir(app):
    """Return the test's instance folder, where screenshots go."""
    from pathlib import Path

    return Path(app.instance_path)


def test_form_error_state_and_participant_pages_meet_wcag_22_aa(page, live_app, board, roomy):
    base = live_app.config["PUBLIC_URL"]
    manage = signed_up_and_confirmed(live_app, live_app.test_client(), board)
    # The details, leave and privacy pages reuse these pages' components and add none.
    pages = {"start": "/", "form": "/signup", "manage": manage, "pause": manage + "/pause"}
    found = {}
    for name, path in pages.items():
        page.goto(base + path)
        found[name] = axe_violations(page)
    page.goto(base + "/signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    found["form with errors"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_pages_load_nothing_from_other_sites_and_no_gov_uk_branding(page, live_app, board):
    base = live_app.config["PUBLIC_URL"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base + "/signup")
    assert requested and all(url.startswith(base) for url in requested)
    css = requests.get(base + "/static/build/unmentoring.css", timeout=5)
    assert css.status_code == 200 and "GDS Transport" not in css.text
    html = page.content()
    assert "govuk-logo" not in html and "govuk-header" not in html
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "system-ui" in family
