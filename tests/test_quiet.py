"""Quiet people: after two closed rounds with no check-in and no output they are paused before
the next draw and asked once whether to carry on; one click brings them back."""

import re

import pytest
from sqlalchemy import select

from app.db import db
from app.models import Person
from tests.followup_helpers import followup_links, lists_of, make_round
from tests.signup_helpers import mails_to
from tests.support import drain
from tests.test_powerup_api import ADMIN, as_member

pytestmark = pytest.mark.usefixtures("board")
ASKED = "UnMentoring: do you still want to take part?"


def _check_in_all_but(app, client, sandbox, quiet_id, number):
    """Everyone in round `number` but one answers "We met" from their introduction."""
    with app.app_context():
        people = list(db.session.scalars(select(Person).where(Person.status == "active")))
    for person in people:
        if person.id == quiet_id:
            continue
        intro = [
            m for m in mails_to(sandbox, person.email) if f"round {number}: meet" in m["subject"]
        ]
        if intro:
            assert client.get(followup_links(intro[-1])["We met"]).status_code == 200


def _person(app, person_id):
    """Return (status, paused reason) of a person."""
    with app.app_context():
        person = db.session.get(Person, person_id)
        return person.status, person.paused_reason


def test_two_silent_rounds_pause_a_person_who_is_asked_once_and_comes_back_in_one_click(
    app, client, runner, sandbox
):
    people = make_round(app, runner, sandbox, count=4, seed="5")
    quiet = next(iter(people))
    card, email = people[quiet][0], people[quiet][1]
    _check_in_all_but(app, client, sandbox, quiet, 1)
    assert runner.invoke(args=["pair", "--seed", "6", "--close-open"]).exit_code == 0
    drain(app)
    _check_in_all_but(app, client, sandbox, quiet, 2)

    with app.app_context():
        name = db.session.get(Person, quiet).full_name
    dry = runner.invoke(args=["pair", "--seed", "7", "--dry-run", "--close-open"])
    assert f"Not in this round: {name} (quiet: will be paused and asked" in dry.output
    preview = client.get("/api/rounds/preview", headers=as_member(sandbox, ADMIN)).get_json()
    assert [p["id"] for p in preview["quiet"]] == [quiet]
    assert preview["pool_size"] == 3
    assert _person(app, quiet) == ("active", None)  # a preview changes nothing

    made = runner.invoke(args=["pair", "--seed", "7", "--close-open"])
    assert made.exit_code == 0, made.output
    drain(app)
    assert _person(app, quiet) == ("paused", "quiet")
    lists, cards = lists_of(sandbox)
    assert lists[card] == "Paused" and "Paused: no check-in or output" in cards[card]["desc"]
    badges = client.get(
        f"/api/boards/{sandbox.board_id}/cards", headers=as_member(sandbox, ADMIN)
    ).get_json()["cards"]
    assert {"kind": "quiet", "text": "Paused: quiet", "color": "yellow"} in badges[card]
    [asked] = [m for m in mails_to(sandbox, email) if m["subject"] == ASKED]
    assert "not heard from you in your last 2 rounds" in asked["text"]
    back = re.search(r"https?://\S+(/me/[^/\s]+/back)", asked["text"]).group(1)

    page = client.get(back)
    assert page.status_code == 200 and "You are back in UnMentoring" in page.get_data(as_text=True)
    assert _person(app, quiet) == ("active", None)
    drain(app)
    lists, cards = lists_of(sandbox)
    assert lists[card] == "Sign-ups" and "Paused" not in cards[card]["desc"]
    assert client.get(back).status_code == 200  # a second click changes nothing
    assert [m for m in mails_to(sandbox, email) if m["subject"] == ASKED] == [asked]


def _paused_as_quiet(app, client, runner, sandbox):
    """Three rounds in which one person never answers: the third draw pauses them as quiet.
    Return ({id: (card, email, partners)} of round 1, the quiet person's id)."""
    people = make_round(app, runner, sandbox, count=4, seed="5")
    quiet = next(iter(people))
    _check_in_all_but(app, client, sandbox, quiet, 1)
    assert runner.invoke(args=["pair", "--seed", "6", "--close-open"]).exit_code == 0
    _check_in_all_but(app, client, sandbox, quiet, 2)
    assert runner.invoke(args=["pair", "--seed", "7", "--close-open"]).exit_code == 0
    drain(app)
    return people, quiet


def test_no_answer_keeps_a_quiet_person_paused_and_out_of_later_draws(app, client, runner, sandbox):
    people, quiet = _paused_as_quiet(app, client, runner, sandbox)
    _check_in_all_but(app, client, sandbox, quiet, 3)
    fourth = runner.invoke(args=["pair", "--seed", "8", "--close-open", "--dry-run"])
    assert "quiet: will be paused" not in fourth.output  # already paused: not asked again
    assert _person(app, quiet) == ("paused", "quiet")
    drain(app)
    assert len([m for m in mails_to(sandbox, people[quiet][1]) if m["subject"] == ASKED]) == 1


def test_staying_paused_from_the_back_page_undoes_a_click_made_by_a_mail_scanner(
    app, client, runner, sandbox
):
    people, quiet = _paused_as_quiet(app, client, runner, sandbox)
    [asked] = [m for m in mails_to(sandbox, people[quiet][1]) if m["subject"] == ASKED]
    back = re.search(r"https?://\S+(/me/[^/\s]+/back)", asked["text"]).group(1)
    page = client.get(back)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    stayed = client.post(back, data={"csrf_token": token})
    assert stayed.status_code == 200 and "You are paused" in stayed.get_data(as_text=True)
    assert _person(app, quiet) == ("paused", "self")
    # The link ends only the pause it was mailed about: this one is the person's own now.
    assert "You are paused" in client.get(back).get_data(as_text=True)
    assert _person(app, quiet) == ("paused", "self")


def test_coming_back_starts_the_count_again(app, client, runner, sandbox):
    people, quiet = _paused_as_quiet(app, client, runner, sandbox)
    [asked] = [m for m in mails_to(sandbox, people[quiet][1]) if m["subject"] == ASKED]
    back = re.search(r"https?://\S+(/me/[^/\s]+/back)", asked["text"]).group(1)
    assert client.get(back).status_code == 200
    drain(app)
    next_draw = runner.invoke(args=["pair", "--seed", "8", "--close-open"])
    assert "quiet: will be paused" not in next_draw.output  # the old silent rounds are behind
    assert _person(app, quiet) == ("active", None)


def test_a_late_answer_for_a_counted_round_brings_a_quiet_person_back(app, client, runner, sandbox):
    people, quiet = _paused_as_quiet(app, client, runner, sandbox)
    [intro] = [m for m in mails_to(sandbox, people[quiet][1]) if "round 2: meet" in m["subject"]]
    assert client.get(followup_links(intro)["We met"]).status_code == 200
    assert _person(app, quiet) == ("active", None)
    drain(app)
    assert lists_of(sandbox)[0][people[quiet][0]] == "Sign-ups"
