"""Trello webhook receiver: check the signature on the raw bytes, record each action once.

Acknowledging costs one indexed insert: the handlers run later, in the worker's queue pass
(app.webhooks.queue), so a burst of deliveries never waits on them.
"""

import logging

from flask import Blueprint, current_app, request

from app.db import db, insert_once, utcnow
from app.models import WebhookEvent, programme_for_board, programme_scope
from app.trello.board import WEBHOOK_PATH, callback_url
from app.webhooks.early_drop import concerns_programme
from app.webhooks.payloads import check_shape, parse_payload, storable
from app.webhooks.queue import RECEIVED
from app.webhooks.signature import signature_is_valid

bp = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


@bp.route(WEBHOOK_PATH, methods=["HEAD"])
def trello_check():
    """Answer Trello's creation check; Flask adds HEAD only to GET routes, so it is listed here."""
    return "", 200


def _read_body():
    """Return the raw body, or None when it is over the limit."""
    length = request.content_length
    if length is not None and length > MAX_BODY:
        return None
    body = request.stream.read(MAX_BODY + 1)
    return None if len(body) > MAX_BODY else body


@bp.post(WEBHOOK_PATH)
def trello_delivery():
    """Verify, then queue the action once; never call Trello here and never answer 410."""
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
        # A board we do not serve, or one whose programme stopped: acknowledged, never kept.
        return "", 200
    with programme_scope(programme):
        return _record(programme, action_id, action_type, action)


def _record(programme, action_id, action_type, action):
    """Store the action once by id, to be processed by the worker's queue pass; a repeat
    delivery, or an action on a card that is nobody's business here, is acknowledged only."""
    if not concerns_programme(programme, action):
        return "", 200
    recorded = insert_once(
        WebhookEvent,
        ("action_id",),
        programme_id=programme.id,
        action_id=action_id[:24],
        action_type=action_type[:64],
        action_date=str(action.get("date", ""))[:40],
        payload=action,
        status=RECEIVED,
        received_at=utcnow(),
    )
    db.session.commit()
    if recorded is not None:
        log.info("webhook action %s (%s) queued", action_id, action_type)
    return "", 200
