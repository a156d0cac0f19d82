"""A participant's own page shows their open round in full (partners, only the contact details
each partner chose to share, who suggests a time, their check-in and output links) and their
earlier rounds in brief; out of a round, it says what applies to them."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.db import db, utcnow
from app.models import GroupMember, Person, Round
from app.rounds.membership import group_of, latest_round_of
from app.vocabulary import shown
from tests.followup_helpers import check_ins
from tests.participant_helpers import (
    add_person,
    close_latest_round,
    lead_of,
    manage_path,
    pair,
    people_in_round,
    share_on_card,
)
from tests.signup_helpers import post_form

pytestmark = pytest.mark.usefixtures("roomy")
CHANNEL_FIELDS = ("email", "phone", "google_id", "teams")
_HREF = re.compile(r'href="([^"]+)"')
ORGS = ("Camden", "Kent", "Wigan", "Bristol")


def _person(n, share=("email",)):
    """Return the details of participant n, who gave every channel and shares only some."""
    return {
        "full_name": f"Partner {chr(65 + n)}",
        "email": f"partner.{n}@example.org",
        "phone": f"+4420794600{n:02d}",
        "google_id": f"g.{n}@gmail.example",
        "teams": f"partner.{n}@teams.example.org",
        "organisation": ORGS[n],
        "share_channels": list(share),
    }


def _page(app, client, person_id):
    """Return the person's own page as HTML."""
    response = client.get(manage_path(app, person_id))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _sees_only_shared(page, partner):
    """Assert the page shows the partner's shared channels and none of the others."""
    for field in CHANNEL_FIELDS:
        as_shown = shown(field, partner[field])  # telephone numbers as people write them
        if field in partner["share_channels"]:
            assert as_shown in page, f"{partner['full_name']} shared {field}"
        else:
            assert as_shown not in page, f"{partner['full_name']} kept {field} private"
            assert partner[field] not in page, f"{partner['full_name']} kept {field} private"


def _day(value):
    """Return a date as pages write it."""
    return value.strftime("%-d %B %Y")


def _latest_round(app):
    """Return the latest round's number, date and meet-by date."""
    with app.app_context():
        round_ = db.session.scalar(select(Round).order_by(Round.number.desc()))
        return round_.number, round_.round_date, round_.meet_by


def _paths(page, ending):
    """Return the paths of the page's links that end with ending, in page order."""
    return [
        "/me/" + href.split("/me/", 1)[1] for href in _HREF.findall(page) if href.endswith(ending)
    ]


def _section(page, start, end):
    """Return the part of the page from one heading's text to the next's."""
    return page.split(start, 1)[1].split(end, 1)[0]


def test_each_of_a_pair_sees_the_other_and_only_what_the_other_chose_to_share(
    app, client, runner, board
):
    details = [_person(0, ["email"]), _person(1, ["phone", "teams"])]
    first, second = people_in_round(app, runner, board, details)
    number, _, meet_by = _latest_round(app)
    for me, partner in ((first, details[1]), (second, details[0])):
        page = _page(app, client, me)
        assert f"Round {number}: meet by {_day(meet_by)}" in page
        assert partner["full_name"] in page and partner["organisation"] in page
        _sees_only_shared(page, partner)
    # Labelled as on the forms and in the introduction mail.
    assert "Telephone" in _page(app, client, first)
    assert "Microsoft Teams" in _page(app, client, first)


def test_in_a_trio_each_member_sees_both_others_with_what_each_shared(app, client, runner, board):
    details = [_person(0, ["email"]), _person(1, ["phone", "teams"]), _person(2, ["google_id"])]
    ids = people_in_round(app, runner, board, details)
    for me in range(3):
        page = _page(app, client, ids[me])
        for other in range(3):
            if other != me:
                assert details[other]["full_name"] in page
                _sees_only_shared(_section(page, "meet by", "Did you meet?"), details[other])


def test_the_lead_is_told_to_suggest_a_time_and_the_others_who_will(app, client, runner, board):
    details = [_person(n) for n in range(3)]
    ids = people_in_round(app, runner, board, details)
    lead = lead_of(app, ids[0])
    lead_name = details[ids.index(lead)]["full_name"]
    for pid in ids:
        page = _page(app, client, pid)
        if pid == lead:
            assert "You suggest a time." in page and "suggests a time" not in page
        else:
            assert f"<bdi>{lead_name}</bdi> suggests a time." in page
            assert "You suggest a time" not in page


def test_the_check_in_buttons_and_the_output_link_on_the_page_work(app, client, runner, board):
    first, _ = people_in_round(app, runner, board, [_person(0), _person(1)])
    page = _page(app, client, first)
    met, scheduled, not_met = _paths(page, "/checkin")
    assert all(label in page for label in ("We met", "We have a date", "We couldn&#39;t meet"))
    assert met != scheduled != not_met
    assert client.get(scheduled).status_code == 200
    assert check_ins(app) == {first: "scheduled"}
    assert "You told us: You have a date to meet" in _page(app, client, first)
    [output] = _paths(page, "/output")
    assert "Add the link to what you shared" in client.get(output).get_data(as_text=True)


def test_earlier_rounds_show_when_with_whom_and_what_was_shared_without_contact_details(
    app, client, runner, board
):
    details = [_person(n, ["email", "phone"]) for n in range(4)]
    ids = people_in_round(app, runner, board, details, seed="5")
    first = ids[0]
    [old_partner] = [ids.index(p) for p in _partners(app, first)]
    _, first_date, _ = _latest_round(app)
    share_on_card(app, client, first, "https://weeknotes.example.org/round-one")
    close_latest_round(app)
    pair(app, runner, seed="6")
    share_on_card(app, client, first, "https://blog.example.net/round-two")
    [new_partner] = [ids.index(p) for p in _partners(app, first)]
    assert new_partner != old_partner, "no repeat pair while another draw exists"

    page = _page(app, client, first)
    current = _section(page, "Round 2: meet by", "Your earlier rounds")
    assert details[new_partner]["full_name"] in current
    assert "https://blog.example.net/round-two" in current
    earlier = _section(page, "Your earlier rounds", "Your details")
    assert f"Round 1, {_day(first_date)}" in earlier
    assert f"With <bdi>{details[old_partner]['full_name']}</bdi>" in earlier
    assert "https://weeknotes.example.org/round-one" in earlier
    assert "round-two" not in earlier
    for field in CHANNEL_FIELDS:
        assert details[old_partner][field] not in page, "no contact details for past partners"


def _partners(app, person_id):
    """Return the ids of the person's partners in their latest round."""
    with app.app_context():
        person = db.session.get(Person, person_id)
        group = group_of(person, latest_round_of(person))
        return [pid for pid in group.person_ids if pid != person_id]


def test_out_of_a_round_the_page_says_what_applies(app, client, runner, board):
    waiting = add_person(app, board)
    page = _page(app, client, waiting)
    assert "You are in the next draw." in page and "meet by" not in page

    skip = manage_path(app, waiting)
    post_form(client, skip + "/skip", page=skip, skip="yes")  # so the round is theirs alone
    pair_ids = people_in_round(app, runner, board, [_person(1), _person(2)])
    late = add_person(app, board)  # signed up after the draw
    late_page = _page(app, client, late)
    assert "Round 1 is under way without you." in late_page
    assert "You are in the next draw." in late_page
    assert "meet by" not in late_page and "Did you meet?" not in late_page

    manage = manage_path(app, late)
    post_form(client, manage + "/skip", page=manage, skip="yes")
    assert "You will skip the next round." in client.get(manage).get_data(as_text=True)
    back = date.today() + timedelta(days=20)
    fields = {"until-day": back.day, "until-month": back.month, "until-year": back.year}
    post_form(client, manage + "/pause", **fields)
    assert f"You are paused until {_day(back)}." in client.get(manage).get_data(as_text=True)

    close_latest_round(app)
    page = _page(app, client, pair_ids[0])
    assert "meet by" not in page and "Round 1 is under way" not in page
    assert "You are in the next draw." in page
    assert "Round 1, " in _section(page, "Your earlier rounds", "Your details")


def test_someone_who_left_their_group_is_no_longer_in_the_round_nor_shown_in_it(
    app, client, runner, board
):
    details = [_person(n) for n in range(3)]
    ids = people_in_round(app, runner, board, details)
    with app.app_context():
        # As the drop-out code records a member leaving their group mid-round.
        db.session.execute(
            update(GroupMember).where(GroupMember.person_id == ids[0]).values(left_at=utcnow())
        )
        db.session.commit()
    gone = _page(app, client, ids[0])
    assert "meet by" not in gone and "Round 1 is under way without you." in gone
    for pid in ids[1:]:
        page = _page(app, client, pid)
        assert "meet by" in page and details[0]["full_name"] not in page
