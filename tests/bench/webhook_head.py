"""The webhook receiver as it was before the queue (HEAD baseline for bench_webhooks): every
action recorded, and its handlers run inside the delivery's own request and transaction.

gunicorn serves it as `tests.bench.webhook_head:create_app()`: the app as it is today, with
only the delivery view swapped for the old one, so both are measured in the same run on the
same database and machine.
"""

from flask import current_app, request
from sqlalchemy.exc import IntegrityError

from app import create_app as create_current_app
from app.db import db
from app.models import WebhookEvent, programme_for_board, programme_scope
from app.trello.board import callback_url
from app.webhooks.dispatch import process
from app.webhooks.payloads import check_shape, parse_payload, storable
from app.webhooks.receiver import _read_body
from app.webhooks.signature import signature_is_valid


def create_app():
    """Return the app with the old inline receiver in place of the queueing one."""
    app = create_current_app()
    app.view_functions["webhooks.trello_delivery"] = inline_delivery
    return app


def inline_delivery():
    """Verify, record and process the action in one request (the receiver before the queue)."""
    body = _read_body()
    if body is None:
        return "", 413
    secret = current_app.config["TRELLO_API_SECRET"]
    header = request.headers.get("X-Trello-Webhook", "")
    if not signature_is_valid(secret, body, callback_url(), header):
        return "", 401
    try:
        action = parse_payload(body)["action"]
        action_id, action_type = str(action["id"]), str(action["type"])
        board_id = check_shape(action)
        storable(action_id, action_type, str(action.get("date", "")))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return "", 400
    programme = programme_for_board(board_id) if isinstance(board_id, str) else None
    if programme is None or not programme.active:
        return "", 200
    with programme_scope(programme):
        if db.session.query(WebhookEvent.id).filter_by(action_id=action_id[:24]).first():
            return "", 200
        event = WebhookEvent(
            programme_id=programme.id,
            action_id=action_id[:24],
            action_type=action_type[:64],
            action_date=str(action.get("date", ""))[:40],
            payload=action,
        )
        db.session.add(event)
        try:
            db.session.flush()
            process(programme, event)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        return "", 200
