"""Partners who drop out mid-round: the people they leave are told once and stranded, and a
rescue (Power-Up, CLI, or the worker after a few days) re-matches stranded people with each
other under the draw's rules."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import outbox
from app.db import db, utcnow
from app.links import make_token
from app.models import CheckIn, Group, GroupMember, OutboxEntry, Person, Round
from app.worker.jobs import run_timed_jobs
from tests.followup_helpers import followup_links, lists_of, make_round, round_card
from tests.round_helpers import add_people
from tests.signup_helpers import mails_to, post_form
from tests.support import drain
from tests.test_powerup_api import ADMIN, as_member

pytestmark = pytest.mark.usefixtures("board")
LEFT_SUBJECT = "UnMentoring round 1: your partner can no longer meet"


def _manage(app, person_id):
    """Return the person's own page."""
    with app.app_context():
        return f"/me/{make_token(person_id, 'manage')}"


def _pause(app, client, person_id, weeks=6):
    """Pause a person from their own page."""
    day = (utcnow() + timedelta(weeks=weeks)).date()
    fields = {"until-day": day.day, "until-month": day.month, "until-year": day.year}
    assert post_form(client, _manage(app, person_id) + "/pause", **fields).status_code == 302


def _leave(app, client, person_id):
    """Leave from the person's own page."""
    page = _manage(app, person_id) + "/leave"
    assert post_form(client, page).status_code == 200


def _groups(app):
    """Return [(kind, [person ids still in it])] of the round's groups, in order."""
    with app.app_context():
        groups = db.session.scalars(select(Group).order_by(Group.position))
        return [(g.kind, g.person_ids) for g in groups]


def _stranded(app):
    """Return the ids of people stranded now."""
    with app.app_context():
        query = select(GroupMember.person_id).where(
            GroupMember.stranded_at.is_not(None), GroupMember.left_at.is_(None)
        )
        return set(db.session.scalars(query))


def _told(sandbox, people, person_id):
    """Return the subjects of the partner-left mails a person got."""
    return [
        m["subject"]
        for m in mails_to(sandbox, people[person_id][1])
        if "can no longer meet" in m["subject"]
    ]


def _pairs_of_six(app, runner, sandbox):
    """Draw three pairs of six people from six organisations; return {id: (card, email, [ids])}."""
    return make_round(app, runner, sandbox, count=6, seed="11")


def test_a_partner_who_pauses_or_leaves_strands_the_other_who_is_told_once(
    app, client, runner, sandbox
):
    people = _pairs_of_six(app, runner, sandbox)
    [(a, b), (c, d), _] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _leave(app, client, c)
    _pause(app, client, d)  # already stranded: pausing takes them out; nobody else to tell
    drain(app)
    assert _stranded(app) == {b}
    assert _told(sandbox, people, b) == [LEFT_SUBJECT]
    assert _told(sandbox, people, d) == [LEFT_SUBJECT]
    mail = next(m for m in mails_to(sandbox, people[b][1]) if m["subject"] == LEFT_SUBJECT)
    with app.app_context():
        leaver = db.session.get(Person, a).full_name
    assert leaver not in mail["text"]  # the partner is not told who, or why

    lists, cards = lists_of(sandbox)
    assert lists[people[b][0]] == "Matched"
    assert "Partner left: waiting to be re-matched" in cards[people[b][0]]["desc"]
    assert lists[people[a][0]] == "Paused" and lists[people[d][0]] == "Paused"
    assert people[c][0] not in lists  # archived when they left
    assert "Progress: 0 of 6 shared, 0 of 6 met" in round_card(app, sandbox)["desc"]
    _pause(app, client, a, weeks=8)  # a second pause tells nobody again
    drain(app)
    assert _told(sandbox, people, b) == [LEFT_SUBJECT]


def test_a_rescue_from_the_cli_re_matches_stranded_people_and_introduces_them(
    app, client, runner, sandbox
):
    people = _pairs_of_six(app, runner, sandbox)
    [(a, b), (c, d), (e, f)] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _leave(app, client, c)
    drain(app)
    assert _stranded(app) == {b, d}

    shown = runner.invoke(args=["rescue", "--dry-run"])
    assert shown.exit_code == 0 and "Dry run" in shown.output and _stranded(app) == {b, d}
    done = runner.invoke(args=["rescue"])
    assert done.exit_code == 0, done.output
    assert "1 group(s) re-matched" in done.output
    drain(app)

    assert _groups(app)[-1] == ("rescue", sorted([b, d])) and _stranded(app) == set()
    for me, partner in ((b, d), (d, b)):
        [intro] = [m for m in mails_to(sandbox, people[me][1]) if ": meet " in m["subject"]][1:]
        assert "re-matched you with someone from this round" in intro["text"]
        assert "days left)" in intro["text"]
        with app.app_context():
            assert db.session.get(Person, partner).full_name in intro["subject"]
    lists, cards = lists_of(sandbox)
    for me in (b, d):
        desc = cards[people[me][0]]["desc"]
        assert lists[people[me][0]] == "Matched" and "Re-matched after a partner left" in desc
        assert "Partner left" not in desc
    desc = round_card(app, sandbox)["desc"]
    assert "Progress: 0 of 6 shared, 0 of 6 met" in desc
    assert desc.count("Re-matched after a partner left: https://trello.com/c/") == 1
    assert runner.invoke(args=["rescue"]).output.strip() == "Round 1: nobody is stranded."


def test_an_odd_number_of_stranded_people_makes_a_trio_from_the_power_up(
    app, client, runner, sandbox
):
    make_round(app, runner, sandbox, count=6, seed="11")
    [(a, b), (c, d), (e, f)] = [ids for _, ids in _groups(app)]
    for leaver in (a, c, e):
        _pause(app, client, leaver)
    drain(app)
    with app.app_context():
        round_id = db.session.scalar(select(Round.id))
    preview = client.get("/api/rounds/preview", headers=as_member(sandbox, ADMIN)).get_json()
    assert preview["open_round"]["stranded"] == 3
    answer = client.post(f"/api/rounds/{round_id}/rescue", headers=as_member(sandbox, ADMIN))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert [sorted(p["id"] for p in group) for group in body["groups"]] == [sorted([b, d, f])]
    assert body["waiting"] == 0
    assert _groups(app)[-1][0] == "rescue" and sorted(_groups(app)[-1][1]) == sorted([b, d, f])


def test_a_stranded_person_with_no_possible_partner_waits_and_is_named_as_waiting(
    app, client, runner, sandbox
):
    make_round(app, runner, sandbox, count=4, seed="5")
    [(a, b), _] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    result = runner.invoke(args=["rescue"])
    assert result.exit_code == 0
    assert "1 person still waits with no possible partner yet." in result.output
    assert _stranded(app) == {b} and [kind for kind, _ in _groups(app)] == ["drawn", "drawn"]


def test_the_worker_rescues_on_its_own_after_the_programmes_days(app, client, runner, sandbox):
    make_round(app, runner, sandbox, count=6, seed="11")
    [(a, b), (c, d), _] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _pause(app, client, c)
    with app.app_context():
        assert "re-matched after a partner left" not in run_timed_jobs(utcnow() + timedelta(days=2))
        counts = run_timed_jobs(utcnow() + timedelta(days=3, minutes=1))
    assert counts["re-matched after a partner left"] == 2
    assert _groups(app)[-1] == ("rescue", sorted([b, d]))


def test_nobody_is_nudged_to_meet_a_partner_they_no_longer_have(app, client, runner, sandbox):
    people = _pairs_of_six(app, runner, sandbox)
    [(a, b), (c, d), (e, f)] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _pause(app, client, c)
    assert runner.invoke(args=["rescue"]).exit_code == 0  # b and d are re-matched
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        midway = round_.round_date + (round_.meet_by - round_.round_date) / 2
        counts = run_timed_jobs(datetime.combine(midway, datetime.min.time()))
    drain(app)
    assert counts["groups reminded"] == 1  # only e and f, the pair drawn and still whole
    nudged = {
        pid
        for pid in people
        if any("have you met yet?" in m["subject"] for m in mails_to(sandbox, people[pid][1]))
    }
    assert nudged == {e, f}


def test_a_stranded_person_who_says_they_met_waits_for_nobody(app, client, runner, sandbox):
    people = _pairs_of_six(app, runner, sandbox)
    [(a, b), (c, d), _] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _pause(app, client, c)
    drain(app)
    intro = next(m for m in mails_to(sandbox, people[b][1]) if "round 1: meet" in m["subject"])
    assert client.get(followup_links(intro)["We met"]).status_code == 200
    assert _stranded(app) == {d}
    assert "1 person still waits" in runner.invoke(args=["rescue"]).output  # d alone
    drain(app)
    lists, cards = lists_of(sandbox)
    assert (
        lists[people[b][0]] == "Matched"
        and "Partner: left the round" in cards[people[b][0]]["desc"]
    )


def test_someone_stranded_again_after_a_rescue_is_not_counted_as_quiet(
    app, client, runner, sandbox
):
    people = _pairs_of_six(app, runner, sandbox)
    [(a, b), (c, d), (e, f)] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _pause(app, client, c)
    assert runner.invoke(args=["rescue"]).exit_code == 0  # b with d
    _pause(app, client, d)  # and b is left alone again, to the end of the round
    assert _stranded(app) == {b}
    assert runner.invoke(args=["pair", "--seed", "12", "--close-open"]).exit_code == 0
    drain(app)
    for number in (1, 2):  # the other two answer every time
        for pid in (e, f):
            intro = [
                m
                for m in mails_to(sandbox, people[pid][1])
                if f"round {number}: meet" in m["subject"]
            ]
            assert client.get(followup_links(intro[-1])["We met"]).status_code == 200
    # b is silent in round 2 as well; round 1, stranded to its end, is no silence of theirs.
    third = runner.invoke(args=["pair", "--seed", "13", "--close-open", "--dry-run"])
    with app.app_context():
        name = db.session.get(Person, b).full_name
    assert third.exit_code == 0, third.output
    assert f"{name} (quiet" not in third.output


def test_two_rescues_at_once_re_match_each_person_once(app, client, runner, sandbox, monkeypatch):
    import app.rounds.rescue as rescues

    _pairs_of_six(app, runner, sandbox)
    [(a, b), (c, d), _] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    _pause(app, client, c)
    with app.app_context():
        seen = rescues.stranded(db.session.scalar(select(Round)))  # what a second rescue read
    assert runner.invoke(args=["rescue"]).exit_code == 0
    # The second rescue read the stranded people before the first one committed.
    monkeypatch.setattr(rescues, "stranded", lambda round_: seen)
    late = runner.invoke(args=["rescue"])
    assert late.exit_code == 1 and "Another rescue re-matched these people" in late.output
    assert [kind for kind, _ in _groups(app)].count("rescue") == 1
    with app.app_context():
        counts = run_timed_jobs(utcnow() + timedelta(days=4))
    assert "re-matched after a partner left" not in counts
    assert [kind for kind, _ in _groups(app)].count("rescue") == 1


def test_someone_who_paused_can_still_answer_for_the_round_they_left(app, client, runner, sandbox):
    people = _pairs_of_six(app, runner, sandbox)
    [(a, _), *_] = [ids for _, ids in _groups(app)]
    _pause(app, client, a)
    intro = next(m for m in mails_to(sandbox, people[a][1]) if "round 1: meet" in m["subject"])
    assert client.get(followup_links(intro)["We met"]).status_code == 200
    with app.app_context():
        answers = [(c.person_id, c.answer) for c in db.session.scalars(select(CheckIn))]
    assert answers == [(a, "met")]


def test_when_a_trios_lead_leaves_someone_still_in_it_finds_a_time(app, client, runner, sandbox):
    make_round(app, runner, sandbox, count=5, seed="11")
    [trio] = [ids for _, ids in _groups(app) if len(ids) == 3]
    with app.app_context():
        lead = db.session.scalar(
            select(Group.lead_person_id).where(
                Group.id.in_(select(GroupMember.group_id).where(GroupMember.person_id == trio[0]))
            )
        )
    _pause(app, client, lead)
    with app.app_context():
        group = db.session.scalar(
            select(Group).join(GroupMember).where(GroupMember.person_id == lead)
        )
        assert group.lead_person_id in set(trio) - {lead}
    assert _stranded(app) == set()  # two are left: they still meet each other


def test_someone_who_pauses_while_the_round_is_being_written_ends_up_in_paused(
    app, client, runner, sandbox
):
    from app.rounds.apply import progress

    ids = add_people(app, sandbox, 6)
    with app.app_context():
        card = db.session.get(Person, ids[-1]).trello_card_id
    paused = []

    def pause_midway(done, total):
        """After two cards are written, the last person pauses from their page, and a second
        worker moves their card to Paused before this one reaches it."""
        if done == 2 and not paused:
            _pause(app, client, ids[-1])
            with app.app_context():
                query = select(OutboxEntry.id).where(
                    OutboxEntry.person_id == ids[-1], OutboxEntry.operation == "rounds.sync_card"
                )
                for entry_id in db.session.scalars(query).all():
                    outbox.run_entry(entry_id)
            assert lists_of(sandbox)[0][card] == "Paused"
            paused.append(True)

    preview = client.get("/api/rounds/preview", headers=as_member(sandbox, ADMIN)).get_json()
    made = client.post(
        "/api/rounds", json={"seed": preview["seed"]}, headers=as_member(sandbox, ADMIN)
    )
    assert made.status_code == 201
    token = progress.set(pause_midway)  # the worker writes the round, reporting each card
    try:
        drain(app)
    finally:
        progress.reset(token)
    drain(app)
    assert paused and lists_of(sandbox)[0][card] == "Paused"
