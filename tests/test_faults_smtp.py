"""The mail server down for a whole round, then back: the board ends as a fault-free round
leaves it, and every introduction arrives exactly once."""

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from app import outbox
from tests.conftest import free_port
from tests.fault_helpers import reference_board, start_round
from tests.round_helpers import board_snapshot
from tests.support import drain_until_done, outbox_states, set_up_board


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        """Keep the message as sent and accept it."""
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _introductions(inbox):
    """Return the recipients of each introduction received, one entry per message."""
    return sorted(m["To"] for m in inbox.messages if "meet" in m["Subject"])


@pytest.mark.sqlite_only
def test_introductions_wait_out_a_mail_server_outage_and_arrive_once(
    app, sandbox, sqlite_template, tmp_path
):
    """sqlite_only: the outbox's SQL is the same on both databases and test_outbox covers it."""
    expected = reference_board(app, sandbox, sqlite_template, tmp_path, 8, 31)
    port = free_port()
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{port}", MAIL_TIMEOUT=2)
    set_up_board(app, sandbox)
    start_round(app, sandbox, 8, 31)
    for _ in range(2):  # the worker tries while nothing listens on the port
        with app.app_context():
            outbox.run_due(limit=1000)
    states = outbox_states(app)
    assert states == {"done": 1, "pending": 8}, states  # the board is done, no mail has gone
    assert board_snapshot(sandbox) == expected  # the outage held the board back in nothing
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        drain_until_done(app)
    finally:
        server.stop()
    assert outbox_states(app) == {"done": 9}
    assert board_snapshot(sandbox) == expected
    assert _introductions(inbox) == sorted(f"p{n}@example.org" for n in range(8))
    assert sandbox.mails() == []  # every mail went by SMTP
