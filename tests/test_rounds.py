"""Rounds against the sandbox: every card moved in one write, partners linked, resumable, mailed."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import outbox, trello
from app.db import db, utcnow
from app.models import Group, GroupMember, OutboxEntry, Person, Round, current_programme
from app.rounds.apply import progress
from app.rounds.service import PoolChanged, confirm_round, preview_round
from tests.round_helpers import add_people, board_snapshot


def _later():
    """A moment after any lease or backoff has run out."""
    return utcnow() + timedelta(hours=2)


def _partner_links(sandbox):
    """Return {card name: set of partner card names} read from the matched cards' descriptions."""
    matched = board_snapshot(sandbox)["Matched"]
    links = {}
    for name, _, desc in matched[1:]:
        line = next(line for line in desc.splitlines() if line.startswith("Partner"))
        links[name] = {part.strip() for part in line.split(":", 1)[1].split(",")}
    return links


def test_a_60_person_round_moves_every_card_once_and_links_partners_both_ways(app, runner, board):
    add_people(app, board, 60)
    before = len(board.requests())
    result = runner.invoke(args=["pair", "--seed", "42"])
    assert result.exit_code == 0, result.output
    calls = board.requests()[before:]
    writes = [c for c in calls if c["method"] != "GET"]
    reads = [c for c in calls if c["method"] == "GET"]
    assert len(writes) <= 60 + 10 and len(reads) <= 5, (len(writes), len(reads))
    snapshot = board_snapshot(board)
    assert snapshot["Sign-ups"] == []
    assert (
        snapshot["Matched"][0][0].startswith("Round 1 · ")
        and "· 30 pairs" in snapshot["Matched"][0][0]
    )
    assert all(labels == ["Round 1"] for _, labels, _ in snapshot["Matched"][1:])
    links = _partner_links(board)
    assert len(links) == 60
    for name, partners in links.items():
        for partner in partners:
            assert name in links[partner], f"{name} links {partner} but not back"
    assert "1 groups" not in result.output and "60/60 cards on the board" in result.output


def test_confirming_the_same_seed_again_returns_the_same_round(app, runner, board):
    add_people(app, board, 6)
    assert runner.invoke(args=["pair", "--seed", "7"]).exit_code == 0
    writes_before = sum(1 for c in board.requests() if c["method"] != "GET")
    with app.app_context():
        programme = current_programme()
        round_, created = confirm_round(programme, 7)
        assert not created and round_.number == 1
        assert db.session.scalar(select(func.count()).select_from(Round)) == 1
        outbox.run_due()
    assert sum(1 for c in board.requests() if c["method"] != "GET") == writes_before


class _Killed(BaseException):
    """Stands in for the worker being killed: not an Exception, so nothing catches it."""


def _apply_with_kill_after(app, cards):
    """Run the round's board update and 'kill' it after some cards, like a dying worker."""

    def report(done, total):
        if done >= cards:
            raise _Killed

    token = progress.set(report)
    try:
        with app.app_context():
            outbox.run_due()
    except _Killed:
        pass
    finally:
        progress.reset(token)


@pytest.mark.parametrize("kill_after", [0, 5, 13])
def test_a_round_killed_half_way_finishes_to_the_same_board(app, board, kill_after):
    add_people(app, board, 20)
    with app.app_context():
        confirm_round(current_programme(), 99)
    _apply_with_kill_after(app, kill_after)
    with app.app_context():
        assert db.session.scalar(select(Round.status)) == "applying"
        outbox.run_due(now=_later())
        assert db.session.scalar(select(Round.status)) == "applied"
    interrupted = board_snapshot(board)

    board.control("reset")
    board.control("rate-limits", enabled=False)
    # A second, uninterrupted run of the same round from the same start.
    with app.app_context():
        for model in (GroupMember, Group, Round, OutboxEntry, Person):
            db.session.query(model).delete()
        db.session.commit()
    from app.trello.board import setup_board

    with app.app_context():
        setup_board()
    add_people(app, board, 20)
    with app.app_context():
        confirm_round(current_programme(), 99)
        outbox.run_due()
    assert board_snapshot(board) == interrupted


def test_a_round_waits_out_a_trello_outage_and_then_finishes(app, board):
    add_people(app, board, 10)
    app.config.update(TRELLO_MAX_RETRIES=0)
    trello.init_app(app)
    with app.app_context():
        confirm_round(current_programme(), 5)
        board.control("faults", status=503, count=1000)
        outbox.run_due()
        assert db.session.scalar(select(Round.status)) == "applying"
        board.control("faults", clear=True)
        outbox.run_due(now=_later())
        assert db.session.scalar(select(Round.status)) == "applied"
    assert len(board_snapshot(board)["Matched"]) == 11


def test_introductions_carry_the_partners_shared_details_and_nobody_elses(app, runner, board):
    add_people(app, board, 4, share=("email",))
    assert runner.invoke(args=["pair", "--seed", "3"]).exit_code == 0
    with app.app_context():
        outbox.run_due()
        people = {p.id: p for p in db.session.scalars(select(Person))}
        [round_] = db.session.scalars(select(Round))
        groups = [g.person_ids for g in round_.groups]
    mails = board.mails()
    assert len(mails) == 4
    for ids in groups:
        for pid in ids:
            [mail] = [m for m in mails if m["to"] == people[pid].email]
            partner = people[next(i for i in ids if i != pid)]
            assert partner.full_name in mail["text"]
            # Under the same label as on the forms, pages and the Power-Up.
            assert f"Email: {partner.email}" in mail["text"]
            assert f"Email: {partner.email}" in mail["html"]
            assert partner.phone not in mail["text"]  # phone was not shared
            others = [p for i, p in people.items() if i not in ids]
            assert not any(o.email in mail["text"] or o.full_name in mail["text"] for o in others)
            assert "/me/" in mail["text"] and mail["html"]


def test_an_introduction_names_each_shared_channel_as_the_sign_up_form_does(app, runner, board):
    add_people(app, board, 2, share=("email", "phone"))
    assert runner.invoke(args=["pair", "--seed", "3"]).exit_code == 0
    with app.app_context():
        outbox.run_due()
    for mail in board.mails():
        # The partners' numbers +447000000000 and +447000000001, as people in the UK write them.
        assert re.search(r"Telephone: 070 0000 000[01]\n", mail["text"])
        assert re.search(r"Telephone: 070 0000 000[01]", mail["html"])


def test_an_odd_pool_makes_one_trio_by_default(app, runner, board):
    add_people(app, board, 7)
    result = runner.invoke(args=["pair", "--seed", "11"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [round_] = db.session.scalars(select(Round))
        sizes = sorted(len(g.person_ids) for g in round_.groups)
    assert sizes == [2, 2, 3]


def test_dry_run_prints_the_plan_and_changes_nothing(app, runner, board):
    add_people(app, board, 6)
    before = [c for c in board.requests() if c["method"] != "GET"]
    result = runner.invoke(args=["pair", "--dry-run", "--seed", "42"])
    assert result.exit_code == 0 and "Dry run" in result.output
    assert "Person 000" in result.output and "Leeds City Council" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxEntry)) == 0
    assert [c for c in board.requests() if c["method"] != "GET"] == before


def test_same_seed_gives_the_same_draw(app, board):
    add_people(app, board, 12)
    with app.app_context():
        programme = current_programme()
        first = preview_round(programme, 1234).plan.groups
        assert preview_round(programme, 1234).plan.groups == first


def test_a_pool_of_one_makes_no_round(app, runner, board):
    add_people(app, board, 1)
    result = runner.invoke(args=["pair"])
    assert result.exit_code != 0 and "No round" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_an_unreadable_seed_is_a_usage_error(runner, board):
    result = runner.invoke(args=["pair", "--seed", "banana"])
    assert result.exit_code == 2 and "seed" in result.output


def test_a_card_deleted_by_hand_is_reported_and_left_out(app, runner, board):
    ids = add_people(app, board, 5)
    with app.app_context():
        gone = db.session.get(Person, ids[0])
        board.api("DELETE", f"/cards/{gone.trello_card_id}")
    result = runner.invoke(args=["pair", "--seed", "8"])
    assert result.exit_code == 0, result.output
    assert "Person 000 (card missing on the board)" in result.output
    assert len(board_snapshot(board)["Matched"]) == 5


def test_two_organisers_confirming_at_once_make_one_round(app, board):
    add_people(app, board, 8)
    with app.app_context():
        preview = preview_round(current_programme(), 77)
    results, errors = [], []

    def confirm():
        try:
            with app.app_context():
                round_, _ = confirm_round(current_programme(), 77, preview.pool_hash, "organiser")
                results.append(round_.id)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 1


@pytest.mark.parametrize("close_open", [False, True])
def test_a_press_stored_while_the_other_was_previewing_is_the_answer(
    app, board, monkeypatch, close_open
):
    """The race above, made certain: the first press commits while the second is drawing its
    preview, so the pool it read has no round open and the open round it then reads is the
    first press's, made with the same draw number."""
    import app.rounds.service as service

    add_people(app, board, 8)
    with app.app_context():
        preview = preview_round(current_programme(), 77)
    real_plan, first = service.plan_round, []

    def plan_while_the_other_press_commits(*args, **kwargs):
        if not first:
            first.append(True)
            thread = threading.Thread(target=confirm_in_own_context)
            thread.start()
            thread.join()
        return real_plan(*args, **kwargs)

    def confirm_in_own_context():
        with app.app_context():
            first.append(confirm_round(current_programme(), 77, preview.pool_hash, "first")[0].id)

    monkeypatch.setattr(service, "plan_round", plan_while_the_other_press_commits)
    with app.app_context():
        round_, created = confirm_round(
            current_programme(), 77, preview.pool_hash, "second", close_open=close_open
        )
        assert (round_.id, created) == (first[1], False)
        assert db.session.scalar(select(func.count()).select_from(Round)) == 1
        assert round_.closed_at is None


def test_confirming_a_stale_preview_is_refused(app, board):
    add_people(app, board, 6)
    with app.app_context():
        programme = current_programme()
        first, second = preview_round(programme, 1), preview_round(programme, 2)
        confirm_round(programme, first.seed, first.pool_hash)
        with pytest.raises(PoolChanged):
            confirm_round(programme, second.seed, second.pool_hash)
        assert db.session.scalar(select(func.count()).select_from(Round)) == 1


def test_a_huge_rounds_card_stays_within_trellos_description_limit():
    from datetime import date
    from types import SimpleNamespace

    from app.rounds.describe import round_card_desc

    round_ = SimpleNamespace(
        seed="1", meet_by=date(2026, 12, 24), policy={"odd": "trio", "same_org": "avoid"}, bent=[]
    )
    groups = [(2 * n, 2 * n + 1) for n in range(2500)]
    urls = {pid: f"https://trello.com/c/{pid:08d}" for pid in range(5000)}
    desc = round_card_desc(round_, groups, urls)
    assert len(desc) <= 16384
    assert "1. https://trello.com/c/00000000 + https://trello.com/c/00000001" in desc
    assert desc.rstrip().endswith("each card links its partner.")
