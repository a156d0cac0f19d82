"""Webhooks as Trello runs them: HEAD check, duplicates, signing, order, retries, 410."""

import base64
import hashlib
import hmac
import json

from trello_sandbox import constants
from trello_sandbox.webhooks.payload import sign


def _hook(sandbox, url, id_model=None):
    """Register a webhook; return the response."""
    body = {"callbackURL": url, "idModel": id_model or sandbox.board_id, "description": "test"}
    return sandbox.api("POST", "/webhooks", json=body)


def _list(sandbox, name="Sign-ups"):
    """Create a list; return its id."""
    return sandbox.api("POST", "/lists", json={"name": name, "idBoard": sandbox.board_id}).json()[
        "id"
    ]


def test_signer_matches_trellos_published_vector():
    body = b'{ "some": "data", "value": 3 }'
    assert sign("client-secret", body, "https://something") == "/qKoB9Rf4446ZFqRNhV5uDojdas="


def test_signer_hashes_utf8_bytes_of_a_non_ascii_body_and_callback():
    body = '{"name":"Zoë · Café ☕"}'.encode()
    url = "https://example.org/hooks/ünï"
    digest = hmac.new(b"s3cret", body + url.encode("utf-8"), hashlib.sha1).digest()
    assert sign("s3cret", body, url) == base64.b64encode(digest).decode()
    assert sign("s3cret", body, url) != sign("s3cret", body, "https://example.org/hooks/")


def test_delivery_keeps_non_ascii_as_utf8_and_its_signature_verifies(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    assert _hook(sandbox, webhook_receiver.url).status_code == 200
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Zoë Müller · Café ☕"})

    [delivery] = webhook_receiver.wait(1, "createCard")
    assert "Zoë Müller · Café ☕".encode() in delivery["body"]  # not \u-escaped
    assert delivery["headers"]["Content-Type"] == "application/json"
    expected = sign(constants.API_SECRET, delivery["body"], webhook_receiver.url)
    assert delivery["headers"]["X-Trello-Webhook"] == expected
    assert json.loads(delivery["body"])["model"]["id"] == sandbox.board_id


def test_creation_is_refused_when_the_callback_does_not_answer_head_with_200(
    sandbox, webhook_receiver
):
    webhook_receiver.head_status = 404
    refused = _hook(sandbox, webhook_receiver.url)
    assert refused.status_code == 400
    assert refused.text == f"URL ({webhook_receiver.url}) did not return 200 status code, got 404"
    unreachable = _hook(sandbox, "http://127.0.0.1:9/hook")
    assert unreachable.status_code == 400 and "did not return 200 status code" in unreachable.text
    assert sandbox.api("GET", f"/tokens/{sandbox.token}/webhooks").json() == []


def test_the_same_callback_model_and_token_twice_is_refused(sandbox, webhook_receiver):
    first = _hook(sandbox, webhook_receiver.url)
    second = _hook(sandbox, webhook_receiver.url)
    assert first.status_code == 200 and set(first.json()) >= {"id", "idModel", "active"}
    assert second.status_code == 400
    assert second.text == "A webhook with that callback, model, and token already exists"
    assert _hook(sandbox, "ftp://example.org").text == "invalid value for callbackURL"
    assert _hook(sandbox, webhook_receiver.url, "nope").text == "invalid value for idModel"


def test_actions_are_delivered_in_order_and_only_to_matching_models(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    card = sandbox.api("POST", "/cards", json={"idList": list_id, "name": "A"}).json()
    other = sandbox.api("POST", "/cards", json={"idList": list_id, "name": "B"}).json()
    assert _hook(sandbox, webhook_receiver.url, card["id"]).status_code == 200
    for text in ("one", "two", "three"):
        sandbox.api("POST", f"/cards/{card['id']}/actions/comments", json={"text": text})
    sandbox.api("POST", f"/cards/{other['id']}/actions/comments", json={"text": "elsewhere"})

    received = webhook_receiver.wait(3)
    parsed = [json.loads(d["body"]) for d in received]
    assert [p["action"]["data"]["text"] for p in parsed] == ["one", "two", "three"]
    assert {p["model"]["id"] for p in parsed} == {card["id"]}  # a card webhook's model is the card
    assert parsed[0]["model"]["shortUrl"] == card["shortUrl"]


def test_a_failing_callback_is_retried_three_times_then_left(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    hook = _hook(sandbox, webhook_receiver.url).json()
    webhook_receiver.statuses = [500] * 10
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Retry me"})

    attempts = sandbox.wait_for_deliveries(4, type="createCard")
    assert [(d["attempt"], d["status"]) for d in attempts] == [
        (0, 500),
        (1, 500),
        (2, 500),
        (3, 500),
    ]
    assert len({d["body"] for d in attempts}) == 1  # the same bytes each time
    assert len(sandbox.wait_for_deliveries(5, seconds=0.5, type="createCard")) == 4
    shown = sandbox.api("GET", f"/webhooks/{hook['id']}").json()
    assert shown["consecutiveFailures"] == 4 and shown["firstConsecutiveFailDate"]


def test_a_retry_that_succeeds_clears_the_failure_count(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    hook = _hook(sandbox, webhook_receiver.url).json()
    webhook_receiver.statuses = [503]
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Second time lucky"})
    assert len(webhook_receiver.wait(2, "createCard")) == 2
    sandbox.wait_for_deliveries(2, type="createCard")
    assert sandbox.api("GET", f"/webhooks/{hook['id']}").json()["consecutiveFailures"] == 0


def test_answering_410_deletes_the_webhook(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    hook = _hook(sandbox, webhook_receiver.url).json()
    webhook_receiver.statuses = [410]
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Gone"})
    assert [d["status"] for d in sandbox.wait_for_deliveries(1, webhook=hook["id"])] == [410]
    assert sandbox.api("GET", f"/tokens/{sandbox.token}/webhooks").json() == []
    assert sandbox.api("GET", f"/webhooks/{hook['id']}").status_code == 404
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Not delivered"})
    assert len(webhook_receiver.wait(2, seconds=0.3)) == 1


def test_writes_as_another_member_are_delivered_with_that_member_creator(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    _hook(sandbox, webhook_receiver.url)
    made = sandbox.api(
        "POST",
        "/cards",
        json={"idList": list_id, "name": "By hand"},
        member=constants.NORMAL_MEMBER_ID,
    )
    assert made.status_code == 200
    [delivery] = webhook_receiver.wait(1, "createCard")
    creator = json.loads(delivery["body"])["action"]["memberCreator"]
    assert (creator["id"], creator["fullName"]) == (constants.NORMAL_MEMBER_ID, "Nia Volunteer")
    refused = sandbox.api(
        "POST", "/cards", json={"idList": list_id, "name": "x"}, member=constants.OBSERVER_MEMBER_ID
    )
    assert (refused.status_code, refused.text) == (401, "unauthorized permission requested")


def test_inactive_webhooks_receive_nothing_until_reactivated(sandbox, webhook_receiver):
    list_id = _list(sandbox)
    hook = _hook(sandbox, webhook_receiver.url).json()
    paused = sandbox.api("PUT", f"/webhooks/{hook['id']}", json={"active": False})
    assert paused.json()["active"] is False
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Unseen"})
    sandbox.api("PUT", f"/webhooks/{hook['id']}", json={"active": True})
    sandbox.api("POST", "/cards", json={"idList": list_id, "name": "Seen"})
    [delivery] = webhook_receiver.wait(1, "createCard")
    assert json.loads(delivery["body"])["action"]["data"]["card"]["name"] == "Seen"


def test_a_refused_put_changes_nothing_and_delivers_nothing(sandbox, webhook_receiver):
    first, second = _list(sandbox, "Matched"), _list(sandbox, "Shared")
    card = sandbox.api("POST", "/cards", json={"idList": first, "name": "Stays"}).json()
    _hook(sandbox, webhook_receiver.url)
    refused = sandbox.api("PUT", f"/cards/{card['id']}", json={"idList": second, "pos": "nowhere"})
    assert (refused.status_code, refused.text) == (400, "invalid value for pos")
    assert sandbox.api("GET", f"/cards/{card['id']}").json()["idList"] == first
    sandbox.api("POST", f"/cards/{card['id']}/actions/comments", json={"text": "after"})
    webhook_receiver.wait(1, "commentCard")
    assert [json.loads(d["body"])["action"]["type"] for d in webhook_receiver.deliveries()] == [
        "commentCard"
    ]
