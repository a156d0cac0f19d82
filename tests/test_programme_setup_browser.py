"""A board admin sets up UnMentoring on their own board in a real browser: Nia enables the
Power-Up on a second sandbox board, presses Set up, fills the form, allows UnMentoring in
Trello's consent window, and the board gets its four lists and the UnMentoring menu."""

from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser_fixtures import axe_violations
from tests.programme_helpers import NIA, OLU, sandbox_board
from tests.test_programme_setup import LISTS, board_hooks, board_lists, programme_row
from trello_sandbox import constants

SET_UP = "Set up UnMentoring on this board"
ADA = constants.ADMIN_MEMBER_ID  # the first board's admin, whose account is the service's own


def open_board(page, sandbox, app, board_id, member):
    """Open a sandbox board acting as member, hosting the app's Power-Up; wait for its buttons."""
    app_url = quote(app.config["PUBLIC_URL"], safe="")
    page.goto(f"{sandbox.url}/sandbox/board?board={board_id}&as={member}&app={app_url}")
    expect(page.locator("body[data-powerup-buttons='ready']")).to_have_count(1)


def popup_frame(page):
    """Return the open popup's Frame, to run axe in it."""
    return page.locator(".pu-popup iframe").element_handle().content_frame()


def test_nia_sets_up_unmentoring_on_her_board_from_the_power_up(page, live_app, sandbox):
    board = sandbox_board(sandbox)
    open_board(page, sandbox, live_app, board["id"], OLU)
    expect(page.get_by_role("button", name=SET_UP)).to_have_count(0)  # Olu is no admin
    expect(page.get_by_role("button", name="UnMentoring", exact=True)).to_have_count(0)

    open_board(page, sandbox, live_app, board["id"], NIA)
    windows = []
    page.on("popup", lambda window: windows.append(window))
    page.get_by_role("button", name=SET_UP).click()
    form = page.frame_locator(".pu-popup iframe")
    form.get_by_label("Programme name").fill("Second network")
    form.get_by_label("Short web address").fill("second-network")
    expect(form.locator("#slug-url")).to_have_text(
        f"Its pages will be at {live_app.config['PUBLIC_URL']}/p/second-network/."
    )
    form.get_by_label("Organisers' contact address").fill("organisers at second.example")
    form.get_by_label("List this programme on the service's start page").check()
    with page.expect_popup() as opened:
        form.get_by_role("button", name="Authorise and set up").click()
    consent = opened.value
    consent.wait_for_load_state()
    assert "Nia Volunteer" in consent.locator("main").inner_text()
    consent.get_by_role("button", name="Allow").click()

    # The address was wrong: said beside its field; nothing is set up yet.
    expect(form.locator("#contact_email-error")).to_contain_text("Enter an email address")
    expect(form.get_by_label("Organisers' contact address")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert programme_row(live_app, board["id"]) is None
    assert axe_violations(popup_frame(page)) == []
    # Put right, it is sent again with the authorisation already given: no second window.
    form.get_by_label("Organisers' contact address").fill("organisers@second.example")
    form.get_by_role("button", name="Authorise and set up").click()
    expect(form.locator("#status")).to_contain_text("UnMentoring is set up on this board")
    pages = f"{live_app.config['PUBLIC_URL']}/p/second-network/"
    expect(form.locator("#pages-url")).to_have_text(pages)
    assert len(windows) == 1  # the one consent window
    assert axe_violations(popup_frame(page)) == []

    assert board_lists(sandbox, board["id"]) == LISTS
    assert len(board_hooks(sandbox, board["id"])) == 1
    assert programme_row(live_app, board["id"])[:2] == ("active", "second-network")
    form.get_by_role("button", name="Close").click()
    open_board(page, sandbox, live_app, board["id"], NIA)
    expect(page.get_by_role("button", name="UnMentoring", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name=SET_UP)).to_have_count(0)
    # The Power-Ups gear now says authorised, asking the service rather than the browser.
    page.locator("#power-ups summary").click()
    page.get_by_role("button", name="UnMentoring settings").click()
    expect(page.locator(".pu-auth")).to_have_attribute("data-status", "authorized")

    # Taking the authorisation back, from the settings: UnMentoring stops on the board.
    page.keyboard.press("Escape")
    page.get_by_role("button", name="UnMentoring", exact=True).click()
    page.locator(".pu-popup").get_by_role("button", name="Settings").click()
    settings = page.frame_locator(".pu-popup iframe")
    settings.get_by_role("button", name="Remove UnMentoring's authorisation").click()
    settings.get_by_role("button", name="Yes, remove it and stop UnMentoring here").click()
    expect(settings.locator("#authorisation-status")).to_contain_text("UnMentoring has stopped")
    assert programme_row(live_app, board["id"])[0] == "stopped"
    assert board_hooks(sandbox, board["id"]) == []
    open_board(page, sandbox, live_app, board["id"], NIA)
    # Set up again, the form holds what the programme had.
    page.get_by_role("button", name=SET_UP).click()
    again = page.frame_locator(".pu-popup iframe")
    expect(again.get_by_label("Short web address")).to_have_value("second-network")
    expect(again.get_by_label("Organisers' contact address")).to_have_value(
        "organisers@second.example"
    )


def test_the_service_s_own_board_offers_no_removal_of_its_authorisation(page, live_app, board):
    app_url = quote(live_app.config["PUBLIC_URL"], safe="")
    page.goto(f"{board.url}/sandbox/board?as={ADA}&app={app_url}")
    page.get_by_role("button", name="UnMentoring", exact=True).click()
    page.locator(".pu-popup").get_by_role("button", name="Settings").click()
    settings = page.frame_locator(".pu-popup iframe")
    expect(settings.get_by_role("button", name="Save settings")).to_be_visible()
    expect(settings.locator("#authorisation")).to_be_hidden()
