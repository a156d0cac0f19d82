"""No contact details in logs: a whole round's life, every log line captured with any traceback,
none names anyone; nor does the traceback of a write the database refused."""

import logging
import smtplib
from datetime import date
from urllib.parse import quote, quote_plus

import pytest
from sqlalchemy import select, text

from app.db import db
from app.models import OutboxEntry
from tests.followup_helpers import followup_links, outputs
from tests.signup_helpers import FORM, mails_to, people, post_form, sign_up, signed_up_and_confirmed
from tests.support import drain

pytestmark = [pytest.mark.usefixtures("board", "roomy"), pytest.mark.sqlite_only]
# Two people whose every detail is unusual enough that any trace of it in a log is a leak.
PEOPLE = [
    {
        "name": "Zelphine Quarrington",
        "email": "zelphine.q@privacy-test.example",
        "organisation": "Northmoor Council",
        "phone": "020 7946 0461",
        "google_id": "zelphine.quarr@gmail.example",
        "teams": "zelphine.q@teams.privacy-test.example",
        "share": ["email", "phone", "google_id", "teams"],
    },
    {
        "name": "Ozymandias Pellingford",
        "email": "ozy.pellingford@privacy-test.example",
        "organisation": "Southfen Borough",
        "phone": "020 7946 0873",
        "google_id": "ozy.pelling@gmail.example",
        "teams": "ozy.p@teams.privacy-test.example",
        "share": ["email", "phone", "google_id", "teams"],
    },
]
# Requests to the sandbox's Trello API and control paths, as its access log shows them.
SANDBOX_PATHS = (" /1/", " /sandbox/")
OUTPUT = "https://weeknotes.example.org/2026/11/privacy-coffee"


def _secrets():
    """Return every personal value, as typed and as it would look inside a URL."""
    values = set()
    for person in PEOPLE:
        digits = person["phone"].replace(" ", "")
        typed = [person[field] for field in ("name", "email", "google_id", "teams")]
        for raw in [*typed, person["phone"], digits, "+44" + digits[1:]]:
            values |= _forms_of(raw)
    return values


def _forms_of(raw):
    """Return a value as typed and as it would look inside a URL."""
    return {raw, quote(raw), quote_plus(raw)}


def _delivered(sandbox, kind):
    """Wait until the app acknowledged a webhook delivery of an action type."""
    assert sandbox.wait_for_deliveries(1, seconds=10, type=kind, status=200), sandbox.deliveries()


def _whole_life(app, client, runner, sandbox):
    """Sign up, confirm, pair, introduce, share an output, check in, pause and leave."""
    assert runner.invoke(args=["register-webhook"]).exit_code == 0
    manage = [signed_up_and_confirmed(app, client, sandbox, **person) for person in PEOPLE]
    result = runner.invoke(args=["pair", "--seed", "7"])
    assert result.exit_code == 0, result.output
    drain(app)
    intro = mails_to(sandbox, PEOPLE[0]["email"])[-1]
    assert PEOPLE[1]["teams"] in intro["text"], "the partner's details did reach the partner"
    links = followup_links(intro)
    assert post_form(client, links["output"], url=OUTPUT).status_code == 200
    drain(app)
    _delivered(sandbox, "addAttachmentToCard")
    drain(app)
    assert client.get(links["We met"]).status_code == 200
    until = {"until-day": "1", "until-month": "1", "until-year": str(date.today().year + 1)}
    assert post_form(client, manage[1] + "/pause", **until).status_code == 302
    assert post_form(client, manage[0] + "/leave").status_code == 200
    drain(app)
    assert [p["status"] for p in people(app)] == ["left", "paused"]
    assert {url for _, url, _ in outputs(app)} == {OUTPUT}
    return result.output


def _full_text(record):
    """Return all a log handler could write of a record: the message, then any traceback
    with its exception text (SQL parameters, a refused address) and stack."""
    return logging.Formatter().format(record)


def _logged(records, keep=lambda record: True):
    """Return the full text of the records kept, one after another."""
    return "\n".join(_full_text(record) for record in records if keep(record))


def _ours(record):
    """Tell whether a record is the service's (the sandbox's access log stands in for Trello's)."""
    message = record.getMessage()
    return not (record.name == "werkzeug" and any(p in message for p in SANDBOX_PATHS))


def _leaks(text, values):
    """Return the values found in text."""
    return sorted(value for value in values if value in text)


def _assert_none_in(secrets, **outputs):
    """Fail naming the output (logs, stdout, stderr) and the values found in it, if any."""
    for where, written in outputs.items():
        assert not _leaks(written, secrets), f"{where} holds {_leaks(written, secrets)}"


def test_no_name_contact_detail_or_credential_reaches_any_log(
    live_app, client, runner, sandbox, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    cli_output = _whole_life(live_app, client, runner, sandbox)
    out, err = capfd.readouterr()
    logged = _logged(caplog.records, keep=_ours)
    assert len(caplog.records) > 50, "the flow did log: werkzeug, the outbox, the webhook"
    secrets = _secrets() | {live_app.config["TRELLO_TOKEN"], live_app.config["TRELLO_API_KEY"]}
    _assert_none_in(secrets, logs=logged, stdout=out, stderr=err)
    # `flask pair` shows the operator who is paired, by name; contact details never.
    contacts = _secrets() - {quoted for p in PEOPLE for quoted in _forms_of(p["name"])}
    assert not _leaks(cli_output, contacts)


def test_a_refused_recipient_is_not_named_in_the_log_or_the_outbox(
    app, client, caplog, monkeypatch
):
    from app import mail

    def refuse(message):
        """Refuse the recipient as an SMTP server would, naming them in the error."""
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 no such user")})

    monkeypatch.setattr(mail, "_send_sandbox", refuse)
    caplog.set_level(logging.DEBUG)
    sign_up(client, **PEOPLE[0])
    drain(app)
    logged = _logged(caplog.records)
    assert "will retry" in logged or "failed" in logged
    assert not _leaks(logged, _secrets())
    with app.app_context():
        errors = " ".join(e.last_error or "" for e in db.session.scalars(select(OutboxEntry)))
    assert not _leaks(errors, _secrets())


def _refuse_writes_to_people(app):
    """Make the database itself refuse any new or changed person, as a full disk would."""
    with app.app_context():
        for when in ("INSERT", "UPDATE"):
            db.session.execute(
                text(
                    f"CREATE TRIGGER refuse_{when.lower()} BEFORE {when} ON people"
                    " BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        db.session.commit()


def test_a_write_the_database_refuses_is_logged_without_the_values_or_the_link(
    app, client, sandbox, caplog, capfd
):
    """A 500's traceback quotes the failed statement; its parameters are what people typed."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500 and log, as in production
    manage = signed_up_and_confirmed(app, client, sandbox, **PEOPLE[0])
    _refuse_writes_to_people(app)
    caplog.set_level(logging.DEBUG)
    assert post_form(client, manage + "/details", **{**FORM, **PEOPLE[1]}).status_code == 500
    assert sign_up(client, **PEOPLE[1]).status_code == 500
    logged, (out, err) = _logged(caplog.records), capfd.readouterr()
    assert logged.count("Traceback") >= 2, "both failures were logged with their traceback"
    secrets = _secrets() | {manage.split("/")[2]}  # the link's token opens their pages
    _assert_none_in(secrets, logs=logged, stdout=out, stderr=err)
