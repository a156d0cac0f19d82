"""The feed opt-in: a box on the sign-up form and on the participant's details page."""

from tests.signup_helpers import (
    FORM,
    people,
    post_form,
    sign_up,
    signed_up_and_confirmed,
)

LABEL = "Name me beside my outputs in the public feed"
DETAILS = {
    k: FORM[k] for k in ("name", "email", "organisation", "phone", "topics", "share", "frequency")
}


def _ticked(page):
    """Tell whether the page's credit checkbox is ticked."""
    tag = page.split('name="credit"', 1)[1].split(">", 1)[0]
    return "checked" in tag


def test_the_sign_up_form_offers_the_feed_opt_in_unticked(client):
    page = client.get("/signup").get_data(as_text=True)
    assert LABEL in page and 'name="credit"' in page
    assert not _ticked(page)


def test_ticking_the_box_on_sign_up_opts_in_and_leaving_it_does_not(app, client, board):
    signed_up_and_confirmed(app, client, board, credit="yes")
    signed_up_and_confirmed(app, client, board, email="grace@example.org", name="Grace Hopper")
    opted = {person["email"]: person["credit_name"] for person in people(app)}
    assert opted == {"ada@example.org": True, "grace@example.org": False}


def test_a_link_cannot_tick_the_box_for_someone(app, client, board):
    page = client.get("/signup?credit=yes&name=Ada").get_data(as_text=True)
    assert 'value="Ada"' in page and not _ticked(page)
    sign_up(client)
    assert people(app)[0]["credit_name"] is False


def test_the_details_page_shows_and_changes_the_choice(app, client, board):
    manage = signed_up_and_confirmed(app, client, board, credit="yes")
    page = client.get(manage + "/details").get_data(as_text=True)
    assert LABEL in page and _ticked(page)
    assert post_form(client, manage + "/details", **DETAILS).status_code == 302
    assert people(app)[0]["credit_name"] is False
    assert post_form(client, manage + "/details", **DETAILS, credit="yes").status_code == 302
    assert people(app)[0]["credit_name"] is True
