"""Contract: the sandbox's webhook deliveries carry every key real Trello deliveries carry."""

import base64
import hashlib
import hmac
import json

import pytest

from tests.support import PAYLOADS

WEBHOOK_KEYS = {
    "id",
    "description",
    "idModel",
    "callbackURL",
    "active",
    "consecutiveFailures",
    "firstConsecutiveFailDate",
}
# The captured attachment is a file upload; the sandbox attaches links, and Trello's
# link deliveries carry no previews (a captured 2020 link delivery has attachment
# {id, name, url} and attachmentPreview {type, id, originalUrl} only).
UPLOAD_ONLY = {
    "data.attachment.previewUrl",
    "data.attachment.previewUrl2x",
    "display.entities.attachment.previewUrl",
    "display.entities.attachment.previewUrl2x",
    "display.entities.attachmentPreview.previewUrl",
    "display.entities.attachmentPreview.previewUrl2x",
}


def key_paths(value, prefix=""):
    """Return every dotted key path in nested dicts; a list contributes its first element's."""
    if isinstance(value, list):
        return key_paths(value[0], prefix) if value else set()
    if not isinstance(value, dict):
        return set()
    paths = set()
    for key, inner in value.items():
        path = f"{prefix}{key}"
        paths |= {path} | key_paths(inner, path + ".")
    return paths


def _card_in_list(sandbox, list_name="Sign-ups"):
    """Return (list, card) made through the API before any webhook exists."""
    lst = sandbox.api(
        "POST", "/lists", json={"name": list_name, "idBoard": sandbox.board_id}
    ).json()
    card = sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "Grace · Navy"}).json()
    return lst, card


def _create(sandbox, _):
    lst, _ = _card_in_list(sandbox)
    sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "Ada · Engines"})


def _move(sandbox, card):
    target = sandbox.api("POST", "/lists", json={"name": "Matched", "idBoard": sandbox.board_id})
    sandbox.api("PUT", f"/cards/{card['id']}", json={"idList": target.json()["id"]})


def _desc(sandbox, card):
    sandbox.api("PUT", f"/cards/{card['id']}", json={"desc": "Partner: https://trello.com/c/x"})


def _comment(sandbox, card):
    sandbox.api("POST", f"/cards/{card['id']}/actions/comments", json={"text": "We met ☕"})


def _attach(sandbox, card):
    sandbox.api("POST", f"/cards/{card['id']}/attachments", json={"url": "https://ex.org/p"})


CASES = [
    ("createCard.json", "createCard", _create),
    ("updateCard_move.json", "updateCard", _move),
    ("updateCard_desc.json", "updateCard", _desc),
    ("commentCard_action_only.json", "commentCard", _comment),
    ("addAttachmentToCard_upload.json", "addAttachmentToCard", _attach),
]


@pytest.mark.parametrize(("payload_name", "action_type", "perform"), CASES)
def test_delivery_has_every_key_of_the_real_trello_payload(
    sandbox, webhook_receiver, payload_name, action_type, perform
):
    real = json.loads((PAYLOADS / payload_name).read_text(encoding="utf-8"))
    real = real if "action" in real else {"action": real}
    _, card = _card_in_list(sandbox, "Doing") if action_type != "createCard" else (None, None)
    hook = sandbox.api(
        "POST", "/webhooks", json={"callbackURL": webhook_receiver.url, "idModel": sandbox.board_id}
    )
    assert hook.status_code == 200, hook.text
    perform(sandbox, card)

    [delivery, *_] = webhook_receiver.wait(1, action_type)
    sent = json.loads(delivery["body"])
    missing = key_paths(real["action"]) - key_paths(sent["action"]) - UPLOAD_ONLY
    assert not missing, f"action lacks {sorted(missing)}"
    if "model" in real:
        assert not set(real["model"]) - set(sent["model"]), "model lacks top-level keys"
    assert set(sent["webhook"]) == WEBHOOK_KEYS
    assert sent["webhook"]["callbackURL"] == webhook_receiver.url

    secret = sandbox.secret.encode()
    expected = hmac.new(secret, delivery["body"] + webhook_receiver.url.encode(), hashlib.sha1)
    assert delivery["headers"]["X-Trello-Webhook"] == base64.b64encode(expected.digest()).decode()


def test_key_paths_follow_dicts_and_the_first_list_element():
    nested = {"a": {"b": 1, "c": [{"d": 2}, {"e": 3}]}, "f": []}
    assert key_paths(nested) == {"a", "a.b", "a.c", "a.c.d", "f"}
