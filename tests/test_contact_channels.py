"""Contact channels people use now: Microsoft Teams instead of Skype, an old Skype name kept for
its owner alone until they delete it, and telephone numbers written as people write them."""

import flask_migrate
import pytest
from sqlalchemy import text

from app.db import db
from app.models import current_programme
from tests.participant_helpers import manage_path, people_in_round
from tests.signup_helpers import (
    links_in,
    mails_to,
    people,
    post_form,
    sign_up,
    signed_up_and_confirmed,
)
from tests.support import drain
from tests.test_powerup_api import as_member
from trello_sandbox.constants import NORMAL_MEMBER_ID

pytestmark = pytest.mark.usefixtures("roomy")
TEAMS = "Ada.Lovelace@Analytical.gov.uk"


def test_the_sign_up_form_offers_microsoft_teams_and_no_longer_skype(app, client, board):
    page = client.get("/signup").get_data(as_text=True)
    assert 'name="teams"' in page and "Microsoft Teams address (optional)" in page
    assert 'value="teams"' in page, "Teams is a share choice"
    assert "skype" not in page.lower()


def test_a_teams_address_is_checked_as_an_email_address_and_kept_in_lower_case(app, client, board):
    refused = sign_up(client, teams="ada at analytical", share=["email", "teams"])
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'href="#teams"' in page and "the address people find you by in Microsoft Teams" in page
    assert people(app) == []
    signed_up_and_confirmed(app, client, board, teams=TEAMS, share=["email", "teams"])
    [person] = people(app)
    assert person["teams"] == TEAMS.lower() and person["share_channels"] == ["email", "teams"]


def test_sharing_teams_needs_a_teams_address_and_skype_is_no_choice(app, client, board):
    page = sign_up(client, share=["teams"]).get_data(as_text=True)
    assert "Enter your Microsoft Teams address above, or do not choose to share it" in page
    # A "skype" share choice posted by an old form or by hand is no choice at all.
    page = sign_up(client, share=["skype"]).get_data(as_text=True)
    assert "Select at least one way your partner can contact you" in page
    assert people(app) == []


def test_a_partner_gets_the_teams_address_and_a_uk_number_written_the_uk_way(
    app, client, runner, board
):
    details = [
        {"email": "a@example.org", "organisation": "Leeds", "share_channels": ["email"]},
        {
            "email": "b@example.org",
            "organisation": "York",
            "phone": "+441133784000",
            "teams": "b.person@york.gov.uk",
            "share_channels": ["phone", "teams"],
        },
    ]
    first, second = people_in_round(app, runner, board, details)
    [intro] = mails_to(board, "a@example.org")[-1:]
    for body in (intro["text"], intro["html"]):
        assert "Telephone: 0113 378 4000" in body and "+441133784000" not in body
        assert "Microsoft Teams: b.person@york.gov.uk" in body
    page = client.get(manage_path(app, first)).get_data(as_text=True)
    assert "0113 378 4000" in page and "b.person@york.gov.uk" in page
    own = client.get(manage_path(app, second)).get_data(as_text=True)
    assert "0113 378 4000" in own and "+441133784000" not in own
    # The details form starts from the number as they would write it, and keeps it as stored.
    form = client.get(manage_path(app, second) + "/details").get_data(as_text=True)
    assert 'value="0113 378 4000"' in form


def test_an_international_number_is_written_in_international_format(app, client, board):
    manage = signed_up_and_confirmed(app, client, board, phone="+33 1 42 68 53 00")
    assert people(app)[0]["phone"] == "+33142685300"
    assert "+33 1 42 68 53 00" in client.get(manage).get_data(as_text=True)


def _skype_user_from_before(app, client, board):
    """Sign someone up before 0009 as far as the database goes: a Skype name they share (and
    another person sharing only Skype); migrate to the head; return the first one's page."""
    manage = signed_up_and_confirmed(app, client, board, share=["email", "phone"])
    signed_up_and_confirmed(
        app, client, board, email="only.skype@example.org", organisation="Babbage Borough"
    )
    with app.app_context():
        db.session.remove()
        flask_migrate.downgrade(revision="0007")
        db.session.execute(
            text("UPDATE people SET skype = :skype, share_channels = :share WHERE email = :e"),
            {
                "skype": "live:ada_1815",
                "share": '["email", "skype", "phone"]',
                "e": "ada@example.org",
            },
        )
        db.session.execute(
            text(
                "UPDATE people SET skype = 'live:only', share_channels = '[\"skype\"]' "
                "WHERE email = 'only.skype@example.org'"
            )
        )
        db.session.commit()
        db.session.remove()
        flask_migrate.upgrade()
    return manage


def test_the_migration_keeps_a_skype_name_for_its_owner_and_shares_it_with_nobody(
    app, client, board
):
    manage = _skype_user_from_before(app, client, board)
    ada, only = people(app)
    assert ada["skype"] == "live:ada_1815" and ada["teams"] is None
    assert ada["share_channels"] == ["email", "phone"], "the other choices stay as chosen"
    assert only["skype"] == "live:only" and only["share_channels"] == []
    page = client.get(manage).get_data(as_text=True)
    assert "Skype name (no longer offered)" in page and "live:ada_1815" in page
    assert "Microsoft closed Skype in May 2025" in page
    assert "Your partner may see" in page and "Email, Telephone" in page
    details = client.get(manage + "/details").get_data(as_text=True)
    assert 'name="skype"' not in details and 'value="skype"' not in details
    assert "You gave us the Skype name live:ada_1815" in details
    assert 'name="delete_skype"' in details


def test_saving_other_details_keeps_the_skype_name_and_deleting_it_removes_it(app, client, board):
    manage = _skype_user_from_before(app, client, board)
    form = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Council",
        "phone": "020 7946 0018",
        "teams": "ada@analytical.gov.uk",
        "share": ["email", "teams"],
        "frequency": "every",
    }
    saved = post_form(client, manage + "/details", **form)
    assert saved.status_code == 302
    ada = people(app)[0]
    assert ada["skype"] == "live:ada_1815" and ada["teams"] == "ada@analytical.gov.uk"
    assert ada["share_channels"] == ["email", "teams"]
    deleted = post_form(client, manage + "/details", **form, delete_skype="y")
    assert deleted.status_code == 302
    assert people(app)[0]["skype"] is None
    page = client.get(manage).get_data(as_text=True)
    assert "Skype" not in page and "live:ada_1815" not in page
    assert "Delete my Skype name" not in client.get(manage + "/details").get_data(as_text=True)


def test_a_skype_name_from_before_never_reaches_a_partner_or_the_card_back(
    app, client, runner, board
):
    _skype_user_from_before(app, client, board)
    result = runner.invoke(args=["pair", "--seed", "3"])
    assert result.exit_code == 0, result.output
    drain(app)
    only_mail = mails_to(board, "only.skype@example.org")[-1]
    assert "paired you with" in only_mail["text"]
    assert "live:ada_1815" not in only_mail["text"] and "Skype" not in only_mail["text"]
    ada_mail = mails_to(board, "ada@example.org")[-1]
    assert "live:only" not in ada_mail["text"]
    assert "They shared no contact details" in ada_mail["text"]
    # The one who shared only Skype is asked to choose again on their own page.
    only_page = client.get(links_in(only_mail)["manage"]).get_data(as_text=True)
    assert "Nothing yet: change your details to choose how your partner can reach you" in only_page
    # Organisers' card-back lists the channels offered, never a Skype name.
    ada, only = people(app)
    for person in (ada, only):
        card = client.get(
            f"/api/cards/{person['trello_card_id']}", headers=as_member(board, NORMAL_MEMBER_ID)
        ).get_json()
        assert [c["channel"] for c in card["contact"]] == ["email", "phone"]
        assert "live:" not in str(card) and "Skype" not in str(card)


def test_leaving_erases_the_teams_address_and_any_skype_name(app, client, board):
    manage = _skype_user_from_before(app, client, board)
    post_form(
        client,
        manage + "/details",
        name="Ada Lovelace",
        email="ada@example.org",
        organisation="Analytical Council",
        teams="ada@analytical.gov.uk",
        share=["email"],
        frequency="every",
    )
    post_form(client, manage + "/leave")
    drain(app)
    ada = people(app)[0]
    assert ada["teams"] is None and ada["skype"] is None and ada["status"] == "left"


def test_a_hand_made_card_takes_a_teams_line_and_drops_a_skype_line(app, board, runner):
    desc = (
        "Met at LocalGovCamp.\nEmail: grace@example.org\nTeams: Grace.Hopper@Navy.gov.uk\n"
        "Skype: live:grace_1906\nOrganisation: Navy"
    )
    with app.app_context():
        signups = current_programme().list_id("signups")
    params = {"idList": signups, "name": "Grace Hopper", "desc": desc}
    created = board.api("POST", "/cards", member=NORMAL_MEMBER_ID, params=params)
    created.raise_for_status()
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0 and "1 imported" in result.output, result.output
    drain(app)
    [person] = people(app)
    assert person["teams"] == "grace.hopper@navy.gov.uk" and person["skype"] is None
    card = board.api("GET", f"/cards/{created.json()['id']}").json()
    assert card["desc"].startswith("Met at LocalGovCamp.")
    for gone in ("grace@example.org", "Navy.gov.uk", "Teams", "Skype", "grace_1906"):
        assert gone not in card["desc"]
