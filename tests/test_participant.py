"""A participant's page: pause and come back, skip a round, change details, leave and be erased."""

from datetime import date, timedelta

from sqlalchemy import select

from app.db import db, utcnow
from app.mail import queue_mail
from app.models import OutboxEntry, WebhookEvent, current_programme
from app.worker.jobs import run_timed_jobs
from tests.signup_helpers import (
    board_lists,
    csrf_token,
    eight_days_on,
    mails_to,
    people,
    post_form,
    signed_up_and_confirmed,
)
from tests.support import drain


def _card_list(board, card_id):
    """Return the name of the list the card is in, or 'archived'."""
    lists, archived = board_lists(board)
    if any(card["id"] == card_id for card in archived):
        return "archived"
    return next(name for name, cards in lists.items() if any(c["id"] == card_id for c in cards))


def _pause_until(client, manage, day):
    """Post the pause form for a date; return the response."""
    fields = {"until-day": day.day, "until-month": day.month, "until-year": day.year}
    return post_form(client, manage + "/pause", **fields)


def test_pausing_moves_the_card_to_paused_and_it_returns_on_the_date(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    back_on = date.today() + timedelta(days=14)
    response = _pause_until(client, manage, back_on)
    assert response.status_code == 302
    assert "You are paused until" in client.get(manage).get_data(as_text=True)
    drain(app)
    [person] = people(app)
    assert (person["status"], person["paused_until"]) == ("paused", back_on)
    assert _card_list(board, person["trello_card_id"]) == "Paused"

    with app.app_context():
        assert run_timed_jobs(now=utcnow() + timedelta(days=13)) == {}
        assert run_timed_jobs(now=utcnow() + timedelta(days=14)) == {"back from pause": 1}
    drain(app)
    assert people(app)[0]["status"] == "active" and people(app)[0]["paused_until"] is None
    assert _card_list(board, person["trello_card_id"]) == "Sign-ups"


def test_a_pause_date_in_the_past_or_not_a_date_is_refused_with_the_input_kept(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    past = _pause_until(client, manage, date.today() - timedelta(days=1))
    assert past.status_code == 400 and "must be in the future" in past.get_data(as_text=True)
    nonsense = post_form(
        client, manage + "/pause", **{"until-day": "31", "until-month": "2", "until-year": "2031"}
    )
    page = nonsense.get_data(as_text=True)
    assert "must be a real date" in page and 'value="31"' in page and 'href="#until-day"' in page
    assert people(app)[0]["status"] == "active"


def test_coming_back_early_ends_the_pause(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    _pause_until(client, manage, date.today() + timedelta(days=30))
    post_form(client, manage + "/resume", page=manage)
    drain(app)
    [person] = people(app)
    assert person["status"] == "active"
    assert _card_list(board, person["trello_card_id"]) == "Sign-ups"


def test_skipping_the_next_round_is_recorded_and_can_be_undone(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    token = csrf_token(client, manage)
    client.post(manage + "/skip", data={"skip": "yes", "csrf_token": token})
    assert people(app)[0]["skip_next_round"] is True
    assert "You will skip the next round" in client.get(manage).get_data(as_text=True)
    client.post(manage + "/skip", data={"skip": "no", "csrf_token": token})
    assert people(app)[0]["skip_next_round"] is False


def test_changing_details_renames_the_card_and_keeps_contacts_off_it(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    details = {
        "name": "Ada King",
        "email": "ada@example.org",
        "organisation": "Difference Engine Trust",
        "phone": "+44 808 157 0192",
        "topics": "Poetical science",
        "share": ["email"],
        "frequency": "every_other",
    }
    response = post_form(client, manage + "/details", **details)
    assert response.status_code == 302
    drain(app)
    [person] = people(app)
    assert person["phone"] == "+448081570192" and person["frequency"] == "every_other"
    [card] = board_lists(board)[0]["Sign-ups"]
    assert card["name"] == "Ada King · Difference Engine Trust"
    assert "Poetical science" in card["desc"] and "weave" not in card["desc"]
    assert "0192" not in card["desc"] + card["name"]


def test_leaving_erases_the_person_archives_their_emptied_card_and_cancels_their_mail(
    app, client, board
):
    manage = signed_up_and_confirmed(app, client, board)
    card_id = people(app)[0]["trello_card_id"]
    with app.app_context():
        queue_mail(
            current_programme(), "ada@example.org", "Your pair", "Meet Grace", lane="person:1"
        )
        db.session.commit()
    sent_before = len(mails_to(board, "ada@example.org"))

    response = post_form(client, manage + "/leave")
    assert "You have left" in response.get_data(as_text=True)
    drain(app)

    [person] = people(app)
    assert person["status"] == "left" and person["left_at"] is not None
    assert person["full_name"] == "(left)" and person["organisation"] == "Analytical Council"
    for field in ("email", "phone", "google_id", "teams", "skype", "topics"):
        assert person[field] is None
    assert person["share_channels"] == []
    assert len(mails_to(board, "ada@example.org")) == sent_before  # the queued mail never went
    with app.app_context():
        entries = list(db.session.scalars(select(OutboxEntry)))
        assert "cancelled" in {e.status for e in entries}
        assert not [e for e in entries if "ada@example.org" in str(e.payload)]
        assert not [e for e in entries if "Ada Lovelace" in str(e.payload)]
    [card] = [c for c in board_lists(board)[1] if c["id"] == card_id]
    assert card["closed"] and card["desc"] == "" and "Ada" not in card["name"]
    assert "You have left" in client.get(manage).get_data(as_text=True)


def test_leaving_scrubs_names_from_recorded_trello_actions_about_the_card(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    card_id = people(app)[0]["trello_card_id"]
    with app.app_context():
        action = {
            "id": "5a4db0a4d0000000000bee01",
            "type": "updateCard",
            "date": "2026-11-26T10:00:00.000Z",
            "data": {"card": {"id": card_id, "name": "Ada Lovelace · Analytical Council"}},
        }
        db.session.add(
            WebhookEvent(
                programme_id=current_programme().id,
                action_id=action["id"],
                action_type="updateCard",
                payload=action,
            )
        )
        db.session.commit()
    post_form(client, manage + "/leave")
    with app.app_context():
        [event] = db.session.scalars(select(WebhookEvent))
        assert "Ada" not in str(event.payload) and event.payload["data"]["card"]["id"] == card_id


def test_leaving_before_the_card_exists_cancels_it(app, client, board):
    from tests.signup_helpers import links_in, sign_up

    sign_up(client)
    drain(app)
    confirm = links_in(mails_to(board, "ada@example.org")[0])["confirm"]
    post_form(client, confirm)
    manage = "/me/" + confirm.rsplit("/", 1)[1]  # not valid for manage: wrong purpose
    assert client.get(manage).status_code == 400
    with app.app_context():
        welcome = db.session.scalars(select(OutboxEntry).order_by(OutboxEntry.id.desc())).first()
        manage = links_in(welcome.payload)["manage"]
    post_form(client, manage + "/leave")
    drain(app)
    assert board_lists(board) == ({"Sign-ups": [], "Matched": [], "Shared": [], "Paused": []}, [])


def test_expired_and_tampered_manage_links_show_a_clear_page_and_change_nothing(
    app, client, board, monkeypatch
):
    manage = signed_up_and_confirmed(app, client, board)
    token = csrf_token(client, manage)
    # Change a character inside the signature: the last base64 character carries padding
    # bits, so changing it alone can leave the signature the same.
    tampered = manage[:-10] + ("A" if manage[-10] != "A" else "B") + manage[-9:]
    for path in (tampered, tampered + "/leave", tampered + "/pause"):
        response = client.get(path)
        assert response.status_code == 400 and "does not work" in response.get_data(as_text=True)
    assert client.post(tampered + "/leave", data={"csrf_token": token}).status_code == 400
    eight_days_on(monkeypatch, days=200)
    response = client.post(manage + "/leave", data={"csrf_token": token})
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)
    assert people(app)[0]["status"] == "active"
    assert board_lists(board)[0]["Sign-ups"][0]["name"] == "Ada Lovelace · Analytical Council"


def test_unconfirmed_sign_ups_are_erased_after_thirty_days(app, client, board):
    from tests.signup_helpers import sign_up

    sign_up(client)
    with app.app_context():
        assert run_timed_jobs(now=utcnow() + timedelta(days=29)) == {}
        assert run_timed_jobs(now=utcnow() + timedelta(days=31)) == {"unconfirmed erased": 1}
    [person] = people(app)
    assert person["status"] == "left" and person["email"] is None and person["organisation"] == ""


def test_the_worker_brings_people_back_when_their_pause_is_over(app, client, board, runner):
    manage = signed_up_and_confirmed(app, client, board)
    _pause_until(client, manage, date.today() + timedelta(days=3))
    drain(app)
    with app.app_context():
        from app.models import Person

        # Three days on: the date has come.
        db.session.get(Person, 1).paused_until = date.today()
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 back from pause" in result.output
    [person] = people(app)
    assert person["status"] == "active"
    assert _card_list(board, person["trello_card_id"]) == "Sign-ups"
