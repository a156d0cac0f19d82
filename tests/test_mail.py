"""Mail goes through the outbox: delivered once to the sandbox, retried while the server is down."""

from app import outbox
from app.db import db
from app.mail import queue_mail
from app.models import current_programme
from tests.conftest import free_port


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
