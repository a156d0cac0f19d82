"""Mail goes through the outbox: delivered once to the sandbox, retried while the server is down."""

from datetime import timedelta

from app import outbox
from app.db import db, utcnow
from app.mail import queue_mail
from app.models import current_programme
from tests.conftest import free_port
from tests.smtp_helpers import Inbox, certificate, start_server, trust


def test_queued_mail_reaches_the_sandbox_outbox_once(app, sandbox):
    with app.app_context():
        queue_mail(current_programme(), "ada@example.org", "Your pair", "Say hello to Grace.")
        db.session.commit()
        assert outbox.run_due() == {"done": 1}
        assert outbox.run_due() == {}
    mails = sandbox.mails()
    assert len(mails) == 1
    assert mails[0]["subject"] == "Your pair" and "Grace" in mails[0]["text"]


def test_mail_waits_while_the_smtp_server_is_down(app, sandbox, caplog):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    with app.app_context():
        queue_mail(current_programme(), "ada@example.org", "Your pair", "Hello")
        db.session.commit()
        assert outbox.run_due() == {"pending": 1}
    assert sandbox.mails() == []
    assert "ada@example.org" not in caplog.text


def test_smtp_mail_goes_over_starttls_and_logs_in_when_the_server_offers_it(
    app, tmp_path, monkeypatch
):
    # A server that refuses mail and logins before STARTTLS, as submission servers on 587 do.
    cert, key = certificate(tmp_path)
    trust(monkeypatch, cert)
    inbox, port = Inbox(users={"unmentoring": "s3cret pass"}), free_port()
    server = start_server(port, inbox, tls_files=(cert, key))
    app.config["MAIL_URL"] = f"smtp://unmentoring:s3cret%20pass@127.0.0.1:{port}"
    try:
        with app.app_context():
            queue_mail(current_programme(), "ada@example.org", "Your pair", "Hello")
            db.session.commit()
            assert outbox.run_due() == {"done": 1}
    finally:
        server.stop()
    assert [m["Subject"] for m in inbox.messages] == ["Your pair"]
    assert inbox.logins == [("unmentoring", True)]  # the password crossed only inside TLS


def test_smtps_mail_is_sent_only_to_a_server_whose_certificate_is_trusted(
    app, tmp_path, monkeypatch
):
    cert, key = certificate(tmp_path)
    inbox, port = Inbox(users={"unmentoring": "pw"}), free_port()
    server = start_server(port, inbox, tls_files=(cert, key), implicit_tls=True)
    app.config["MAIL_URL"] = f"smtps://unmentoring:pw@127.0.0.1:{port}"
    try:
        with app.app_context():
            queue_mail(current_programme(), "ada@example.org", "Your pair", "Hello")
            db.session.commit()
            assert outbox.run_due() == {"pending": 1}  # a certificate nobody vouches for
            assert inbox.logins == []  # so the password never left
            trust(monkeypatch, cert)
            assert outbox.run_due(now=utcnow() + timedelta(hours=1)) == {"done": 1}
    finally:
        server.stop()
    assert [m["Subject"] for m in inbox.messages] == ["Your pair"]
