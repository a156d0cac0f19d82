"""Outgoing mail: queued in the outbox, sent by SMTP or, in sandbox mode, to the sandbox."""

import logging
import smtplib
import ssl
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

import requests
from flask import current_app

from app.outbox import Operations, PermanentError, enqueue

log = logging.getLogger(__name__)
operations = Operations()


class MailNotConfigured(PermanentError):
    """MAIL_URL is unset outside sandbox mode, so mail cannot be sent."""


def queue_mail(programme, to, subject, text, *, html=None, lane=None, dedupe_key=None, person=None):
    """Queue one mail (plain text, optionally with an HTML part) in the caller's transaction."""
    payload = {"to": to, "subject": subject, "text": text}
    if html:
        payload["html"] = html
    return enqueue(programme, "mail.send", payload, lane=lane, dedupe_key=dedupe_key, person=person)


def build_message(sender, to, subject, text, html=None, message_id=None):
    """Return the email message exactly as it will be sent."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = message_id or make_msgid(domain="unmentoring.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


@contextmanager
def smtp_session(url, timeout):
    """Yield a server connected as MAIL_URL says: smtp:// (STARTTLS when offered) or smtps://
    (TLS from the start), logged in when the URL names a user; QUIT when the block ends.

    Sending and `flask doctor` both connect through here, so the doctor checks what sending does.
    """
    parts, context = urlsplit(url), ssl.create_default_context()
    if parts.scheme == "smtps":
        # smtplib's own default context checks no certificate: the password would go to anyone.
        server = smtplib.SMTP_SSL(
            parts.hostname, parts.port or 465, timeout=timeout, context=context
        )
    else:
        server = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=timeout)
    with server:
        # has_extn() knows only what EHLO announced, so EHLO first or STARTTLS is never seen.
        server.ehlo()
        if parts.scheme == "smtp" and server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        yield server


def _send_smtp(url, message):
    """Send one message through the server MAIL_URL names."""
    with smtp_session(url, current_app.config.get("MAIL_TIMEOUT", 20)) as server:
        server.send_message(message)


def entry_message_id(entry):
    """Return one Message-ID per outbox entry, so a mail sent again by a worker that died
    before recording it is the same message, which receiving servers can drop (Gmail does)."""
    if entry is None or entry.id is None:
        return None
    made = entry.created_at.strftime("%Y%m%d%H%M%S%f") if entry.created_at else "0"
    return f"<outbox.{entry.id}.{made}@unmentoring.local>"


def _send_sandbox(message):
    """Hand the mail to the sandbox's outbox page over HTTP, like a mail server would take it."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    body = {
        "from": message["From"],
        "to": message["To"],
        "subject": message["Subject"],
        "text": text.get_content(),
        "html": html.get_content() if html is not None else None,
        "headers": {"Message-ID": message["Message-ID"]},
    }
    url = current_app.config["SANDBOX_URL"] + "/sandbox/mail/messages"
    response = requests.post(url, json=body, timeout=10)
    response.raise_for_status()


@operations.register("mail.send")
def send_mail(payload, entry=None):
    """Send one queued mail now; raises so the outbox retries when the server is unreachable."""
    url = current_app.config.get("MAIL_URL")
    if not url:
        raise MailNotConfigured("MAIL_URL is not set")
    message = build_message(
        current_app.config["MAIL_FROM"],
        payload["to"],
        payload["subject"],
        payload["text"],
        payload.get("html"),
        entry_message_id(entry),
    )
    if url == "sandbox":
        _send_sandbox(message)
    else:
        _send_smtp(url, message)
    # The address is personal data: log only which entry was sent.
    log.info("mail sent for outbox entry %s", getattr(entry, "id", None))
    return {"message_id": message["Message-ID"]}
