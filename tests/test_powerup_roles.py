"""The Power-Up as each kind of viewer meets it, with the CSP enforced: no button the viewer
cannot use, no empty heading, no console error, and no API call from anyone who may not make one;
and a board of 300 cards rendered with one API request for all their badges."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from app.db import db
from app.models import Person, current_programme
from app.rounds.service import confirm_round
from tests.support import drain
from tests.test_powerup_browser import add_people, list_cards
from trello_sandbox import constants

ADMIN, NORMAL = constants.ADMIN_MEMBER_ID, constants.NORMAL_MEMBER_ID
OBSERVER, OUTSIDER = constants.OBSERVER_MEMBER_ID, constants.OUTSIDER_MEMBER_ID
EMPTY_HEADINGS = """() => [...document.querySelectorAll('h1,h2,h3,dt')].filter(el => {
  if (!el.offsetParent && getComputedStyle(el).position !== 'absolute') return false;
  const next = el.tagName === 'DT' ? el.nextElementSibling : el.parentElement;
  return !next || !next.innerText.replace(el.innerText, '').trim();
}).map(el => el.outerHTML)"""


@pytest.fixture
def drawn(live_app, board):
    """Five participants with a round drawn and on the board, and an organiser's own card."""
    add_people(live_app, board, 5)
    with live_app.app_context():
        programme = current_programme()
        confirm_round(programme, 5)
        signups = programme.list_id("signups")
    drain(live_app)
    board.api("POST", "/cards", params={"idList": signups, "name": "Venue ideas"})
    return board


def open_as(strict_page, sandbox, app, member):
    """Open the sandbox board hosting the app's Power-Up as one viewer; wait for the badges."""
    url = quote(app.config["PUBLIC_URL"], safe="")
    strict_page.page.goto(f"{sandbox.url}/sandbox/board?as={member}&app={url}")
    page = strict_page.page
    expect(page.locator("body[data-powerup-buttons='ready']")).to_have_count(1)
    cards = page.locator("article.card[data-card-id]")
    expect(page.locator("article.card[data-badges='ready']")).to_have_count(cards.count())
    return page


def card_back(page, list_name, name):
    """Open the card whose name starts so, and return its UnMentoring section's frame once it
    has said something."""
    title = page.locator("h3", has_text=re.compile("^" + re.escape(name)))
    card = list_cards(page, list_name).filter(has=title)
    card.get_by_role("button", name="Open card").click()
    expect(page.locator(".pu-detail .pu-card-buttons[data-ready='yes']")).to_have_count(1)
    section = page.frame_locator(".pu-detail iframe")
    expect(section.locator("#status")).not_to_have_text("Loading…")
    return section


def section_frame(page):
    """Return the card-back section's Frame, to run checks inside it."""
    return page.locator(".pu-detail iframe").element_handle().content_frame()


def close_card(page):
    """Close the open card."""
    page.locator(".pu-detail").get_by_role("button", name="Close", exact=False).first.click()


@pytest.mark.parametrize("member", [OBSERVER, NORMAL])
def test_members_who_cannot_change_everything_see_only_what_works_for_them(
    strict_page, live_app, drawn, member
):
    page = open_as(strict_page, drawn, live_app, member)
    if member == OBSERVER:
        expect(page.get_by_role("button", name="UnMentoring")).to_have_count(0)
    else:
        page.get_by_role("button", name="UnMentoring").click()
        page.locator(".pu-popup").get_by_role("button", name="Settings").click()
        settings = page.frame_locator(".pu-popup iframe")
        expect(settings.locator("#read-only")).to_have_text(
            "Only board admins can change these settings."
        )
        expect(settings.get_by_role("button", name="Save settings")).to_be_hidden()
        expect(settings.get_by_label("Meeting window (days)")).to_be_disabled()
        page.keyboard.press("Escape")
    section = card_back(page, "Matched", "Amara Okafor")
    expect(section.locator("#story")).to_be_visible()
    buttons = page.locator(".pu-detail .pu-card-buttons").get_by_role("button")
    expect(buttons).to_have_count(0 if member == OBSERVER else 1)
    assert section_frame(page).evaluate(EMPTY_HEADINGS) == []
    close_card(page)
    round_card = card_back(page, "Matched", "Round 1 · ")
    expect(round_card.locator("#status")).to_contain_text("The card of round 1")
    expect(buttons).to_have_count(0)  # an output belongs on a participant's card
    expect(round_card.locator("#status")).to_contain_text("Progress: 0 of 5 shared")
    assert section_frame(page).evaluate(EMPTY_HEADINGS) == []
    close_card(page)
    other = card_back(page, "Sign-ups", "Venue ideas")
    expect(other.locator("#status")).to_have_text(
        "This card is not an UnMentoring participant\u2019s card."
    )
    assert section_frame(page).evaluate(EMPTY_HEADINGS) == []
    assert strict_page.errors == []


@pytest.mark.parametrize(
    "member, says",
    [
        (OUTSIDER, "Only members of this board can see UnMentoring on its cards."),
        ("signed-out", "Sign in to Trello to see UnMentoring here."),
    ],
)
def test_viewers_who_are_not_members_get_a_plain_sentence_and_the_api_is_never_asked(
    strict_page, live_app, drawn, member, says
):
    page = open_as(strict_page, drawn, live_app, member)
    expect(page.get_by_role("button", name="UnMentoring")).to_have_count(0)
    expect(page.locator(".pu-badge")).to_have_count(0)
    section = card_back(page, "Matched", "Amara Okafor")
    expect(section.locator("#status")).to_have_text(says)
    expect(page.locator(".pu-detail .pu-card-buttons").get_by_role("button")).to_have_count(0)
    assert section_frame(page).evaluate(EMPTY_HEADINGS) == []
    assert strict_page.calls_to(live_app.config["PUBLIC_URL"] + "/api/") == []
    assert strict_page.errors == []


@pytest.mark.sqlite_only  # 300 cards take a while to set up; the queries run on both elsewhere
def test_a_board_of_300_cards_renders_its_badges_with_one_api_request(strict_page, live_app, board):
    add_many(live_app, board, 300)
    page = open_as(strict_page, board, live_app, ADMIN)
    expect(page.locator(".pu-badge", has_text="Paused")).to_have_count(30)
    api = strict_page.calls_to(live_app.config["PUBLIC_URL"] + "/api/")
    badges = [url for url in api if url.endswith(f"/api/boards/{board.board_id}/cards")]
    # One request for every card's badges; the board buttons ask whether the board is set up.
    assert len(badges) == 1 and len(api) <= 3, api
    assert strict_page.errors == []


def add_many(app, sandbox, count):
    """Add count participants with cards in Sign-ups, every tenth of them paused."""
    with app.app_context():
        programme = current_programme()
        for n in range(count):
            params = {"idList": programme.list_id("signups"), "name": f"P{n:03d} · Org {n % 7}"}
            card = sandbox.api("POST", "/cards", params=params).json()
            db.session.add(
                Person(
                    programme_id=programme.id,
                    full_name=f"P{n:03d}",
                    email=f"p{n}@example.org",
                    organisation=f"Org {n % 7}",
                    share_channels=["email"],
                    status="paused" if n % 10 == 0 else "active",
                    trello_card_id=card["id"],
                )
            )
        db.session.commit()
