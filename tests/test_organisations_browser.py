"""Organisations in a real browser: the sign-up form's autocomplete with a keyboard alone, under
the page's own Content-Security-Policy, and by axe; the plain field with JavaScript off; and the
Power-Up settings section where a board admin merges one name into another and undoes it."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.db import db, utcnow
from app.models import Person, current_programme
from tests.browser_fixtures import axe_violations
from tests.test_powerup_browser import open_board, open_menu_item, shoot
from trello_sandbox import constants

ADMIN, NORMAL = constants.ADMIN_MEMBER_ID, constants.NORMAL_MEMBER_ID


def _fill_the_rest(page, email):
    """Fill every field but the organisation, as the tests of the sign-up form do."""
    page.get_by_label("Full name", exact=True).fill("Siân Llŷr")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Every other round").check()
    page.get_by_label("I agree to UnMentoring keeping and using my details as described").check()


def _script_errors(watched):
    """Return the console errors and exceptions but the favicon's 404 (the app has none)."""
    return [error for error in watched.errors if "404" not in error]


def _organisations_of(app):
    """Return {full name: (organisation as typed, canonical organisation)} of everyone."""
    with app.app_context():
        people = db.session.scalars(select(Person))
        return {p.full_name: (p.organisation_typed, p.organisation) for p in people}


def test_the_organisation_autocomplete_works_with_a_keyboard_alone(strict_page, live_app, board):
    page = strict_page.page
    page.goto(live_app.config["PUBLIC_URL"] + "/signup")
    _fill_the_rest(page, "sian@example.org")
    combobox = page.get_by_role("combobox", name="Organisation")
    # Enhanced: the library's script ran under the page's CSP (a datalist input is a combobox too).
    expect(combobox).to_have_class(re.compile(r"\bautocomplete__input\b"))
    expect(page.locator("datalist")).to_have_count(0)
    page.get_by_label("Email address", exact=True).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "organisation"
    page.keyboard.type("leeds ci")
    options = page.get_by_role("option")
    expect(options.first).to_have_text("Leeds City Council")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(combobox).to_have_value("Leeds City Council")
    page.get_by_role("button", name="Sign up").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert _organisations_of(live_app) == {"Siân Llŷr": ("Leeds City Council",) * 2}
    assert _script_errors(strict_page) == []


def test_a_name_not_in_the_list_is_kept_as_typed(strict_page, live_app, board):
    page = strict_page.page
    page.goto(live_app.config["PUBLIC_URL"] + "/signup")
    _fill_the_rest(page, "sian@example.org")
    combobox = page.get_by_role("combobox", name="Organisation")
    expect(combobox).to_have_class(re.compile(r"\bautocomplete__input\b"))
    combobox.focus()
    page.keyboard.type("Leeds CC")
    page.keyboard.press("Tab")  # leaving the field keeps what was typed
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert _organisations_of(live_app) == {"Siân Llŷr": ("Leeds CC", "Leeds CC")}
    assert _script_errors(strict_page) == []


def test_the_form_with_the_autocomplete_open_and_with_errors_passes_axe(page, live_app, board):
    page.goto(live_app.config["PUBLIC_URL"] + "/signup")
    combobox = page.get_by_role("combobox", name="Organisation")
    expect(combobox).to_have_class(re.compile(r"\bautocomplete__input\b"))
    combobox.fill("council")
    expect(page.get_by_role("option").first).to_be_visible()
    assert axe_violations(page) == []
    page.goto(live_app.config["PUBLIC_URL"] + "/signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    combobox = page.locator("#organisation")
    expect(combobox).to_have_class(re.compile(r"\bautocomplete__input\b"))  # once enhanced
    expect(combobox).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    # The error is what a screen reader hears on reaching the field.
    described = combobox.get_attribute("aria-describedby")
    assert "Enter the organisation you work for" in page.locator(f"#{described}").inner_text()
    assert axe_violations(page) == []


def test_without_javascript_the_plain_field_signs_up(browser, live_app, board):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(live_app.config["PUBLIC_URL"] + "/signup")
        field = page.locator("#organisation")
        assert field.get_attribute("list") == "organisation-list"
        assert "autocomplete__input" not in field.get_attribute("class")  # the plain text input
        _fill_the_rest(page, "sian@example.org")
        page.get_by_label("Organisation", exact=True).fill("leeds city council")
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    finally:
        context.close()
    assert _organisations_of(live_app) == {
        "Siân Llŷr": ("leeds city council", "Leeds City Council")
    }


def _add_leeds_people(app, sandbox):
    """Add two participants with cards, from "Leeds CC" and "Leeds City Council"."""
    with app.app_context():
        programme = current_programme()
        for name, org in (("Amara Okafor", "Leeds CC"), ("Bethan Rhys", "Leeds City Council")):
            params = {"idList": programme.list_id("signups"), "name": f"{name} · {org}"}
            card = sandbox.api("POST", "/cards", params=params).json()
            person = Person(programme_id=programme.id, full_name=name, organisation=org)
            person.email = f"{name.split()[0].lower()}@example.org"
            person.share_channels, person.status = ["email"], "active"
            person.confirmed_at, person.trello_card_id = utcnow(), card["id"]
            db.session.add(person)
        db.session.commit()


def test_a_board_admin_merges_and_unmerges_organisations_in_the_settings(page, live_app, board):
    _add_leeds_people(live_app, board)
    open_board(page, board, live_app)
    open_menu_item(page, "Settings")
    settings = page.frame_locator(".pu-popup iframe")
    table = settings.locator("#organisations-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    settings.get_by_label("Merge this name").select_option(label="Leeds CC (1)")
    settings.get_by_label("into this organisation").select_option(label="Leeds CC (1)")
    settings.get_by_role("button", name="Merge").click()
    expect(settings.locator("#merge-error")).to_have_text("Choose two different organisations.")
    settings.get_by_label("into this organisation").select_option(label="Leeds City Council (1)")
    settings.get_by_role("button", name="Merge").click()
    expect(settings.locator("#organisations-status")).to_contain_text(
        "Merged Leeds CC into Leeds City Council."
    )
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr")).to_contain_text("Leeds City Council2Leeds CC (1)")
    assert _organisations_of(live_app)["Amara Okafor"] == ("Leeds CC", "Leeds City Council")
    shoot(page, "settings-organisations.png")
    frame = page.locator(".pu-popup iframe").element_handle().content_frame()
    assert axe_violations(frame) == []

    settings.get_by_role("button", name="Undo merging Leeds CC into Leeds City Council").click()
    expect(settings.locator("#organisations-status")).to_contain_text(
        "Leeds CC is its own organisation again."
    )
    expect(table.locator("tbody tr")).to_have_count(2)
    assert _organisations_of(live_app)["Amara Okafor"] == ("Leeds CC", "Leeds CC")


def test_a_member_who_is_not_an_admin_is_told_only_admins_see_organisations(page, live_app, board):
    _add_leeds_people(live_app, board)
    open_board(page, board, live_app, member=NORMAL)
    open_menu_item(page, "Settings")
    settings = page.frame_locator(".pu-popup iframe")
    expect(settings.locator("#organisations-admins")).to_be_visible()
    expect(settings.locator("#organisations")).to_be_hidden()
