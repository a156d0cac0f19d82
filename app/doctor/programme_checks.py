"""The checks of every programme but the first (whose board the checks before them look at):
for one that works, its board read with its own token, its lists and its webhook; for one that
stopped, a warning saying when, why and what becomes of its data. And TOKEN_ENCRYPTION_KEY,
which their tokens are sealed with.

What only a board's admin can mend (the authorisation revoked on Trello, the member who gave it
no longer able to write) is a WARN: it is no failure of the service. What an operator mends (the
lists, the webhook, the key) is a FAIL, as for the first board.
"""

from app.doctor.results import FAIL, OK, WARN, Context, Result, check, guarded, scrub
from app.doctor.trello_checks import WRITERS, board_lists, webhook
from app.models import all_programmes
from app.people.retention import erased_at, erasure_date
from app.trello import vault
from app.trello.gateway import NotAuthorised, TrelloError, gateway_for
from app.vocabulary import long_date

MAKE_KEY = (
    ".venv/bin/python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'"
)
RESUME = "a board admin sets it up again from the Power-Up on the board"


def title(programme):
    """Return how the report names a programme: "Programme second (board 5a4d…)"."""
    name = "(first)" if programme.is_first else (programme.slug or f"#{programme.id}")
    return f"Programme {name} (board {programme.trello_board_id})"


def programme_results(config, max_retries):
    """Return the Results of every programme other than the first active one, in order."""
    results = []
    for programme in all_programmes():
        if programme.is_first and programme.active:
            continue  # the checks before these are its own
        if not programme.active:
            message = scrub(stopped_words(programme, config), config)
            results.append(Result(title(programme), WARN, message))
        else:
            results += _active(programme, config, max_retries)
    return results


def stopped_words(programme, config):
    """Return what a stopped programme's line says: when and why, and what becomes of it."""
    since = long_date(programme.stopped_at) or "an unknown date"
    reason = programme.stopped_reason or "no reason recorded"
    words = f"stopped on {since}: {reason}. Its stored token was deleted and it does no work"
    erased, due = erased_at(programme), erasure_date(programme, config["PROGRAMME_RETENTION_DAYS"])
    if erased is not None and programme.stopped_at and erased >= programme.stopped_at:
        return f"{words}; its people were erased on {long_date(erased)}. To start again, {RESUME}"
    kept = f"; its people are kept until {long_date(due)} (PROGRAMME_RETENTION_DAYS), then erased"
    return f"{words}{kept if due else ''}. To resume, {RESUME}"


def _active(programme, config, max_retries):
    """Check one working programme's board with its own token: readable, lists, webhook."""
    name = title(programme)
    try:
        gateway = gateway_for(programme)
    except NotAuthorised:
        return [Result(name, *_no_token(programme))]
    ctx = Context(config, gateway, programme=programme)
    with gateway.session.overrides(max_retries=max_retries):
        results = [guarded(name, lambda c: _board(c, programme), ctx)]
        if ctx.me is None:
            return results  # the board could not be read: the rest would only repeat it
        for topic, run in (("lists", board_lists), ("webhook", webhook)):
            found = run(ctx)
            results.append(Result(name, found.status, f"{topic}: {found.message}"))
    return results


def _no_token(programme):
    """Return (status, message) for a working programme whose token cannot be used."""
    if programme.token_sealed is None:
        return WARN, f"its set-up was not finished (no token is stored): {RESUME}"
    return FAIL, (
        "its stored token cannot be opened: TOKEN_ENCRYPTION_KEY is not set, or no longer holds "
        "the key it was sealed under; put that key back (after any new one)"
    )


def _board(ctx, programme):
    """Read the board's members with the programme's token; its member must be able to write."""
    member = programme.token_member_id
    try:
        rows = ctx.gateway.memberships()
    except TrelloError as exc:
        if exc.status in (400, 401, 403, 404):
            return WARN, (
                f"Trello refused its token on the board ({exc.message}): the board's admin "
                "revoked the authorisation, removed the Power-Up or left the board. The service "
                f"stops the programme at its next write and deletes the token; to resume, {RESUME}"
            )
        raise
    roles = {r.get("idMember"): r.get("memberType") for r in rows if not r.get("deactivated")}
    role = roles.get(member)
    if role not in WRITERS:
        now = f"is {role} on it" if role else "is no longer on it"
        return WARN, (
            f"the member who authorised it ({member}) {now}, so the service cannot write on "
            f"the board: {RESUME}, as a board admin"
        )
    ctx.me, ctx.role = {"id": member}, role
    return OK, f"readable with its own token ({member}, {role}); {len(roles)} members"


@check("TOKEN_ENCRYPTION_KEY")
def token_key(ctx):
    """Check the key that seals boards' tokens: set where needed, opening every stored token."""
    others = [p for p in all_programmes() if not p.is_first]
    make = f"make one with {MAKE_KEY}, set it and keep it (a lost key stops those boards)"
    if not (ctx.config.get("TOKEN_ENCRYPTION_KEY") or "").strip():
        if others:
            return (
                FAIL,
                f"not set, yet the programmes of {len(others)} other board(s) need it: {make}",
            )
        if ctx.config.get("SANDBOX"):
            return OK, "not set, and not needed yet: sandbox mode, and only the first programme"
        return FAIL, f"not set, so no board can be set up from the Power-Up: {make}"
    if not vault.configured():
        return FAIL, f"it is not a list of Fernet keys: {make}"
    sealed = [p for p in others if p.token_sealed]
    lost = [title(p) for p in sealed if not _opens(p.token_sealed)]
    if lost:
        return FAIL, (
            f"no key in it opens the stored token of {', '.join(lost)}: put back the key they "
            f"were sealed under (after any new one), or {RESUME}"
        )
    old = [p for p in sealed if not vault.sealed_under_first_key(p.token_sealed)]
    if old:
        return WARN, (
            f"{_tokens(len(old))} sealed under an older key: run flask --app app programmes "
            "reseal, then take the old key out"
        )
    return OK, f"set; {_tokens(len(sealed))} of other boards, opened by its first key"


def _opens(sealed):
    """Tell whether any configured key opens a stored token."""
    try:
        vault.unseal(sealed)
    except vault.VaultUnavailable:
        return False
    return True


def _tokens(count):
    """Return "1 stored token", "2 stored tokens"."""
    return f"{count} stored token{'' if count == 1 else 's'}"
