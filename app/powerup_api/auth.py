"""Who is calling: a verified t.jwt() token, for our board, from a member with the right role."""

import logging
import threading
import time
from functools import wraps

from flask import current_app, g, request

from app.models import current_programme, programme_for_board, programme_scope
from app.powerup_api.errors import ApiError
from app.powerup_api.tokens import InvalidToken, KeysUnavailable, TokenVerifier
from app.trello.gateway import NotAuthorised, TrelloError, gateway_for

log = logging.getLogger(__name__)

MEMBERS_TTL = 60  # seconds a board's membership list is trusted; a removed member loses access soon
# What each role may do; observers can read the board on Trello, so they may read here too.
RANKS = {"observer": 1, "normal": 2, "admin": 3}


class Memberships:
    """Each board's {member id: role}, read through its programme's gateway, cached briefly."""

    def __init__(self, clock=time.monotonic):
        self.clock, self._boards = clock, {}
        self._lock = threading.Lock()

    def role_of(self, member_id, programme=None):
        """Return "admin", "normal", "observer" or None for someone not on the board."""
        programme = programme or current_programme()
        with self._lock:
            at, roles = self._boards.get(programme.trello_board_id, (None, {}))
            if at is None or self.clock() - at > MEMBERS_TTL:
                roles = roles_from(gateway_for(programme).memberships())
                self._boards[programme.trello_board_id] = (self.clock(), roles)
            return roles.get(member_id)

    def forget(self, board_id):
        """Drop a board's cached roles (its programme was set up, stopped or authorised)."""
        with self._lock:
            self._boards.pop(board_id, None)


def roles_from(rows):
    """Return {member id: role} from a board's memberships, leaving out deactivated members."""
    return {row["idMember"]: row.get("memberType") for row in rows if not row.get("deactivated")}


def init_app(app):
    """Keep one verifier and one membership cache per app."""
    keys_url = app.config["TRELLO_API_BASE"] + "/resource/jwt-public-keys"
    app.extensions["powerup_tokens"] = TokenVerifier(
        keys_url, app.config.get("TRELLO_POWERUP_ID"), timeout=app.config["TRELLO_TIMEOUT"]
    )
    app.extensions["powerup_members"] = Memberships()


def _bearer():
    """Return the token in `Authorization: Bearer …`, or raise 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthenticated", "Sign in through the Power-Up: no token was sent.")
    return token.strip()


def verified_claims():
    """Return the claims of the caller's verified t.jwt() token, else raise."""
    if not current_app.config.get("TRELLO_POWERUP_ID"):
        # Organisers read the message; the operator who can fix it reads the log (and doctor).
        log.warning("TRELLO_POWERUP_ID is not set: the Power-Up's calls are refused")
        message = (
            "UnMentoring is not fully set up yet: ask the people who run the service to "
            "finish connecting it to this Power-Up."
        )
        raise ApiError(503, "not_configured", message)
    try:
        claims = current_app.extensions["powerup_tokens"].verify(_bearer())
    except InvalidToken as exc:
        raise ApiError(401, "invalid_token", f"Not signed in: {exc}.") from None
    except KeysUnavailable:
        message = "Trello's signing keys could not be read just now: try again in a moment."
        raise ApiError(503, "keys_unavailable", message) from None
    return claims


def caller(minimum):
    """Return (member id, role, programme) of a caller whose role on the token's board is at
    least `minimum`, where that board runs an active programme; else raise."""
    claims = verified_claims()
    programme = programme_for_board(claims["idBoard"])
    if programme is None or not programme.active:
        message = (
            "UnMentoring is not set up on this board: a board admin can set it up from the "
            "UnMentoring button."
        )
        raise ApiError(403, "not_set_up", message)
    role = role_on(programme, claims["idMember"])
    check_role(role, minimum)
    return claims["idMember"], role, programme


def role_on(programme, member_id):
    """Return a member's role on a programme's board, read through its token (cached)."""
    try:
        return current_app.extensions["powerup_members"].role_of(member_id, programme)
    except NotAuthorised:
        raise ApiError(403, "not_set_up", "UnMentoring is not authorised on this board.") from None
    except TrelloError:
        raise ApiError(503, "trello_unavailable", "Trello did not answer: try again.") from None


def check_role(role, minimum):
    """Raise 403 unless a board role is at least `minimum`."""
    if role not in RANKS:
        raise ApiError(403, "not_a_member", "Only members of this board can use UnMentoring.")
    if RANKS[role] < RANKS[minimum]:
        needed = {"normal": "a board member who can edit", "admin": "a board admin"}[minimum]
        raise ApiError(403, "forbidden", f"Only {needed} can do this; you are a board {role}.")


def requires(minimum):
    """Decorate a view: it runs only for a verified caller with at least this role (g.member),
    for the programme of the caller's board (current_programme() inside the view)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.member_id, g.member_role, programme = caller(minimum)
            with programme_scope(programme):
                return view(*args, **kwargs)

        return wrapped

    return decorate
