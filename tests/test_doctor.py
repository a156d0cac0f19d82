"""`flask doctor` against the sandbox over real HTTP: all OK on a ready deployment, and each
broken part named with what to do, exit 1, and no key, token, secret or password printed."""

import pytest
from sqlalchemy import select

from app.db import db
from app.doctor import settings_checks
from app.doctor.probe import LABEL
from app.doctor.results import Context
from app.models import WebhookEvent, current_programme
from app.trello.gateway import get_gateway
from tests.conftest import free_port
from tests.smtp_helpers import Inbox, certificate, start_server, trust
from tests.support import reconfigure
from trello_sandbox import constants

ADA = "Ada Organiser (adaorganiser)"  # the sandbox token's member (constants.ADMIN_MEMBER_ID)
CHECKS = 11
WAIT = "3"  # seconds the probe waits: deliveries to the live app take a fraction of one


@pytest.fixture
def ready(live_app, runner, board):
    """A deployment as docs/deploying.md leaves it: lists set up, the webhook registered, the
    web process serving PUBLIC_URL, and the sandbox sending Trello's rate-limit headers."""
    result = runner.invoke(args=["register-webhook"])
    assert result.exit_code == 0, result.output
    board.control("rate-limits", enabled=True)
    live_app.config["ORGANISERS_EMAIL"] = "organisers@example.org"
    return board


def doctor(runner, *args):
    """Run `flask doctor` with a short probe wait; return the click result."""
    return runner.invoke(args=["doctor", "--wait", WAIT, *args])


def line(result, name):
    """Return the output line of one check, by its name."""
    [found] = [text for text in result.output.splitlines() if f"  {name}: " in text]
    return found


def statuses(result):
    """Return the status word of each check's line, in order."""
    return [text.split()[0] for text in result.output.splitlines()[:CHECKS]]


def probe_labels(sandbox):
    """Return the ids of the labels on the board named as the probe names its label."""
    labels = sandbox.api("GET", f"/boards/{sandbox.board_id}/labels").json()
    return [label["id"] for label in labels if label["name"] == LABEL]


def assert_nothing_secret(app, output):
    """Fail if the output holds the key, token, webhook secret or SECRET_KEY."""
    values = ["TRELLO_API_KEY", "TRELLO_TOKEN", "TRELLO_API_SECRET", "SECRET_KEY"]
    values = [app.config[name] for name in values]
    secrets = values + [constants.API_KEY, constants.API_TOKEN, constants.API_SECRET]
    assert [secret for secret in secrets if secret in output] == []


def test_a_ready_deployment_passes_every_check_and_leaves_no_label(live_app, runner, ready):
    leftover = ready.api("POST", "/labels", json={"name": LABEL, "idBoard": ready.board_id})
    result = doctor(runner)
    assert result.exit_code == 0, result.output
    assert statuses(result) == ["OK"] * CHECKS, result.output
    assert result.output.splitlines()[-1] == f"All {CHECKS} checks passed."
    assert ADA in line(result, "Trello key and token")
    assert "admin on board" in line(result, "The token's member on the board")
    assert "signature verified" in line(result, "Webhook deliveries")
    assert "token: 9" in line(result, "Trello's rate-limit headers")  # 9x of 100 left
    assert "key: 29" in line(result, "Trello's rate-limit headers")
    assert "1 key read" in line(result, "Trello's Power-Up keys")
    assert "organisers@example.org (ORGANISERS_EMAIL)" in line(
        result, "Organisers' contact address"
    )
    assert probe_labels(ready) == []  # its own and the one a killed run left (leftover)
    assert leftover.json()["id"] not in probe_labels(ready)
    with live_app.app_context():
        types = db.session.scalars(select(WebhookEvent.action_type)).all()
    assert "createLabel" in types
    assert_nothing_secret(live_app, result.output)


def test_a_missing_webhook_is_named_with_the_command_that_registers_it(live_app, runner, ready):
    [hook] = ready.api("GET", f"/tokens/{ready.token}/webhooks").json()
    ready.api("DELETE", f"/webhooks/{hook['id']}")
    result = doctor(runner)
    assert result.exit_code == 1
    webhook = line(result, "The webhook")
    assert webhook.startswith("FAIL") and "flask --app app register-webhook" in webhook
    assert "not checked: there is no active webhook" in line(result, "Webhook deliveries")
    assert_nothing_secret(live_app, result.output)


def test_a_disabled_webhook_is_named_and_register_webhook_turns_it_back_on(runner, ready):
    [hook] = ready.api("GET", f"/tokens/{ready.token}/webhooks").json()
    ready.api("PUT", f"/webhooks/{hook['id']}", params={"active": "false"})
    webhook = line(doctor(runner, "--no-probe"), "The webhook")
    assert webhook.startswith("FAIL") and "is disabled" in webhook
    assert "register-webhook (it turns it back on)" in webhook


def test_a_wrong_api_secret_is_found_by_the_probe_which_leaves_no_label(live_app, runner, ready):
    # The receiver checks each delivery's signature with this setting: now every one fails.
    live_app.config["TRELLO_API_SECRET"] = "the-token-pasted-by-mistake"
    result = doctor(runner)
    assert result.exit_code == 1
    probe = line(result, "Webhook deliveries")
    assert probe.startswith("FAIL") and f"no delivery reached the service within {WAIT} s" in probe
    assert "TRELLO_API_SECRET is the API key's secret (not the token)" in probe
    assert probe_labels(ready) == []
    assert [d["status"] for d in ready.deliveries() if d["type"] == "createLabel"][0] == 401
    assert_nothing_secret(live_app, result.output)
    # Trello has counted the refused deliveries on the webhook by now.
    webhook = line(doctor(runner, "--no-probe"), "The webhook")
    assert webhook.startswith("FAIL") and "deliveries are failing" in webhook


@pytest.mark.parametrize(
    "role, said",
    [
        (None, f"is not a member of board {constants.BOARD_ID}: add {ADA} to the board"),
        ("observer", "is an observer on board"),
    ],
)
def test_the_token_member_off_the_board_or_only_observing_is_named(app, runner, board, role, said):
    board.control("membership", idMember=constants.ADMIN_MEMBER_ID, memberType=role)
    result = doctor(runner)
    assert result.exit_code == 1
    member = line(result, "The token's member on the board")
    assert member.startswith("FAIL") and said in member and ADA in member
    assert "not checked: the token's member cannot write" in line(result, "Webhook deliveries")


@pytest.mark.parametrize(
    "setting, value, said",
    [
        ("TRELLO_TOKEN", "ATTAnot0the0token" + "0" * 47, "check TRELLO_TOKEN"),
        ("TRELLO_API_KEY", "0123456789abcdef" * 2, "check TRELLO_API_KEY"),
    ],
)
def test_a_wrong_token_or_key_says_which_setting_to_check(app, runner, board, setting, value, said):
    reconfigure(app, **{setting: value})
    result = doctor(runner)
    assert result.exit_code == 1
    first = line(result, "Trello key and token")
    assert first.startswith("FAIL") and said in first
    assert "not checked: the key and token did not pass" in line(result, "The webhook")
    assert line(result, "Trello's rate-limit headers").startswith("WARN")
    assert value not in result.output
    assert_nothing_secret(app, result.output)


def test_a_trello_api_base_that_does_not_answer_says_so(app, runner, board):
    reconfigure(app, TRELLO_API_BASE=f"http://127.0.0.1:{free_port()}/1")
    result = doctor(runner)
    assert result.exit_code == 1
    first = line(result, "Trello key and token")
    assert first.startswith("FAIL") and "(could not connect): check TRELLO_API_BASE" in first
    assert line(result, "Trello's Power-Up keys").startswith("FAIL  Trello's Power-Up keys: could")


def test_a_board_id_trello_does_not_know_says_check_trello_board_id(app, runner, board):
    reconfigure(app, TRELLO_BOARD_ID="0" * 24)
    result = doctor(runner)
    assert result.exit_code == 1
    member = line(result, "The token's member on the board")
    assert member.startswith("FAIL") and "check TRELLO_BOARD_ID" in member


def test_an_archived_list_says_run_setup_board(app, runner, board):
    with app.app_context():
        paused = next(item for item in get_gateway().lists() if item["name"] == "Paused")
    board.api("PUT", f"/lists/{paused['id']}", params={"closed": "true"})
    lists = line(doctor(runner, "--no-probe"), "The board's lists")
    assert lists.startswith("FAIL") and "Paused: archived: run flask --app app setup-board" in lists


def test_a_board_never_set_up_says_run_setup_board(app, runner, sandbox):
    lists = line(doctor(runner, "--no-probe"), "The board's lists")
    assert lists.startswith("FAIL") and "Sign-ups: not on the board" in lists
    assert lists.endswith("run flask --app app setup-board")


def test_no_rate_limit_headers_and_no_probe_are_warnings(app, runner, board):
    result = doctor(runner, "--no-probe")  # the board fixture turned the sandbox's limits off
    headers = line(result, "Trello's rate-limit headers")
    assert headers.startswith("WARN") and "the sandbox's rate limits are off" in headers
    assert line(result, "Webhook deliveries").startswith("WARN  Webhook deliveries: skipped")


def test_a_check_that_breaks_is_a_fail_line_and_the_others_still_run(
    app, runner, board, monkeypatch
):
    with app.app_context():
        gateway = get_gateway()

    def broken():
        raise RuntimeError("memberships exploded")

    monkeypatch.setattr(gateway, "memberships", broken)
    result = doctor(runner, "--no-probe")
    assert result.exit_code == 1 and len(statuses(result)) == CHECKS
    member = line(result, "The token's member on the board")
    assert member == (
        "FAIL  The token's member on the board: "
        "the check itself failed: RuntimeError: memberships exploded"
    )
    assert line(result, "Mail").startswith("OK")


def test_without_a_powerup_id_the_keys_line_fails(app, runner, board):
    app.config["TRELLO_POWERUP_ID"] = None
    keys = line(doctor(runner, "--no-probe"), "Trello's Power-Up keys")
    assert keys.startswith("FAIL") and "TRELLO_POWERUP_ID is not set" in keys


def check_mail(app, **settings):
    """Run the mail check alone with these settings; return its result."""
    app.config.update(settings)
    with app.app_context():
        return settings_checks.mail(Context(app.config, None))


def test_an_unreachable_mail_server_fails_without_printing_the_password(app, runner, board):
    app.config["MAIL_URL"] = f"smtp://doctor:hunter2-pass@127.0.0.1:{free_port()}"
    result = doctor(runner, "--no-probe")
    assert result.exit_code == 1
    mail = line(result, "Mail")
    assert mail.startswith("FAIL") and "could not talk to 127.0.0.1:" in mail
    assert "hunter2" not in result.output


def test_a_mail_server_that_takes_the_login_over_starttls_is_ok_and_gets_no_mail(
    app, tmp_path, monkeypatch
):
    cert, key = certificate(tmp_path)
    trust(monkeypatch, cert)
    inbox, port = Inbox(users={"doctor": "right pass"}), free_port()
    server = start_server(port, inbox, tls_files=(cert, key))
    try:
        good = check_mail(app, MAIL_URL=f"smtp://doctor:right%20pass@127.0.0.1:{port}")
        bad = check_mail(app, MAIL_URL=f"smtp://doctor:wrong-pass@127.0.0.1:{port}")
    finally:
        server.stop()
    assert good.status == "OK" and "over TLS, and accepted the login of doctor" in good.message
    assert bad.status == "FAIL" and "refused the login of doctor (535)" in bad.message
    assert "right pass" not in good.message + bad.message and "wrong-pass" not in bad.message
    # smtplib tries each mechanism the server offers before it gives up: every try inside TLS.
    assert inbox.messages == [] and set(inbox.logins) == {("doctor", True)}


def test_a_login_without_tls_is_a_warning(app):
    inbox, port = Inbox(users={"doctor": "pw-in-clear"}), free_port()
    server = start_server(port, inbox)
    try:
        result = check_mail(app, MAIL_URL=f"smtp://doctor:pw-in-clear@127.0.0.1:{port}")
    finally:
        server.stop()
    assert result.status == "WARN" and "password crossed the network in clear" in result.message


@pytest.mark.parametrize(
    "settings, status, said",
    [
        ({"MAIL_URL": None, "SANDBOX": False}, "FAIL", "MAIL_URL is not set"),
        ({"MAIL_URL": "sandbox", "SANDBOX": False}, "FAIL", "outside sandbox mode"),
        ({"MAIL_URL": "mailto:ops@example.org"}, "FAIL", "not a mail server's address"),
        ({"MAIL_URL": "sandbox", "SANDBOX": True}, "OK", "the sandbox's outbox, which answers"),
    ],
)
def test_mail_settings_that_cannot_work_fail(app, settings, status, said):
    result = check_mail(app, **settings)
    assert (result.status, said in result.message) == (status, True), result.message


@pytest.mark.parametrize(
    "url, sandbox_mode, status, said",
    [
        ("https://unmentoring.example.org", False, "OK", "is https"),
        ("http://unmentoring.example.org", False, "FAIL", "is not https"),
        ("http://127.0.0.1:5000", True, "OK", "fine in sandbox mode"),
    ],
)
def test_public_url_must_be_https_outside_sandbox_mode(app, url, sandbox_mode, status, said):
    app.config.update(PUBLIC_URL=url, SANDBOX=sandbox_mode)
    result = settings_checks.public_url(Context(app.config, None))
    assert (result.status, said in result.message) == (status, True), result.message


@pytest.mark.parametrize(
    "stored, env, status, said",
    [
        (None, None, "WARN", "pages name the sender of mail, unmentoring@localhost"),
        (None, "not an address", "FAIL", "'not an address' (ORGANISERS_EMAIL) is not an email"),
        (None, "team@example.org", "OK", "pages name team@example.org (ORGANISERS_EMAIL)"),
        ("admins@example.org", "team@example.org", "OK", "admins@example.org, set by board"),
    ],
)
def test_the_organisers_address_is_checked_and_a_fallback_is_a_warning(
    app, runner, board, stored, env, status, said
):
    app.config.update(ORGANISERS_EMAIL=env, MAIL_FROM="UnMentoring <unmentoring@localhost>")
    if stored:
        with app.app_context():
            programme = current_programme()
            programme.settings = {**programme.settings, "contact_email": stored}
            db.session.commit()
    result = doctor(runner, "--no-probe")
    found = line(result, "Organisers' contact address")
    assert found.startswith(status) and said in found, found
