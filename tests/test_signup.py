"""Sign-up: double opt-in, one person and one card per address, no contact details on the board."""

import re

from tests.signup_helpers import (
    FORM,
    board_lists,
    count_people,
    csrf_token,
    eight_days_on,
    links_in,
    mails_to,
    people,
    post_form,
    sign_up,
    signed_up_and_confirmed,
)
from tests.support import drain


def test_signing_up_mails_a_confirmation_and_keeps_the_person_pending(app, client, board):
    response = sign_up(client)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    [person] = people(app)
    assert person["status"] == "pending" and person["consented_at"] is not None
    assert person["email"] == "ada@example.org" and person["phone"] == "+442079460018"
    drain(app)
    [mail] = mails_to(board, "ada@example.org")
    assert "confirm" in links_in(mail)
    assert board_lists(board)[0]["Sign-ups"] == []


def test_opening_the_link_asks_first_and_only_confirming_makes_a_card(app, client, board):
    sign_up(client)
    drain(app)
    confirm = links_in(mails_to(board, "ada@example.org")[0])["confirm"]
    # Mail scanners open links: opening alone changes nothing.
    assert "Confirm and join" in client.get(confirm).get_data(as_text=True)
    assert people(app)[0]["status"] == "pending"
    response = post_form(client, confirm)
    assert "You are signed up" in response.get_data(as_text=True)
    assert people(app)[0]["status"] == "active"
    drain(app)
    [card] = board_lists(board)[0]["Sign-ups"]
    assert card["name"] == "Ada Lovelace · Analytical Council"
    assert "Engines that weave algebra" in card["desc"]
    for secret in ("ada@example.org", "7946", "0018"):
        assert secret not in card["name"] + card["desc"]
    assert people(app)[0]["trello_card_id"] == card["id"]
    welcome = mails_to(board, "ada@example.org")[-1]
    assert "manage" in links_in(welcome)


def test_confirming_twice_makes_one_card(app, client, board):
    sign_up(client)
    drain(app)
    confirm = links_in(mails_to(board, "ada@example.org")[0])["confirm"]
    token = csrf_token(client)
    client.post(confirm, data={"csrf_token": token})
    second = client.post(confirm, data={"csrf_token": token})
    assert second.status_code == 200 and "You are signed up" in second.get_data(as_text=True)
    drain(app)
    assert len(board_lists(board)[0]["Sign-ups"]) == 1


def test_a_second_sign_up_with_the_same_address_mails_the_manage_link_instead(app, client, board):
    signed_up_and_confirmed(app, client, board)
    before = board_lists(board)[0]["Sign-ups"]
    again = sign_up(client, name="Someone Else", email="ADA@Example.org")
    assert "Check your email" in again.get_data(as_text=True)
    drain(app)
    assert count_people(app) == 1 and people(app)[0]["full_name"] == "Ada Lovelace"
    assert board_lists(board)[0]["Sign-ups"] == before
    latest = mails_to(board, "ada@example.org")[-1]
    assert "already signed up" in latest["text"] and "manage" in links_in(latest)
    assert "confirm" not in links_in(latest)


def test_the_page_is_the_same_for_a_new_and_a_known_address(app, client, board):
    signed_up_and_confirmed(app, client, board)
    known = sign_up(client).get_data(as_text=True).replace("ada@example.org", "X")
    new = sign_up(client, email="grace@example.org").get_data(as_text=True)
    new = new.replace("grace@example.org", "X")
    nonce = re.compile(r'nonce="[^"]+"')
    assert nonce.sub("", known) == nonce.sub("", new)


def test_a_pending_person_signing_up_again_gets_one_new_link_and_their_latest_details(
    app, client, board
):
    sign_up(client)
    sign_up(client, organisation="Difference Engine Trust")
    drain(app)
    assert count_people(app) == 1
    assert people(app)[0]["organisation"] == "Difference Engine Trust"
    # Within ten minutes the first link still works, so the inbox is not flooded.
    assert len(mails_to(board, "ada@example.org")) == 1


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(app, client, board):
    response = sign_up(client, website="http://spam.example")
    assert "Check your email" in response.get_data(as_text=True)
    drain(app)
    assert count_people(app) == 0 and board.mails() == []


def test_a_post_without_the_form_token_is_refused_and_stores_nothing(app, client, board):
    response = client.post("/signup", data=FORM)
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert count_people(app) == 0


def test_posts_from_one_address_are_rate_limited(app, client, board):
    app.config["SIGNUP_RATE_LIMIT"] = "3 per minute"
    token = csrf_token(client)
    codes = [
        client.post("/signup", data={**FORM, "csrf_token": token}).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert client.get("/signup").status_code == 200  # reading the form is never limited


def test_the_form_can_be_prefilled_from_a_link_but_never_agrees_for_the_person(client):
    page = client.get("/signup?name=Ada+Lovelace&organisation=Leeds&consent=yes").get_data(
        as_text=True
    )
    assert 'value="Ada Lovelace"' in page and 'value="Leeds"' in page
    assert "checked" not in page.split('id="consent"')[1].split(">")[0]


def test_a_typed_organisation_is_suggested_once_five_confirmed_people_gave_it_never_before(
    app, client, board, roomy
):
    """The public form names an organisation people typed only when the public report would:
    from 5 people who confirmed."""

    def offered():
        page = client.get("/signup").get_data(as_text=True)
        return page.split('<datalist id="organisation-list">')[1].split("</datalist>")[0]

    for n in range(5):
        sign_up(client, email=f"mallory{n}@example.org", organisation="Spam Ltd")
    for n, typed in enumerate(["Analytical Council", *["analytical council"] * 3]):
        signed_up_and_confirmed(
            app, client, board, email=f"analyst{n}@example.org", organisation=typed
        )
    # A few people's own words, and strangers' unconfirmed typing, are never offered to others.
    assert "Analytical" not in offered() and "Spam" not in offered()
    # The seed list's official names are offered to everyone.
    assert '<option value="Leeds City Council">' in offered()
    signed_up_and_confirmed(
        app, client, board, email="grace@example.org", organisation="Analytical  Council."
    )
    assert '<option value="Analytical Council">' in offered() and "Spam" not in offered()


def test_expired_and_tampered_confirmation_links_change_nothing(app, client, board, monkeypatch):
    sign_up(client)
    drain(app)
    confirm = links_in(mails_to(board, "ada@example.org")[0])["confirm"]
    tampered = confirm[:-3] + ("AAA" if not confirm.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400 and "does not work" in response.get_data(as_text=True)
    token = csrf_token(client)
    eight_days_on(monkeypatch)
    response = client.get(confirm)
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)
    assert client.post(confirm, data={"csrf_token": token}).status_code == 400
    assert people(app)[0]["status"] == "pending"
    drain(app)
    assert board_lists(board)[0]["Sign-ups"] == []
