"""The checks against Trello: the key and token, the member's role on the board, the lists,
the webhook, and the rate-limit headers Trello sent on the doctor's own calls."""

from app.doctor.results import FAIL, OK, WARN, check, not_checked, trello_trouble
from app.models import programme_for_board
from app.trello.board import LIST_KEYS, callback_url
from app.trello.gateway import TrelloError
from app.trello.throttle import RATE_HEADERS

NO_TOKEN = "the key and token did not pass (see above)"
WRITERS = ("admin", "normal")
SETUP_BOARD = "run flask --app app setup-board"
REGISTER = "run flask --app app register-webhook"


def who(member):
    """Return a member as people know them: full name and username."""
    return f"{member.get('fullName') or '?'} ({member.get('username') or member.get('id')})"


@check("Trello key and token")
def key_and_token(ctx):
    """Ask Trello who the token belongs to: the one call every other Trello check needs."""
    base = ctx.config["TRELLO_API_BASE"]
    try:
        ctx.me = ctx.gateway.me()
    except TrelloError as exc:
        if exc.status is None:
            return FAIL, f"no answer from {base} ({exc.message}): check TRELLO_API_BASE"
        raise
    return OK, f"{base} accepts them; the token is {who(ctx.me)}'s"


@check("The token's member on the board")
def membership(ctx):
    """Find the token's member in the board's memberships: the service writes, so it must too."""
    if ctx.me is None:
        return not_checked(NO_TOKEN)
    board, member = ctx.board_id, who(ctx.me)
    try:
        rows = ctx.gateway.memberships()
    except TrelloError as exc:
        return FAIL, board_trouble(exc, board, member)
    roles = {r.get("idMember"): r.get("memberType") for r in rows if not r.get("deactivated")}
    ctx.role = roles.get(ctx.me.get("id"))
    if ctx.role in WRITERS:
        return OK, f"{member} is {ctx.role} on board {board}, so the service can write cards"
    if ctx.role == "observer":
        return (
            FAIL,
            f"{member} is an observer on board {board} and can only read: make them a "
            "normal member (or admin)",
        )
    return FAIL, f"{member} is not a member of board {board}: add {member} to the board"


def board_trouble(exc, board, member):
    """Return what a refused read of the board means: no such board, or not allowed to see it."""
    if exc.status in (400, 404):
        return (
            f"Trello shows {member} no board {board} ({exc.message}): check TRELLO_BOARD_ID, "
            f"and that {member} is on the board"
        )
    if exc.status in (401, 403):
        return f"{member} may not see board {board}: add {member} to the board"
    return trello_trouble(exc)


@check("The board's lists")
def board_lists(ctx):
    """Check each list the service uses is on the board and open, by the id setup-board kept."""
    if ctx.me is None:
        return not_checked(NO_TOKEN)
    ctx.programme = programme_for_board(ctx.board_id)
    stored = (ctx.programme.settings or {}).get("lists", {}) if ctx.programme else {}
    on_board = ctx.gateway.lists(filter="all")
    problems = [
        problem
        for key, setting in LIST_KEYS.items()
        if (problem := list_problem(ctx.config[setting], stored.get(key), on_board))
    ]
    if problems:
        return FAIL, "; ".join(problems) + f": {SETUP_BOARD}{ctx.for_programme}"
    names = ", ".join(ctx.config[setting] for setting in LIST_KEYS.values())
    return OK, f"{names}: open, with the ids setup-board stored"


def list_problem(name, list_id, on_board):
    """Return what is wrong with one list (its stored id, else its configured name), or None."""
    if list_id is None:
        found = any(item.get("name") == name and not item.get("closed") for item in on_board)
        return f"{name}: {'its id is not stored' if found else 'not on the board'}"
    found = next((item for item in on_board if item.get("id") == list_id), None)
    if found is None:
        return f"{name}: the stored list {list_id} is not on the board"
    if found.get("closed"):
        return f"{name}: archived"
    return None


@check("The webhook")
def webhook(ctx):
    """Find this token's webhook for callback_url() on the board: active, and delivering."""
    if ctx.me is None:
        return not_checked(NO_TOKEN)
    url, board, register = callback_url(), ctx.board_id, REGISTER + ctx.for_programme
    hooks = [h for h in ctx.gateway.webhooks() if h.get("idModel") == board]
    ctx.hook = next((h for h in hooks if h.get("callbackURL") == url), None)
    if ctx.hook is None:
        others = ", ".join(sorted({str(h.get("callbackURL")) for h in hooks}))
        elsewhere = f" (its webhooks on the board call {others})" if others else ""
        return (
            FAIL,
            f"no webhook of this token sends the board's actions to {url}{elsewhere}: {register}",
        )
    hook_id, failures = ctx.hook.get("id"), ctx.hook.get("consecutiveFailures") or 0
    if not ctx.hook.get("active", True):
        return FAIL, f"webhook {hook_id} for {url} is disabled: {register} (it turns it back on)"
    if failures:
        since = ctx.hook.get("firstConsecutiveFailDate") or "an unknown date"
        return FAIL, (
            f"deliveries are failing: webhook {hook_id} has failed {failures} times in a row "
            f"since {since}; check that {url} reaches the web process and that "
            "TRELLO_API_SECRET is the API key's secret"
        )
    return OK, f"webhook {hook_id} is active for {url}, with no failed deliveries"


@check("Trello's rate-limit headers")
def rate_limit_headers(ctx):
    """Report the allowance Trello announced on the doctor's own calls, which the limiter reads."""
    if ctx.me is None:
        return not_checked(NO_TOKEN)  # what a refusal carries says nothing of this token
    seen = ctx.gateway.throttle.last_headers
    if not seen:
        why = "the sandbox's rate limits are off" if ctx.config.get("SANDBOX") else "a proxy?"
        return WARN, (
            f"none of Trello's answers carried {RATE_HEADERS}* headers ({why}); the client-side "
            "limiter slows down on x-rate-limit-api-token-remaining, so without them another "
            "process on the same token can push the service into 429s"
        )
    parts = [allowance(seen, "token"), allowance(seen, "key")]
    low = [text for text, is_low in parts if is_low]
    summary = "; ".join(text for text, _ in parts)
    if low:
        return WARN, f"{summary}: little left, so another client may share the token or key"
    return OK, summary


def allowance(headers, scope):
    """Return ("token: 97 of 100 left per 10 s", whether under a tenth is left) for a scope."""
    prefix = f"{RATE_HEADERS}api-{scope}-"
    remaining, most = headers.get(prefix + "remaining"), headers.get(prefix + "max")
    if remaining is None or most is None:
        return f"{scope}: not sent", False
    seconds = int(headers.get(prefix + "interval-ms", 10_000)) / 1000
    low = int(remaining) * 10 < int(most)
    return f"{scope}: {remaining} of {most} left per {seconds:g} s", low
