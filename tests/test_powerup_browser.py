"""The Power-Up in a real browser on the sandbox board: make pairs, badges, card section, output."""

import os
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from app import outbox
from app.db import db, utcnow
from app.models import GroupMember, Person, current_programme
from tests.browser_fixtures import axe_violations
from trello_sandbox import constants

# Every run saves its screenshots; the README's copies in powerup/screenshots/ are refreshed
# on purpose (SCREENSHOT_DIR=powerup/screenshots), so a plain test run leaves git clean.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "unmentoring-shots"
)
ADMIN, OBSERVER = constants.ADMIN_MEMBER_ID, constants.OBSERVER_MEMBER_ID
PEOPLE = [
    ("Amara Okafor", "Leeds City Council"),
    ("Bethan Rhys", "Cyngor Gwynedd"),
    ("Callum Reid", "Hackney Council"),
    ("Dev Patel", "Bristol City Council"),
    ("Erin Walsh", "Kent County Council"),
]


def add_people(app, sandbox, count):
    """Create confirmed participants with cards in Sign-ups; return {first name: card id}."""
    cards = {}
    with app.app_context():
        programme = current_programme()
        for name, org in PEOPLE[:count]:
            params = {"idList": programme.list_id("signups"), "name": f"{name} · {org}"}
            card = sandbox.api("POST", "/cards", params=params).json()
            first = name.split()[0]
            db.session.add(
                Person(
                    programme_id=programme.id,
                    full_name=name,
                    email=f"{first.lower()}@example.org",
                    organisation=org,
                    share_channels=["email"],
                    status="active",
                    confirmed_at=utcnow(),
                    trello_card_id=card["id"],
                )
            )
            cards[first] = card["id"]
        db.session.commit()
    return cards


def partners_of(app, first_name):
    """Return the first names of a person's partners in their latest round, as stored."""
    with app.app_context():
        people = {p.id: p.full_name.split()[0] for p in db.session.query(Person)}
        me = next(pid for pid, name in people.items() if name == first_name)
        mine = db.session.query(GroupMember).filter_by(person_id=me).one().group
        return [people[pid] for pid in mine.person_ids if pid != me]


@pytest.fixture
def worker(live_app):
    """Drain the outbox in the background, as `flask worker` does beside the web app."""
    stop = threading.Event()

    def drain():
        while not stop.is_set():
            with live_app.app_context():
                outbox.run_due()
            stop.wait(0.1)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


def open_board(page, sandbox, app, member=ADMIN):
    """Open the sandbox board hosting this app's Power-Up, acting as a member."""
    app_url = quote(app.config["PUBLIC_URL"], safe="")
    page.goto(f"{sandbox.url}/sandbox/board?as={member}&app={app_url}")
    expect(page.locator("body[data-powerup='ready']")).to_have_count(1)


def shoot(target, name):
    """Save a screenshot for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(SCREENSHOTS / name))


def open_menu_item(page, item):
    """Press the UnMentoring board button and choose an item from its menu."""
    page.get_by_role("button", name="UnMentoring").click()
    page.locator(".pu-popup").get_by_role("button", name=item).click()


def list_cards(page, name):
    """Return the card locator of one list on the board page."""
    return page.locator("section.list", has=page.get_by_role("heading", name=name)).locator(
        "article.card"
    )


def test_an_organiser_makes_pairs_sees_badges_and_adds_an_output_link(
    page, live_app, runner, board, worker
):
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    add_people(live_app, board, 5)
    open_board(page, board, live_app)
    page.get_by_role("button", name="UnMentoring").click()
    shoot(page, "board-button.png")
    page.locator(".pu-popup").get_by_role("button", name="Make pairs").click()

    modal = page.frame_locator(".pu-modal iframe")
    expect(modal.get_by_role("status")).to_have_text(
        "Preview ready: check the pairs, then confirm."
    )
    expect(modal.locator("#pool")).to_contain_text("Pool: 5 people · 2 groups")
    expect(modal.locator("#groups li")).to_have_count(2)
    expect(modal.locator("#groups")).to_contain_text("Amara Okafor (Leeds City Council)")
    seed = modal.locator("#draw-number").inner_text()
    assert seed.isdigit()
    shoot(page, "make-pairs-preview.png")

    modal.get_by_role("button", name="Confirm and make pairs").click()
    expect(modal.get_by_role("status")).to_have_text("Done: round 1 is on the board.")
    expect(modal.locator("#progress-text")).to_contain_text("All 5 cards moved")
    shoot(page, "make-pairs-done.png")
    modal.get_by_role("button", name="Close").click()

    matched = list_cards(page, "Matched")
    for name, _ in PEOPLE:  # the page reloads when the cards move
        expect(matched.filter(has_text=name)).to_have_count(1)
    expect(page.locator("article.card[data-badges='ready']")).to_have_count(6)  # + round card
    first = matched.filter(has_text="Amara Okafor")
    partners = partners_of(live_app, "Amara")
    expect(first.locator(".pu-badge")).to_have_text(["With " + " & ".join(partners)])
    shoot(
        page.locator("section.list", has=page.get_by_role("heading", name="Matched")),
        "card-badges.png",
    )

    first.get_by_role("button", name="Open card").click()
    section = page.frame_locator(".pu-detail iframe")
    expect(section.locator("#round")).to_contain_text("Round 1")
    expect(section.locator("#partners")).to_contain_text(partners[0])
    # Each contact detail under the label the service gives its channel.
    expect(section.locator("#contact dt").first).to_have_text("Email")
    expect(section.locator("#contact dd").first).to_have_text("amara@example.org")
    expect(section.locator("#check-in")).to_have_text("No answer yet")
    expect(section.locator("#outputs")).to_have_text("None yet")
    shoot(page.locator(".pu-detail"), "card-back-section.png")

    page.locator(".pu-detail").get_by_role("button", name="Add output link").click()
    popup = page.frame_locator(".pu-popup iframe")
    for typed, said in (
        ("not a link", "Enter a real web address"),
        ("trello.com/c/abcd1234", "not a Trello link"),
        ("mailto:amara@example.org", "must start with https://"),
    ):
        popup.get_by_label("Link to what they shared").fill(typed)
        popup.get_by_role("button", name="Add link").click()
        expect(popup.locator("#url-error")).to_contain_text(said)
    # Typed without https://, as people copy links: understood after the same checks.
    popup.get_by_label("Link to what they shared").fill("example.org/weeknote-1")
    shoot(page, "add-output-link.png")
    popup.get_by_role("button", name="Add link").click()
    # The popup confirms, and the card-back lists the link without a reload: at once as just
    # attached, then as recorded once the webhook has been through the service.
    expect(popup.get_by_role("status")).to_contain_text(
        "Link added to the card: https://example.org/weeknote-1."
    )
    expect(popup.get_by_role("button", name="Close")).to_be_focused()
    expect(section.locator("#outputs")).to_contain_text("https://example.org/weeknote-1")
    expect(section.locator("#outputs")).not_to_contain_text("None yet")
    shoot(page, "add-output-link-done.png")
    expect(section.locator("#outputs li")).to_have_text(
        ["https://example.org/weeknote-1"], timeout=20_000
    )
    expect(page.locator(".pu-detail .pu-attachments")).to_contain_text(
        "https://example.org/weeknote-1"
    )
    popup.get_by_role("button", name="Close").click()
    expect(page.locator(".pu-popup")).to_have_count(0)
    card_id = first.get_attribute("data-card-id")
    attachments = board.api("GET", f"/cards/{card_id}/attachments").json()
    assert [a["url"] for a in attachments] == ["https://example.org/weeknote-1"]

    # Trello's webhook tells the service; the card moves to Shared and its badge says so.
    page.locator(".pu-detail").get_by_role("button", name="Close Amara Okafor").click()
    shared = list_cards(page, "Shared").filter(has_text="Amara Okafor")
    expect(shared).to_have_count(1, timeout=20_000)
    expect(shared.locator(".pu-badge")).to_have_text(["With " + " & ".join(partners), "Shared ✓"])
    shoot(
        page.locator("section.list", has=page.get_by_role("heading", name="Shared")), "shared.png"
    )


def test_settings_changed_in_the_popup_are_used_by_the_next_preview(page, live_app, board):
    add_people(live_app, board, 5)
    open_board(page, board, live_app)
    open_menu_item(page, "Settings")
    settings = page.frame_locator(".pu-popup iframe")
    expect(settings.get_by_label("make one group of three")).to_be_checked()
    settings.get_by_label("Meeting window (days)").fill("3")
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.locator("#meeting_window_days-error")).to_contain_text("from 7 to 90")
    settings.get_by_label("Meeting window (days)").fill("14")
    settings.get_by_label("one person sits out").check()
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.get_by_role("status")).to_have_text(
        "Saved. The next preview uses these settings."
    )
    shoot(page, "settings.png")
    page.locator(".pu-popup").get_by_role("button", name="Close UnMentoring settings").click()

    open_menu_item(page, "Make pairs")
    modal = page.frame_locator(".pu-modal iframe")
    expect(modal.locator("#odd")).to_contain_text("sits out this round")
    expect(modal.locator("#groups li")).to_have_count(2)
    round_date = modal.locator("#pool").inner_text()
    assert "meet by" in round_date


def test_an_observer_sees_no_board_button_and_no_contact_details(page, live_app, board):
    add_people(live_app, board, 2)
    open_board(page, board, live_app, member=OBSERVER)
    expect(page.locator("body[data-powerup-buttons='ready']")).to_have_count(1)
    expect(page.get_by_role("button", name="UnMentoring")).to_have_count(0)
    list_cards(page, "Sign-ups").first.get_by_role("button", name="Open card").click()
    section = page.frame_locator(".pu-detail iframe")
    expect(section.locator("#status")).to_contain_text("Amara Okafor")
    expect(section.locator("#contact-block")).to_be_hidden()
    assert "amara@example.org" not in section.locator("body").inner_text()


def _frame(page, selector):
    """Return the Playwright Frame inside an overlay's iframe."""
    return page.locator(selector).element_handle().content_frame()


def test_the_power_up_pages_pass_axe_for_wcag_2_2_aa(page, live_app, board):
    add_people(live_app, board, 4)
    open_board(page, board, live_app)
    found = {}

    open_menu_item(page, "Make pairs")
    frame = page.frame_locator(".pu-modal iframe")
    expect(frame.get_by_role("status")).to_have_text(
        "Preview ready: check the pairs, then confirm."
    )
    found["make pairs"] = axe_violations(_frame(page, ".pu-modal iframe"))
    frame.get_by_role("button", name="Cancel").click()

    open_menu_item(page, "Settings")
    expect(page.frame_locator(".pu-popup iframe").locator("#settings")).to_be_visible()
    found["settings"] = axe_violations(_frame(page, ".pu-popup iframe"))
    page.keyboard.press("Escape")

    open_menu_item(page, "Report")
    expect(page.frame_locator(".pu-popup iframe").get_by_role("link")).to_be_visible()
    found["report"] = axe_violations(_frame(page, ".pu-popup iframe"))
    page.keyboard.press("Escape")

    list_cards(page, "Sign-ups").first.get_by_role("button", name="Open card").click()
    expect(page.frame_locator(".pu-detail iframe").locator("#story")).to_be_visible()
    found["card-back section"] = axe_violations(_frame(page, ".pu-detail iframe"))
    page.locator(".pu-detail").get_by_role("button", name="Add output link").click()
    output = page.frame_locator(".pu-popup iframe")
    output.get_by_role("button", name="Add link").click()
    expect(output.locator("#url-error")).not_to_be_empty()
    found["add output link, with its error"] = axe_violations(_frame(page, ".pu-popup iframe"))
    assert found == {name: [] for name in found}


def test_a_link_just_attached_shows_on_the_card_back_before_the_service_records_it(
    page, live_app, board, worker
):
    # No webhook registered: Trello never tells the service, so only the card-back's own
    # re-render (with the card's attachments from Trello) can show the link.
    add_people(live_app, board, 2)
    open_board(page, board, live_app)
    open_menu_item(page, "Make pairs")
    modal = page.frame_locator(".pu-modal iframe")
    modal.get_by_role("button", name="Confirm and make pairs").click()
    expect(modal.get_by_role("status")).to_have_text("Done: round 1 is on the board.")
    modal.get_by_role("button", name="Close").click()
    card = list_cards(page, "Matched").filter(has_text="Amara Okafor")
    expect(card).to_have_count(1)
    card.get_by_role("button", name="Open card").click()
    section = page.frame_locator(".pu-detail iframe")
    expect(section.locator("#outputs")).to_have_text("None yet")
    page.locator(".pu-detail").get_by_role("button", name="Add output link").click()
    popup = page.frame_locator(".pu-popup iframe")
    popup.get_by_label("Link to what they shared").fill("www.example.org/amara")
    popup.get_by_role("button", name="Add link").click()
    expect(popup.get_by_role("status")).to_contain_text("https://www.example.org/amara")
    expect(section.locator("#outputs li")).to_have_text(
        ["https://www.example.org/amara (just added: being recorded)"]
    )
    found = axe_violations(_frame(page, ".pu-popup iframe"))
    found += axe_violations(_frame(page, ".pu-detail iframe"))
    assert found == []
