"""What every check shares: its result, what earlier checks found, and a guard that turns an
unexpected error into a FAIL line instead of a crash."""

import functools
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from app.redact import describe_error
from app.trello.gateway import TrelloError
from app.trello.http import redact

OK, WARN, FAIL = "OK", "WARN", "FAIL"
# Shorter "secrets" are left alone: replacing every "ab" in the output would garble it, and
# nothing the doctor prints quotes a setting's value in the first place.
MIN_SECRET = 4


@dataclass(frozen=True)
class Result:
    """One line of the report: which check, OK / WARN / FAIL, and what was found or to do."""

    name: str
    status: str
    message: str


class Context:
    """The settings and gateway the checks use, and what earlier checks found for later ones."""

    def __init__(self, config, gateway, probe_wait=None, programme=None):
        self.config, self.gateway, self.probe_wait = config, gateway, probe_wait
        # The board checked: the first programme's (TRELLO_BOARD_ID) unless another is given.
        self.board_id = programme.trello_board_id if programme else config.get("TRELLO_BOARD_ID")
        # What commands that fix a board need to name it: "" for the first programme's.
        self.for_programme = (
            f" --programme {programme.slug}" if programme and programme.slug else ""
        )
        self.me = None  # the token's member, once Trello accepted the key and token
        self.role = None  # that member's role on the board
        self.programme = None  # the board's programme row, once setup-board made it
        self.hook = None  # the webhook for callback_url() on the board


def check(name):
    """Decorate a function(context) -> (status, message) into one that returns a Result and
    never raises: an error nobody foresaw becomes a FAIL saying what failed."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(context):
            return guarded(name, fn, context)

        return run

    return decorate


def guarded(name, fn, context):
    """Run fn(context) -> (status, message) and return its Result; an error becomes a FAIL."""
    try:
        status, message = fn(context)
    except TrelloError as exc:
        status, message = FAIL, trello_trouble(exc)
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
        status, message = FAIL, f"the check itself failed: {describe_error(exc, 300)}"
    return Result(name, status, scrub(message, context.config))


def trello_trouble(exc):
    """Return what a failed Trello call means for the operator, and what to do about it."""
    if exc.status is None:
        return f"no answer from TRELLO_API_BASE ({exc.message}): check it and the network"
    if exc.status == 401 and exc.message == "invalid key":
        return "Trello does not know the API key (invalid key): check TRELLO_API_KEY"
    if exc.status == 401 and exc.message == "invalid token":
        return "Trello refused the token (invalid token, or revoked): check TRELLO_TOKEN"
    if exc.status == 401:
        return f"Trello refused the call ({exc.message}): check TRELLO_API_KEY / TRELLO_TOKEN"
    if exc.status == 429:
        return (
            "Trello's rate limit was reached (another client on the token?): try again in a minute"
        )
    return f"Trello answered {exc}"


def not_checked(why):
    """Return the (status, message) of a check that cannot run until an earlier one passes."""
    return WARN, f"not checked: {why}"


def secrets_of(config):
    """Return every value the doctor must never print: key, token, secrets, mail password."""
    values = [config.get(name) for name in ("TRELLO_API_KEY", "TRELLO_TOKEN", "TRELLO_API_SECRET")]
    values.append(config.get("SECRET_KEY"))
    values += [key.strip() for key in (config.get("TOKEN_ENCRYPTION_KEY") or "").split(",")]
    password = urlsplit(config.get("MAIL_URL") or "").password
    if password:
        values += [password, unquote(password)]
    return [str(v) for v in values if v and len(str(v)) >= MIN_SECRET]


def scrub(text, config):
    """Return text with every secret of the deployment replaced by ***."""
    return redact(str(text), secrets_of(config))
