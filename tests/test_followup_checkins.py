"""Check-ins: one click answers, a second click changes it, bad links change nothing; reminders."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import db, utcnow
from app.models import CheckIn, GroupReminder, Round
from app.worker.jobs import run_timed_jobs
from tests.followup_helpers import (
    check_ins,
    count,
    followup_links,
    lists_of,
    make_round,
    round_card,
)
from tests.signup_helpers import eight_days_on, links_in, mails_to, post_form
from tests.support import drain

pytestmark = pytest.mark.usefixtures("board")


def _links(sandbox, email):
    """Return the follow-up links of the newest mail to an address."""
    return followup_links(mails_to(sandbox, email)[-1])


def test_one_click_records_the_answer_and_a_second_click_changes_it(app, client, runner, sandbox):
    people = make_round(app, runner, sandbox, count=2)
    pid, (card_id, email, _) = next(iter(people.items()))
    links = _links(sandbox, email)
    assert client.head(links["We met"]).status_code == 200 and check_ins(app) == {}
    response = client.get(links["We met"])
    assert response.status_code == 200 and "Thank you: you met" in response.get_data(as_text=True)
    assert check_ins(app) == {pid: "met"}
    drain(app)
    assert "Check-in: Met ✓" in lists_of(sandbox)[1][card_id]["desc"]
    assert "1 of 2 met" in round_card(app, sandbox)["desc"]

    assert client.get(links["We couldn't meet"]).status_code == 200
    assert check_ins(app) == {pid: "not_met"} and count(app, CheckIn) == 1
    drain(app)
    desc = lists_of(sandbox)[1][card_id]["desc"]
    assert "Check-in: Couldn't meet" in desc and "Met ✓" not in desc


def test_the_optional_questions_are_kept_with_the_answer(app, client, runner, sandbox):
    people = make_round(app, runner, sandbox, count=2)
    pid, (_, email, _) = next(iter(people.items()))
    scheduled = _links(sandbox, email)["We have a date"]
    response = post_form(
        client,
        scheduled,
        learned="Councils share more than I thought",
        challenged="4",
        new_connection="yes",
    )
    assert response.status_code == 200
    with app.app_context():
        check_in = db.session.scalar(select(CheckIn))
        assert (check_in.person_id, check_in.answer, check_in.learned) == (
            pid,
            "scheduled",
            "Councils share more than I thought",
        )
        assert (check_in.challenged, check_in.new_connection) == (4, True)
    response = post_form(client, scheduled, challenged="9")
    assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CheckIn.challenged)) == 4


def test_tampered_and_expired_check_in_links_show_a_clear_page_and_change_nothing(
    app, client, runner, sandbox, monkeypatch
):
    people = make_round(app, runner, sandbox, count=2)
    _, email, _ = next(iter(people.values()))
    met = _links(sandbox, email)["We met"]
    token = met.split("/")[2]
    tampered = met.replace(token, token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:])
    response = client.get(tampered)
    assert response.status_code == 400 and "does not work" in response.get_data(as_text=True)
    # A manage link's token does not open a check-in.
    manage = [line for line in mails_to(sandbox, email)[-1]["text"].split() if "/me/" in line][-1]
    assert client.get(f"/me/{manage.rsplit('/', 1)[1]}/checkin").status_code == 400
    eight_days_on(monkeypatch, days=400)
    response = client.get(met)
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)
    assert check_ins(app) == {}


def test_a_nudge_goes_midway_to_pairs_who_have_not_answered_and_a_check_in_at_the_end(
    app, client, runner, sandbox
):
    people = make_round(app, runner, sandbox, count=4)
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        groups = [g.person_ids for g in round_.groups]
        start = utcnow()
    answered = groups[0][0]
    client.get(_links(sandbox, people[answered][1])["We met"])
    with app.app_context():
        assert run_timed_jobs(now=start + timedelta(days=5)) == {}
        assert run_timed_jobs(now=start + timedelta(days=15)) == {"groups reminded": 1}
        assert run_timed_jobs(now=start + timedelta(days=16)) == {}
    drain(app)
    nudged = {m["to"] for m in sandbox.mails() if "have you met yet" in m["subject"]}
    assert nudged == {people[pid][1] for pid in groups[1]}
    with app.app_context():
        assert run_timed_jobs(now=start + timedelta(days=29)) == {"groups reminded": 2}
        assert run_timed_jobs(now=start + timedelta(days=30)) == {}
    drain(app)
    asked = [m for m in sandbox.mails() if "did you meet?" in m["subject"]]
    assert sorted(m["to"] for m in asked) == sorted(p[1] for p in people.values())
    assert set(followup_links(asked[0])) >= {
        "We met",
        "We have a date",
        "We couldn't meet",
        "output",
    }
    assert count(app, GroupReminder) == 3


def test_leaving_erases_what_you_learned_but_keeps_the_answer_for_the_report(
    app, client, runner, sandbox
):
    people = make_round(app, runner, sandbox, count=2)
    pid, (_, email, _) = next(iter(people.items()))
    post_form(client, _links(sandbox, email)["We met"], learned="Weeknotes help", challenged="5")
    intro = next(m for m in mails_to(sandbox, email) if "has paired you" in m["text"])
    manage = links_in(intro)["manage"]
    assert post_form(client, manage + "/leave").status_code == 200
    with app.app_context():
        check_in = db.session.scalar(select(CheckIn).where(CheckIn.person_id == pid))
        assert (check_in.answer, check_in.challenged, check_in.learned) == ("met", 5, None)
