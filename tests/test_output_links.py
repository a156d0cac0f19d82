"""Output links typed without their scheme are understood after the same checks; a bare domain
in a board comment stays words; adding an output confirms it and the person's page lists it."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import axe_violations
from tests.followup_helpers import followup_links, make_round, outputs
from tests.participant_helpers import manage_path, share_on_card
from tests.signup_helpers import mails_to, post_form
from tests.support import drain

pytestmark = pytest.mark.usefixtures("board")
_PAGE_LINK = re.compile(r'href="([^"]*/me/[^"]+)">See it on your page')


def _output_page(app, runner, sandbox):
    """Draw a round of two; return the first person's id, card id and output link."""
    people = make_round(app, runner, sandbox, count=2)
    person_id, (card_id, email, _) = next(iter(people.items()))
    return person_id, card_id, followup_links(mails_to(sandbox, email)[-1])["output"]


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("www.example.org/weeknote", "https://www.example.org/weeknote"),
        ("  blog.example.net/2026/12/coffee?x=1  ", "https://blog.example.net/2026/12/coffee?x=1"),
        ("//example.org/p", "https://example.org/p"),
        ("http://example.org/p", "http://example.org/p"),
    ],
)
def test_a_link_without_its_scheme_is_completed_recorded_attached_and_listed(
    app, client, runner, sandbox, typed, kept
):
    person_id, card_id, output_page = _output_page(app, runner, sandbox)
    response = post_form(client, output_page, url=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Link added" in page and kept in page
    assert outputs(app) == {(person_id, kept, "link")}
    # The confirmation leads to the person's page, which lists the output at once.
    own = client.get(urlsplit(_PAGE_LINK.search(page).group(1)).path)
    assert own.status_code == 200 and f'href="{kept}"' in own.get_data(as_text=True)
    drain(app)
    attached = sandbox.api("GET", f"/cards/{card_id}/attachments").json()
    assert [a["url"] for a in attached] == [kept]


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("v1.2", "Enter a real web address"),
        ("localhost:8080/x", "Enter a real web address"),
        ("10.0.0.1/x", "Enter a real web address"),
        ("my notes.org", "Enter a real web address"),
        ("ada@example.org", "not an email address"),
        ("mailto:ada@example.org", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("trello.com/c/abcd1234", "not a Trello link"),
    ],
)
def test_a_bare_link_is_refused_for_what_a_full_one_would_be(
    app, client, runner, sandbox, typed, problem
):
    _, card_id, output_page = _output_page(app, runner, sandbox)
    response = post_form(client, output_page, url=typed)
    assert response.status_code == 400 and problem in response.get_data(as_text=True)
    drain(app)
    assert outputs(app) == set()
    assert sandbox.api("GET", f"/cards/{card_id}/attachments").json() == []


def test_a_bare_domain_in_a_board_comment_is_not_taken_for_an_output(app, client, runner, sandbox):
    person_id, _, _ = _output_page(app, runner, sandbox)
    share_on_card(app, client, person_id, "www.example.org/someone-elses-post")
    assert outputs(app) == set()
    share_on_card(app, client, person_id, "https://www.example.org/mine")
    assert outputs(app) == {(person_id, "https://www.example.org/mine", "comment")}


def test_in_a_browser_the_person_adds_a_bare_link_sees_it_confirmed_and_on_their_page(
    page, live_app, runner, board
):
    people = make_round(live_app, runner, board, count=2)
    person_id = next(iter(people))
    page.goto(live_app.config["PUBLIC_URL"] + manage_path(live_app, person_id))
    page.get_by_role("link", name="add the link here").click()
    field = page.get_by_label("Add the link to what you shared")
    field.fill("not a link")
    page.get_by_role("button", name="Add the link").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Enter a real web address")
    found = axe_violations(page)
    field.fill("www.example.org/what-i-learned")
    page.get_by_role("button", name="Add the link").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Link added")
    expect(page.get_by_text("https://www.example.org/what-i-learned")).to_be_visible()
    found += axe_violations(page)
    page.get_by_role("link", name="See it on your page").click()
    expect(page.get_by_text("You shared:")).to_be_visible()
    link = page.get_by_role("link", name="https://www.example.org/what-i-learned")
    expect(link).to_have_attribute("href", "https://www.example.org/what-i-learned")
    assert found == []
