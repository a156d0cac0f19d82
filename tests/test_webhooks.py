"""The webhook receiver: signatures on raw bytes, one record per action, quick plain answers."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import db
from app.models import WebhookEvent, current_programme
from app.webhooks.signature import signature
from tests.support import PAYLOADS, board_id_of, participant_card, payload_bytes, post_signed

MOVE = "updateCard_move.json"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "trello-payloads"


@pytest.mark.skipif(not SHARED.exists(), reason="no shared trello-payloads folder beside the clone")
def test_the_payload_copies_match_the_shared_captures_byte_for_byte():
    for shared in SHARED.glob("*.json"):
        assert (PAYLOADS / shared.name).read_bytes() == shared.read_bytes(), shared.name


@pytest.fixture
def move_body(app):
    """The captured move payload, rewritten onto the configured board, of a participant's card."""
    participant_card(app, "63d387e699609c7f4bf0e0ce")
    return payload_bytes(MOVE, {board_id_of(MOVE): app.config["TRELLO_BOARD_ID"]})


def _events(app):
    """Count recorded webhook events."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebhookEvent))


def _callback(app):
    return app.config["PUBLIC_URL"] + "/webhooks/trello"


def test_signature_matches_trellos_published_vector():
    body = b'{ "some": "data", "value": 3 }'
    assert signature("client-secret", body, "https://something") == "/qKoB9Rf4446ZFqRNhV5uDojdas="


def test_head_answers_200_for_trellos_creation_check(client):
    assert client.head("/webhooks/trello").status_code == 200


def test_signed_action_is_recorded_once_even_when_delivered_twice(app, client, move_body):
    secret = app.config["TRELLO_API_SECRET"]
    for _ in range(2):
        assert post_signed(client, move_body, secret, _callback(app)).status_code == 200
    assert _events(app) == 1


def test_bad_signature_is_rejected_and_changes_nothing(app, client, move_body):
    response = post_signed(client, move_body, "not-the-secret", _callback(app))
    assert response.status_code == 401
    assert _events(app) == 0


def test_missing_signature_is_rejected(app, client, move_body):
    response = client.post("/webhooks/trello", data=move_body, content_type="application/json")
    assert response.status_code == 401
    assert _events(app) == 0


def test_signature_over_other_bytes_is_rejected(app, client, move_body):
    secret = app.config["TRELLO_API_SECRET"]
    header = signature(secret, move_body, _callback(app))
    tampered = move_body.replace(b"Doing", b"Done!")
    response = post_signed(client, tampered, secret, _callback(app), **{"X-Trello-Webhook": header})
    assert response.status_code == 401


def test_signed_malformed_json_is_a_400(app, client):
    body = b'{"action": {"id": '
    assert (
        post_signed(client, body, app.config["TRELLO_API_SECRET"], _callback(app)).status_code
        == 400
    )
    assert _events(app) == 0


def test_body_over_one_megabyte_is_a_413(app, client):
    body = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert (
        post_signed(client, body, app.config["TRELLO_API_SECRET"], _callback(app)).status_code
        == 413
    )


def test_action_for_another_board_is_acknowledged_and_ignored(app, client):
    with app.app_context():
        current_programme()
    body = payload_bytes(MOVE)
    assert (
        post_signed(client, body, app.config["TRELLO_API_SECRET"], _callback(app)).status_code
        == 200
    )
    assert _events(app) == 0


def test_non_ascii_payload_verifies_on_the_raw_bytes(app, client):
    participant_card(app, "627bc1e708099f5b7124c099")
    name = "commentCard_action_only.json"
    action = payload_bytes(name, {board_id_of(name): app.config["TRELLO_BOARD_ID"]})
    body = b'{"action": ' + action + b', "model": {}, "webhook": {}}'
    assert (
        post_signed(client, body, app.config["TRELLO_API_SECRET"], _callback(app)).status_code
        == 200
    )
    assert _events(app) == 1
