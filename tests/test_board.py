"""`setup-board` and `register-webhook`: safe to re-run, clear when Trello refuses."""

import time

import requests
from sqlalchemy import select

from app.db import db
from app.models import WebhookEvent, current_programme
from app.trello.gateway import get_gateway

LISTS = ["Sign-ups", "Matched", "Shared", "Paused"]


def _open_list_names(app):
    with app.app_context():
        return [item["name"] for item in get_gateway().lists()]


def _wait_for_events(app, action_type, count, seconds=10):
    """Poll the database until the sandbox's deliveries have been recorded."""
    deadline = time.monotonic() + seconds
    while True:
        with app.app_context():
            types = [e.action_type for e in db.session.scalars(select(WebhookEvent))]
        if types.count(action_type) >= count or time.monotonic() > deadline:
            return types.count(action_type)
        time.sleep(0.05)


def test_setup_board_creates_the_four_lists_once(app, runner):
    first = runner.invoke(args=["setup-board"])
    assert first.exit_code == 0, first.output
    assert first.output.count("created") == 4
    second = runner.invoke(args=["setup-board"])
    assert second.output.count("exists") == 4
    assert _open_list_names(app) == LISTS


def test_setup_board_keeps_existing_lists_and_reopens_archived_ones(app, runner, sandbox):
    with app.app_context():
        gateway = get_gateway()
        gateway.create_list("Matched")
        paused = gateway.create_list("Paused")
    auth = {"key": sandbox.key, "token": sandbox.token, "closed": "true"}
    requests.put(f"{sandbox.api_base}/lists/{paused['id']}", params=auth, timeout=5)
    result = runner.invoke(args=["setup-board"])
    assert "Matched: exists" in result.output and "Paused: reopened" in result.output
    assert sorted(_open_list_names(app)) == sorted(LISTS)
    with app.app_context():
        assert current_programme().list_id("paused") == paused["id"]


def test_register_webhook_registers_once_and_deliveries_arrive(live_app, runner, sandbox):
    first = runner.invoke(args=["register-webhook"])
    assert first.exit_code == 0 and "registered for" in first.output, first.output
    second = runner.invoke(args=["register-webhook"])
    assert "already registered" in second.output
    with live_app.app_context():
        assert len(get_gateway().webhooks()) == 1
    runner.invoke(args=["setup-board"])
    assert _wait_for_events(live_app, "createList", 4) == 4


def test_register_webhook_turns_on_again_a_webhook_trello_disabled(live_app, runner, sandbox):
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    [hook] = sandbox.api("GET", f"/tokens/{sandbox.token}/webhooks").json()
    sandbox.api("PUT", f"/webhooks/{hook['id']}", params={"active": "false"})
    result = runner.invoke(args=["register-webhook"])
    assert result.exit_code == 0 and "disabled by Trello and is active again" in result.output
    [again] = sandbox.api("GET", f"/tokens/{sandbox.token}/webhooks").json()
    assert again["id"] == hook["id"] and again["active"] is True
    runner.invoke(args=["setup-board"])
    assert _wait_for_events(live_app, "createList", 4) == 4


def test_register_webhook_explains_when_the_app_is_not_reachable(runner):
    result = runner.invoke(args=["register-webhook"])
    assert result.exit_code != 0
    assert "did not return 200" in result.output or "refused" in result.output
