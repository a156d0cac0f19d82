"""`flask doctor` with several programmes: each working one's board, lists and webhook checked
with its own token and named in the report; a stopped one is a warning with its reason and date,
never a failure; TOKEN_ENCRYPTION_KEY is checked wherever boards' tokens need it."""

from cryptography.fernet import Fernet

from app.db import db
from app.doctor import programme_checks
from app.doctor.results import Context
from app.models import Programme
from tests.programme_helpers import second_programme
from tests.test_doctor import assert_nothing_secret, doctor

CHECKS = 11  # the first programme's and the service's, as tests/test_doctor.py counts them


def programme_lines(result, slug):
    """Return the report's lines about one programme, by its short web address."""
    return [text for text in result.output.splitlines() if f"  Programme {slug} (board " in text]


def ready(runner, app):
    """Register the first board's webhook and name the organisers, as a ready deployment has."""
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    app.config["ORGANISERS_EMAIL"] = "organisers@example.org"


def test_each_working_programme_is_checked_with_its_own_token_and_named(live_app, runner, board):
    ready(runner, live_app)
    second, token, _ = second_programme(live_app, board)
    third, _, _ = second_programme(live_app, board, slug="third", name="Third", webhook=False)

    result = doctor(runner, "--no-probe")

    lines = programme_lines(result, "second")
    assert [text.split()[0] for text in lines] == ["OK", "OK", "OK"], result.output
    assert all(f"Programme second (board {second['id']}): " in text for text in lines)
    assert "readable with its own token" in lines[0] and "2 members" in lines[0]
    assert "lists: Sign-ups, Matched, Shared, Paused: open" in lines[1]
    assert "webhook: webhook " in lines[2] and "is active" in lines[2]
    webhook = programme_lines(result, "third")[2]
    assert webhook.startswith("FAIL") and f"(board {third['id']}): webhook: no webhook" in webhook
    assert webhook.endswith("run flask --app app register-webhook --programme third")
    assert result.exit_code == 1  # an operator can fix that one: it fails
    assert token not in result.output
    assert_nothing_secret(live_app, result.output)
    assert live_app.config["TOKEN_ENCRYPTION_KEY"] not in result.output


def test_a_stopped_programme_is_a_warning_with_its_reason_and_date_not_a_failure(
    live_app, runner, board
):
    ready(runner, live_app)
    second, _, _ = second_programme(live_app, board)
    assert runner.invoke(args=["programmes", "disable", "second", "--yes"]).exit_code == 0

    result = doctor(runner, "--no-probe")

    [line] = programme_lines(result, "second")
    assert line.startswith(f"WARN  Programme second (board {second['id']}): stopped on ")
    assert ": disabled by an operator. Its stored token was deleted" in line
    assert "its people are kept until" in line and "then erased" in line
    assert line.endswith("To resume, a board admin sets it up again from the Power-Up on the board")
    assert "FAIL" not in result.output and result.exit_code == 0, result.output


def test_a_token_revoked_on_trello_is_a_warning_that_says_how_to_resume(live_app, runner, board):
    ready(runner, live_app)
    _second, token, _ = second_programme(live_app, board)
    board.api("DELETE", f"/tokens/{token}", params={"token": token})  # the admin revoked it

    result = doctor(runner, "--no-probe")

    [line] = programme_lines(result, "second")
    assert line.startswith("WARN") and "Trello refused its token on the board" in line
    assert "a board admin sets it up again from the Power-Up" in line
    assert result.exit_code == 0, result.output


def test_the_token_key_is_needed_once_another_board_has_a_programme(app, runner, board):
    second_programme(app, board, webhook=False)
    app.config["TOKEN_ENCRYPTION_KEY"] = None
    app.extensions.pop("trello_boards", None)  # as a restarted process: no token opened yet

    result = doctor(runner, "--no-probe")

    key = next(text for text in result.output.splitlines() if "  TOKEN_ENCRYPTION_KEY: " in text)
    assert key.startswith("FAIL") and "the programmes of 1 other board(s) need it" in key
    assert "Fernet.generate_key()" in key
    [line] = programme_lines(result, "second")
    assert line.startswith("FAIL") and "its stored token cannot be opened" in line
    assert result.exit_code == 1


def test_the_token_key_is_needed_in_production_but_not_in_a_fresh_sandbox(app):
    with app.app_context():
        app.config.update(TOKEN_ENCRYPTION_KEY=None, SANDBOX=True)
        sandbox = programme_checks.token_key(Context(app.config, None))
        app.config.update(SANDBOX=False)
        production = programme_checks.token_key(Context(app.config, None))
        app.config.update(TOKEN_ENCRYPTION_KEY="not a key")
        garbled = programme_checks.token_key(Context(app.config, None))
    assert sandbox.status == "OK" and "not needed yet" in sandbox.message
    assert production.status == "FAIL" and "no board can be set up from the Power-Up" in (
        production.message
    )
    assert garbled.status == "FAIL" and "not a list of Fernet keys" in garbled.message


def test_tokens_sealed_under_an_older_key_say_run_reseal(app, runner, board):
    _second, _, second_id = second_programme(app, board, webhook=False)
    old = app.config["TOKEN_ENCRYPTION_KEY"]
    app.config["TOKEN_ENCRYPTION_KEY"] = f"{Fernet.generate_key().decode()},{old}"

    before = doctor(runner, "--no-probe")
    assert runner.invoke(args=["programmes", "reseal"]).exit_code == 0
    after = doctor(runner, "--no-probe")

    key = next(text for text in before.output.splitlines() if "  TOKEN_ENCRYPTION_KEY: " in text)
    assert key.startswith("WARN") and "1 stored token sealed under an older key" in key
    assert "run flask --app app programmes reseal" in key
    key = next(text for text in after.output.splitlines() if "  TOKEN_ENCRYPTION_KEY: " in text)
    assert key.startswith("OK") and "1 stored token of other boards" in key
    with app.app_context():
        assert db.session.get(Programme, second_id).active
    # The service's checks, then the second's board, lists and webhook, then the summary.
    assert len(after.output.splitlines()) == CHECKS + 3 + 1
