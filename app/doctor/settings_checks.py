"""The checks that are not about the board: Trello's Power-Up keys and TRELLO_POWERUP_ID, the
mail server MAIL_URL names, PUBLIC_URL's scheme, and whom pages tell people to write to."""

import smtplib
import ssl
from urllib.parse import unquote, urlsplit

import requests

from app.doctor.results import FAIL, OK, WARN, check
from app.mail import smtp_session
from app.models import organisers_contact, programme_for_board
from app.people.checks import normalise_email
from app.powerup_api.tokens import parse_keys
from app.redact import describe_error

TIMEOUT = 10.0  # seconds: an operator waits for the answer
SMTP_PORTS = {"smtp": 25, "smtps": 465}
MAIL_URL_FORMS = "smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465"


@check("Trello's Power-Up keys")
def powerup_keys(ctx):
    """Fetch and read Trello's JWT key document as the Power-Up API does; TRELLO_POWERUP_ID set."""
    url = ctx.config["TRELLO_API_BASE"] + "/resource/jwt-public-keys"
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        keys = parse_keys(_document(response))
    except requests.RequestException as exc:
        return (
            FAIL,
            f"could not fetch {url} ({type(exc).__name__}): the Power-Up API cannot verify "
            "a sign-in until it can",
        )
    except (ValueError, TypeError) as exc:
        return FAIL, f"{url} is not Trello's key document ({exc}): check TRELLO_API_BASE"
    found = f"{len(keys)} key{'s' if len(keys) != 1 else ''} read from {url}"
    powerup_id = ctx.config.get("TRELLO_POWERUP_ID")
    if not powerup_id:
        return FAIL, (
            f"{found}, but TRELLO_POWERUP_ID is not set: set it to the Power-Up's id from "
            "Trello's admin portal, or the Power-Up API refuses every call"
        )
    return OK, f"{found}; TRELLO_POWERUP_ID is {powerup_id}"


def _document(response):
    """Return the key document as JSON, or as text for a bare PEM (parse_keys reads both)."""
    try:
        return response.json()
    except ValueError:
        return response.text


@check("Mail")
def mail(ctx):
    """Check that MAIL_URL's server takes a connection and the login, without sending a mail."""
    url = ctx.config.get("MAIL_URL")
    if not url:
        return FAIL, f"MAIL_URL is not set, so no mail can be sent: set it to {MAIL_URL_FORMS}"
    if url == "sandbox":
        return _sandbox_mail(ctx)
    parts = urlsplit(url)
    if parts.scheme not in SMTP_PORTS or not parts.hostname:
        return FAIL, f"MAIL_URL is not a mail server's address: set it to {MAIL_URL_FORMS}"
    return _smtp(url, min(float(ctx.config.get("MAIL_TIMEOUT", 20)), TIMEOUT))


def _smtp(url, timeout):
    """Open a session as sending does (EHLO, STARTTLS when offered, login), then QUIT."""
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or SMTP_PORTS[parts.scheme]}"
    try:
        with smtp_session(url, timeout) as server:
            secure = isinstance(server.sock, ssl.SSLSocket)
    except OSError as exc:  # smtplib's own errors are OSErrors too
        return FAIL, _smtp_trouble(exc, where, unquote(parts.username or ""))
    return _smtp_outcome(where, parts.username, secure)


def _smtp_trouble(exc, where, user):
    """Return what a failed session means and what to do: login, AUTH, TLS or connection."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        code = exc.smtp_code
        return f"{where} refused the login of {user} ({code}): check MAIL_URL's user and password"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where} offers no login (AUTH): check MAIL_URL's port (587 STARTTLS, 465 smtps)"
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS with {where} failed ({exc.reason or exc}): check MAIL_URL's host, port and scheme"
        )
    return (
        f"could not talk to {where} ({describe_error(exc, 200)}): check MAIL_URL's host and "
        "port, and that this machine may connect to it"
    )


def _smtp_outcome(where, user, secure):
    """Return the result of a session that worked: a login in clear is only a warning."""
    said = f"{where} answers{' over TLS' if secure else ''}"
    if user and not secure:
        return WARN, (
            f"{said}, but without TLS, so the password crossed the network in clear: use "
            "smtps:// or a port that offers STARTTLS"
        )
    logged_in = f", and accepted the login of {unquote(user)}" if user else ""
    return OK, f"{said}{logged_in}; nothing was sent"


def _sandbox_mail(ctx):
    """In sandbox mode mail goes to the sandbox's outbox: check that it answers."""
    if not ctx.config.get("SANDBOX"):
        return (
            FAIL,
            "MAIL_URL is 'sandbox' outside sandbox mode, so mail never reaches people: "
            f"set it to {MAIL_URL_FORMS}",
        )
    url = ctx.config["SANDBOX_URL"] + "/sandbox/mail/messages"
    try:
        requests.get(url, timeout=TIMEOUT).raise_for_status()
    except requests.RequestException as exc:
        return (
            FAIL,
            f"the sandbox's mail outbox at {url} did not answer ({type(exc).__name__}): "
            "start the sandbox",
        )
    return OK, f"sandbox mode: mail goes to the sandbox's outbox, which answers at {url}"


@check("PUBLIC_URL")
def public_url(ctx):
    """Check PUBLIC_URL is https, as Trello needs for the Power-Up's pages and for webhooks."""
    url, sandbox = ctx.config["PUBLIC_URL"], ctx.config.get("SANDBOX")
    scheme = urlsplit(url).scheme
    if scheme == "https":
        return OK, f"{url} is https, as Trello needs for the Power-Up and for webhooks"
    if sandbox:
        return OK, f"{url} is {scheme}: fine in sandbox mode (Trello itself needs https)"
    return FAIL, (
        f"{url} is not https: Trello loads the Power-Up and delivers webhooks only over https; "
        "set PUBLIC_URL to the service's public https address"
    )


@check("Organisers' contact address")
def organisers_address(ctx):
    """Check whom every page's footer and the privacy notice name: an address set on purpose."""
    programme = programme_for_board(ctx.config.get("TRELLO_BOARD_ID"))
    address, source = organisers_contact(programme)
    if source == "settings":  # checked when it was saved
        return OK, f"pages name {address}, set by board admins in the Power-Up's settings"
    if source == "env":
        try:
            normalise_email(address)
        except ValueError:
            return FAIL, (
                f"{address!r} (ORGANISERS_EMAIL) is not an email address, yet pages tell people "
                "to write to it: set a real one there or in the Power-Up's settings"
            )
        return OK, f"pages name {address} (ORGANISERS_EMAIL); board admins can set another"
    return WARN, (
        f"no organisers' contact address is set, so pages name the sender of mail, {address}, "
        "which may be an address nobody reads: set one in the Power-Up's settings (board "
        "admins) or in ORGANISERS_EMAIL"
    )
