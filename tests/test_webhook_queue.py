"""The webhook queue: a delivery is acknowledged after one insert and processed later by the
worker's queue pass, exactly once and in order; actions that cannot matter are dropped on
arrival."""

import secrets
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.db import db
from app.models import OutboxEntry, Output, Person, WebhookEvent, current_programme
from app.webhooks import dispatch, queue
from app.webhooks.signature import signature
from tests.followup_helpers import action, delivery, make_round, outputs
from tests.support import process_webhooks

pytestmark = pytest.mark.usefixtures("board")


def _post(app, client, act):
    """Deliver one action signed as Trello signs it, and nothing more (no queue pass)."""
    body = delivery(act)
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    header = signature(app.config["TRELLO_API_SECRET"], body, callback)
    response = client.post(
        "/webhooks/trello",
        data=body,
        headers={"X-Trello-Webhook": header},
        content_type="application/json",
    )
    assert response.status_code == 200
    return act["id"]


def _statuses(app):
    """Return {action id: status} of every recorded action."""
    with app.app_context():
        rows = db.session.execute(select(WebhookEvent.action_id, WebhookEvent.status)).all()
        return dict(rows)


def _count(app, model, *where):
    """Count a model's rows, optionally filtered."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _lists(app):
    """Return the programme's list ids by key."""
    with app.app_context():
        return dict(current_programme().settings["lists"])


@pytest.fixture
def cards(app, runner, sandbox):
    """Four participants in a round; return {card id: person id}."""
    people = make_round(app, runner, sandbox, count=4)
    return {card: person_id for person_id, (card, _, _) in people.items()}


def test_a_delivery_is_acknowledged_then_processed_by_the_queue_pass_once(app, client, cards):
    card = next(iter(cards))
    comment = action("commentCard", card, text="https://notes.example.org/what-i-learned")
    for _ in range(2):  # a redelivery before the worker came round is the same action
        _post(app, client, comment)
    assert _statuses(app) == {comment["id"]: "received"}
    assert outputs(app) == set()  # acknowledged, not processed yet
    assert process_webhooks(app) == 1
    assert _statuses(app) == {comment["id"]: "processed"}
    assert outputs(app) == {(cards[card], "https://notes.example.org/what-i-learned", "comment")}
    _post(app, client, comment)  # a redelivery after processing changes nothing either
    assert process_webhooks(app) == 0
    assert len(outputs(app)) == 1


def test_the_worker_command_processes_received_actions(app, client, runner, cards):
    card = next(iter(cards))
    _post(app, client, action("commentCard", card, text="https://notes.example.org/worker"))
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Webhook actions: 1 processed" in result.output
    assert set(_statuses(app).values()) == {"processed"}
    assert len(outputs(app)) == 1


def test_a_pass_that_fails_midway_keeps_nothing_and_the_next_processes_each_once(
    app, client, cards, monkeypatch
):
    """As a worker killed between acknowledgement and processing: the actions wait, then are
    processed once each."""
    posted = [
        _post(app, client, action("commentCard", card, text=f"https://o.example.org/{n}"))
        for n, card in enumerate(cards)
    ]
    real, seen = dispatch.process, []

    def failing(programme, event):
        """Process the first action, then fail as a lost database connection would."""
        seen.append(event.action_id)
        if len(seen) > 1:
            raise OperationalError("UPDATE", {}, Exception("server closed the connection"))
        real(programme, event)

    monkeypatch.setattr(queue, "process", failing)
    monkeypatch.setattr(queue, "BATCH_SECONDS", 60.0)  # all four in one pass, however slow
    with app.app_context(), pytest.raises(OperationalError):
        queue.process_received()
    assert set(_statuses(app).values()) == {"received"}
    assert outputs(app) == set()  # the first action's output went with the failed pass
    monkeypatch.setattr(queue, "process", real)
    assert process_webhooks(app) == len(posted)
    assert set(_statuses(app).values()) == {"processed"}
    assert len(outputs(app)) == len(posted)


def test_actions_on_one_card_are_processed_in_the_order_they_arrived(app, client, cards):
    card, lists = next(iter(cards)), _lists(app)

    def move(before, after):
        return action(
            "updateCard", card, listBefore={"id": lists[before]}, listAfter={"id": lists[after]}
        )

    _post(app, client, move("matched", "paused"))  # the organiser pauses them ...
    _post(app, client, move("paused", "signups"))  # ... and changes their mind
    process_webhooks(app)
    with app.app_context():
        assert db.session.get(Person, cards[card]).status == "active"


def test_workers_side_by_side_process_each_action_once(app, client, cards):
    posted = [
        _post(app, client, action("commentCard", card, text=f"https://o.example.org/{n}"))
        for n in range(60)
        for card in [list(cards)[n % len(cards)]]
    ]
    errors = []

    def worker():
        """Run queue passes until nothing is left, as one worker process would."""
        with app.app_context():
            try:
                while queue.received_count():
                    queue.process_received(batch=5)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    process_webhooks(app)  # whatever a worker left when SQLite said it was busy
    assert all("locked" in str(e) or "busy" in str(e) for e in errors), errors
    assert set(_statuses(app).values()) == {"processed"}
    assert _count(app, Output) == len(posted)


def _stranger(app, organisers_list):
    """Return actions on a card that is nobody's, in a list of the organisers' own."""
    card, where = secrets.token_hex(12), {"id": organisers_list}
    return [
        action("commentCard", card, text="https://o.example.org/not-ours", list=where),
        action(
            "addAttachmentToCard",
            card,
            list=where,
            attachment={"id": secrets.token_hex(12), "url": "https://o.example.org/x"},
        ),
        action("updateCard", card, listBefore=where, listAfter={"id": secrets.token_hex(12)}),
        action("updateCard", card, card={"id": card, "desc": "Email: someone@example.org"}),
        action("deleteCard", card, list=where),
        action("createCard", card, list=where),
    ]


def test_actions_on_other_cards_in_other_lists_are_dropped_and_change_nothing(app, client, cards):
    before = {model: _count(app, model) for model in (OutboxEntry, Output, Person)}
    for act in _stranger(app, secrets.token_hex(12)):
        _post(app, client, act)
    assert _statuses(app) == {}
    assert process_webhooks(app) == 0
    assert {model: _count(app, model) for model in before} == before


def test_sign_up_cards_participants_cards_and_board_actions_are_kept(app, client, cards):
    lists, participant = _lists(app), next(iter(cards))
    made, moved = secrets.token_hex(12), secrets.token_hex(12)
    signups, elsewhere = {"id": lists["signups"]}, {"id": secrets.token_hex(12)}
    label = action("createLabel", None, label={"id": secrets.token_hex(12)})
    del label["data"]["card"]  # not about a card: the doctor's probe label
    kept = [
        # A card made in Sign-ups (an import) and one moved there by hand with an Email: line.
        action("createCard", made, list=signups),
        action(
            "updateCard",
            moved,
            card={"id": moved, "desc": "Email: new@example.org"},
            listBefore=elsewhere,
            listAfter=signups,
        ),
        # A comment on a participant's card, whichever list the action names.
        action("commentCard", participant, text="https://o.example.org/kept", list=elsewhere),
        label,
    ]
    for act in kept:
        _post(app, client, act)
    assert set(_statuses(app)) == {act["id"] for act in kept}
    process_webhooks(app)
    assert set(_statuses(app).values()) == {"processed"}
    imports = OutboxEntry.operation == "signup.import_card"
    assert _count(app, OutboxEntry, imports) == 2  # both Sign-ups cards are queued for import
    assert (cards[participant], "https://o.example.org/kept", "comment") in outputs(app)
