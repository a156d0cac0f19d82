"""Operator commands from the README's Operating section: erasing a person, reviving a webhook."""

import pytest

from tests.signup_helpers import FORM, board_lists, people, signed_up_and_confirmed
from tests.support import drain


@pytest.fixture
def ada(app, client, board):
    """A confirmed participant with a card in Sign-ups; returns their card's id."""
    signed_up_and_confirmed(app, client, board)
    [person] = people(app)
    assert person["status"] == "active" and person["trello_card_id"]
    return person["trello_card_id"]


@pytest.mark.parametrize("how", ["email", "card id", "short link"])
def test_erase_leaves_only_what_the_report_needs_and_archives_the_emptied_card(
    app, runner, board, ada, how
):
    if how == "email":
        args = ["--email", FORM["email"].upper()]
    elif how == "card id":
        args = ["--card", ada]
    else:
        args = ["--card", board.api("GET", f"/cards/{ada}").json()["shortLink"]]
    result = runner.invoke(args=["erase", *args, "--yes"])
    assert result.exit_code == 0, result.output
    assert "erased" in result.output
    drain(app)
    [person] = people(app)
    assert person["status"] == "left"
    assert (person["email"], person["phone"], person["topics"]) == (None, None, None)
    assert person["full_name"] != FORM["name"] and person["organisation"] == FORM["organisation"]
    lists, archived = board_lists(board)
    assert all(card["id"] != ada for cards in lists.values() for card in cards)
    [card] = [card for card in archived if card["id"] == ada]
    assert FORM["name"] not in card["name"] and card["desc"] == ""


def test_erase_asks_first_and_does_nothing_when_refused(app, runner, ada):
    result = runner.invoke(args=["erase", "--card", ada], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert people(app)[0]["status"] == "active"


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "exactly one of --email and --card"),
        (["--email", "a@example.org", "--card", "x" * 24], "exactly one of --email and --card"),
        (["--email", "not an address"], "Not an email address"),
        (["--email", "nobody@example.org"], "Nobody with that address"),
        (["--card", "f" * 24], "Nobody with that card"),
        (["--card", "NoSuchLk"], "Trello could not find card NoSuchLk"),
    ],
)
def test_erase_explains_what_it_could_not_find(app, runner, ada, args, message):
    result = runner.invoke(args=["erase", *args, "--yes"])
    assert result.exit_code != 0 and message in result.output
    assert people(app)[0]["status"] == "active"


def test_erasing_twice_says_so_and_changes_nothing(app, runner, ada):
    assert runner.invoke(args=["erase", "--card", ada, "--yes"]).exit_code == 0
    before = people(app)
    again = runner.invoke(args=["erase", "--card", ada, "--yes"])
    assert again.exit_code == 0 and "already left" in again.output
    assert people(app) == before


def test_erase_after_a_restore_cancels_work_a_dead_worker_had_claimed(app, runner, ada):
    from datetime import timedelta

    from sqlalchemy import select

    from app.db import db, utcnow
    from app.mail import queue_mail
    from app.models import OutboxEntry, current_programme

    with app.app_context():
        person_id = people(app)[0]["id"]
        entry = queue_mail(current_programme(), [FORM["email"]], "Your partner", "Hello Ada")
        entry.person_id = person_id
        # As restored from a backup taken while a worker held it: its lease ran out long ago.
        entry.status, entry.locked_until = "running", utcnow() - timedelta(days=1)
        db.session.commit()
        entry_id = entry.id
    assert runner.invoke(args=["erase", "--card", ada, "--yes"]).exit_code == 0
    with app.app_context():
        kept = db.session.get(OutboxEntry, entry_id)
        assert kept.status == "cancelled" and FORM["email"] not in str(kept.payload)
        assert (
            db.session.scalar(select(OutboxEntry.id).where(OutboxEntry.status == "running")) is None
        )


def test_erasing_blanks_the_kept_copies_of_partners_introductions_that_named_them(
    app, runner, sandbox
):
    import json

    from sqlalchemy import select

    from app.db import db
    from app.models import OutboxEntry, Person
    from tests.followup_helpers import make_round

    sandbox.control("rate-limits", enabled=False)
    assert runner.invoke(args=["setup-board"]).exit_code == 0
    pairs = make_round(app, runner, sandbox, count=4)
    leaver_id, (_, email, partners) = next(iter(pairs.items()))
    with app.app_context():
        leaver = db.session.get(Person, leaver_id)
        name, phone = leaver.full_name, leaver.phone

    def kept_copies():
        """Return every kept mail payload as text."""
        with app.app_context():
            entries = db.session.scalars(
                select(OutboxEntry).where(OutboxEntry.operation == "mail.send")
            )
            return [json.dumps(e.payload, ensure_ascii=False) for e in entries]

    assert any(email in text and name in text for text in kept_copies())
    assert runner.invoke(args=["erase", "--email", email, "--yes"]).exit_code == 0
    copies = kept_copies()
    assert not [text for text in copies if email in text or name in text or phone in text]
    stranger = next(pid for pid in pairs if pid != leaver_id and pid not in partners)
    assert any(pairs[stranger][1] in text for text in copies)  # other groups' copies are kept
