"""Issue 16's first acceptance, in a real browser on the sandbox: two boards enable the
Power-Up and their admins set up their own programmes; people sign up on each programme's
pages; each board makes pairs; the cards, mails and reports stay apart. One person in both
programmes pauses one and stays active in the other."""

import re
import time
from urllib.parse import quote

import pytest
import requests
from playwright.sync_api import expect

from tests.programme_helpers import NIA, OLU, member_token, sandbox_board
from tests.test_powerup_browser import worker  # noqa: F401 - the background worker fixture

SET_UP = "Set up UnMentoring on this board"
LINK = re.compile(r"https?://[^\s]+/(?:signup/confirm|me)/[A-Za-z0-9_.\-]+")
BRIDGE = {"name": "Bridge network", "slug": "bridge", "contact": "bridge@example.org"}
COAST = {"name": "Coast councils", "slug": "coast", "contact": "coast@example.org"}
# Sam takes part in both programmes with one address.
BRIDGE_PEOPLE = [
    ("Amara Okafor", "amara@example.org", "Leeds City Council"),
    ("Ben Carter", "ben@example.org", "Bristol City Council"),
    ("Cara Doyle", "cara@example.org", "Cardiff Council"),
    ("Dev Patel", "dev@example.org", "Derby City Council"),
    ("Sam Shore", "sam@example.org", "Sheffield City Council"),
]
COAST_PEOPLE = [
    ("Eve Evans", "eve@example.org", "Conwy County Borough Council"),
    ("Finn Fox", "finn@example.org", "Cornwall Council"),
    ("Gita Rao", "gita@example.org", "Brighton and Hove City Council"),
    ("Sam Shore", "sam@example.org", "Sheffield City Council"),
]


def open_board(page, sandbox, app, board_id, member):
    """Open a sandbox board as a member, hosting the app's Power-Up; wait for its buttons."""
    app_url = quote(app.config["PUBLIC_URL"], safe="")
    page.goto(f"{sandbox.url}/sandbox/board?board={board_id}&as={member}&app={app_url}")
    expect(page.locator("body[data-powerup-buttons='ready']")).to_have_count(1)


def set_up(page, sandbox, app, board_id, admin, programme):
    """Set up UnMentoring on a board from its Power-Up, as its admin, allowing it on Trello."""
    open_board(page, sandbox, app, board_id, admin)
    page.get_by_role("button", name=SET_UP).click()
    form = page.frame_locator(".pu-popup iframe")
    form.get_by_label("Programme name").fill(programme["name"])
    form.get_by_label("Short web address").fill(programme["slug"])
    form.get_by_label("Organisers' contact address").fill(programme["contact"])
    form.get_by_label("List this programme on the service's start page").check()
    with page.expect_popup() as opened:
        form.get_by_role("button", name="Authorise and set up").click()
    consent = opened.value
    consent.wait_for_load_state()
    consent.get_by_role("button", name="Allow").click()
    expect(form.locator("#status")).to_contain_text("UnMentoring is set up on this board")
    form.get_by_role("button", name="Close").click()


def mails_to(sandbox, address):
    """Return the sandbox's mails to an address, oldest first."""
    return [m for m in sandbox.mails() if address in str(m["to"])]


def wait_for_mail(sandbox, address, subject_part, seconds=20.0):
    """Wait for the background worker to send a mail to an address; return it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in mails_to(sandbox, address) if subject_part in m["subject"]]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail about {subject_part!r} reached {address}")


def link_in(mail, kind):
    """Return the full signed link of a kind ("signup/confirm" or "me") in a mail."""
    return next(url for url in LINK.findall(mail["text"]) if f"/{kind}/" in url)


def sign_up(page, sandbox, base, programme, person):
    """Sign up on a programme's own pages and confirm from the mail, as a person would."""
    name, email, organisation = person
    page.goto(f"{base}/p/{programme['slug']}/")
    expect(page).to_have_title(re.compile(programme["name"]))
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Full name", exact=True).fill(name)
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Organisation", exact=True).fill(organisation)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Every other round").check()
    page.get_by_label(re.compile("I agree to .* keeping and using my details")).check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    mail = wait_for_mail(sandbox, email, programme["name"])
    confirm = link_in(mail, "signup/confirm")
    assert f"/p/{programme['slug']}/signup/confirm/" in confirm
    page.goto(confirm)
    page.get_by_role("button", name="Confirm and join").click()
    expect(page.get_by_role("heading", name="You are signed up")).to_be_visible()


def make_pairs(page, sandbox, app, board_id, admin, pool):
    """Preview and make a round from the board's UnMentoring button."""
    open_board(page, sandbox, app, board_id, admin)
    page.get_by_role("button", name="UnMentoring", exact=True).click()
    page.locator(".pu-popup").get_by_role("button", name="Make pairs").click()
    modal = page.frame_locator(".pu-modal iframe")
    expect(modal.get_by_role("status")).to_have_text(
        "Preview ready: check the pairs, then confirm."
    )
    expect(modal.locator("#pool")).to_contain_text(f"Pool: {pool} people")
    modal.get_by_role("button", name="Confirm and make pairs").click()
    expect(modal.get_by_role("status")).to_have_text("Done: round 1 is on the board.")
    expect(modal.locator("#progress-text")).to_contain_text(f"All {pool} cards moved")


def board_cards(sandbox, board_id, token):
    """Return {list name: sorted card names} of a board, read with its admin's token."""
    base = f"{sandbox.url}/1/boards/{board_id}"
    params = {"key": sandbox.key, "token": token}
    lists = requests.get(f"{base}/lists", params=params, timeout=10).json()
    cards = requests.get(f"{base}/cards", params=params, timeout=10).json()
    names = {item["id"]: item["name"] for item in lists}
    found = {}
    for card in cards:
        found.setdefault(names[card["idList"]], []).append(card["name"])
    return {name: sorted(cards) for name, cards in found.items()}


def wait_for_cards(sandbox, board_id, token, list_name, count, seconds=30.0):
    """Wait until a list of a board holds count people's cards; return the board's cards."""
    deadline = time.monotonic() + seconds
    while True:
        cards = board_cards(sandbox, board_id, token)
        people = [c for c in cards.get(list_name, []) if " · " in c and "Round" not in c]
        if len(people) == count or time.monotonic() > deadline:
            return cards
        time.sleep(0.2)


def report(base, slug):
    """Return a programme's open-data report."""
    return requests.get(f"{base}/p/{slug}/report.json", timeout=10).json()


# The browser walks the Power-Up and pages; that nothing of one programme reaches the other on
# PostgreSQL is tested there too, through every route (test_programme_isolation.py).
@pytest.mark.sqlite_only
def test_two_boards_run_their_own_programmes_side_by_side(page, live_app, sandbox, worker):  # noqa: F811
    app, base = live_app, live_app.config["PUBLIC_URL"]
    app.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"
    bridge = sandbox_board(sandbox, BRIDGE["name"], {NIA: "admin", OLU: "normal"})
    coast = sandbox_board(sandbox, COAST["name"], {OLU: "admin", NIA: "observer"})
    set_up(page, sandbox, app, bridge["id"], NIA, BRIDGE)
    set_up(page, sandbox, app, coast["id"], OLU, COAST)
    nia, olu = member_token(sandbox, NIA), member_token(sandbox, OLU)

    # The service's start page lists both; each programme's page is its own.
    page.goto(base + "/")
    for programme in (BRIDGE, COAST):
        link = page.get_by_role("link", name=programme["name"])
        expect(link).to_have_attribute("href", re.compile(f"/p/{programme['slug']}/$"))

    for person in BRIDGE_PEOPLE:
        sign_up(page, sandbox, base, BRIDGE, person)
    for person in COAST_PEOPLE:
        sign_up(page, sandbox, base, COAST, person)
    bridge_cards = wait_for_cards(sandbox, bridge["id"], nia, "Sign-ups", 5)
    coast_cards = wait_for_cards(sandbox, coast["id"], olu, "Sign-ups", 4)
    assert bridge_cards["Sign-ups"] == sorted(f"{n} · {o}" for n, _, o in BRIDGE_PEOPLE)
    assert coast_cards["Sign-ups"] == sorted(f"{n} · {o}" for n, _, o in COAST_PEOPLE)

    # Sam pauses in Bridge from Bridge's own page; Coast is untouched.
    [bridge_mail] = [m for m in mails_to(sandbox, "sam@example.org") if "Bridge" in m["subject"]][
        -1:
    ]
    sam_bridge_page = link_in(bridge_mail, "me")
    assert "/p/bridge/me/" in sam_bridge_page
    page.goto(sam_bridge_page)
    page.get_by_role("link", name="Pause until a date").click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(time.gmtime().tm_year + 1))
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("You are paused until")
    # Her page lists her other programme, which she stays active in.
    expect(page.get_by_role("link", name=re.compile(COAST["name"]))).to_be_visible()

    make_pairs(page, sandbox, app, bridge["id"], NIA, 4)
    make_pairs(page, sandbox, app, coast["id"], OLU, 4)
    bridge_cards = wait_for_cards(sandbox, bridge["id"], nia, "Matched", 4)
    coast_cards = wait_for_cards(sandbox, coast["id"], olu, "Matched", 4)

    # Cards: each board holds only its own people; Sam is paused on one, matched on the other.
    bridge_names = {c for cards in bridge_cards.values() for c in cards}
    coast_names = {c for cards in coast_cards.values() for c in cards}
    for name, _, _ in COAST_PEOPLE[:3]:
        assert not any(name in c for c in bridge_names)
    for name, _, _ in BRIDGE_PEOPLE[:4]:
        assert not any(name in c for c in coast_names)
    assert "Sam Shore · Sheffield City Council" in bridge_cards["Paused"]
    assert "Sam Shore · Sheffield City Council" in coast_cards["Matched"]

    # Mails: each introduction names its own programme and partners from it only.
    for _name, email, _ in BRIDGE_PEOPLE[:4]:
        intro = wait_for_mail(sandbox, email, "round 1: meet")
        assert BRIDGE["name"] in intro["text"] and BRIDGE["contact"] in intro["text"]
        assert "/p/bridge/me/" in intro["text"] and "/p/coast/" not in intro["text"]
        for other, _, _ in COAST_PEOPLE[:3]:
            assert other not in intro["text"]
    sam_intros = [
        m for m in mails_to(sandbox, "sam@example.org") if "round 1: meet" in m["subject"]
    ]
    assert len(sam_intros) == 1 and COAST["name"] in sam_intros[0]["text"]

    # Reports: each programme counts its own round; the first programme has none.
    assert report(base, "bridge")["rounds"][0]["people_in_pool"] == 4
    assert report(base, "coast")["rounds"][0]["people_in_pool"] == 4
    assert requests.get(f"{base}/report.json", timeout=10).json()["rounds"] == []
