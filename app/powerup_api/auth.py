"""Who is calling: a verified t.jwt() token, for our board, from a member with the right role."""

import logging
import threading
import time
from functools import wraps

from flask import current_app, g, request

from app.powerup_api.errors import ApiError
from app.powerup_api.tokens import InvalidToken, KeysUnavailable, TokenVerifier
from app.trello.gateway import TrelloError, get_gateway

log = logging.getLogger(__name__)

MEMBERS_TTL = 60  # seconds a board's membership list is trusted; a removed member loses access soon
# What each role may do; observers can read the board on Trello, so they may read here too.
RANKS = {"observer": 1, "normal": 2, "admin": 3}


class Memberships:
    """The board's {member id: role}, read through the gateway and cached briefly."""

    def __init__(self, clock=time.monotonic):
        self.clock, self._roles, self._at = clock, {}, None
        self._lock = threading.Lock()

    def role_of(self, member_id):
        """Return "admin", "normal", "observer" or None for someone not on the board."""
        with self._lock:
            if self._at is None or self.clock() - self._at > MEMBERS_TTL:
                rows = get_gateway().memberships()
                self._roles = {
                    row["idMember"]: row.get("memberType")
                    for row in rows
                    if not row.get("deactivated")
                }
                self._at = self.clock()
            return self._roles.get(member_id)


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


def caller(minimum):
    """Return (member id, role) of a caller whose role is at least `minimum`, else raise."""
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
    if claims["idBoard"] != current_app.config["TRELLO_BOARD_ID"]:
        raise ApiError(403, "wrong_board", "This Power-Up serves another board.")
    try:
        role = current_app.extensions["powerup_members"].role_of(claims["idMember"])
    except TrelloError:
        raise ApiError(503, "trello_unavailable", "Trello did not answer: try again.") from None
    if role not in RANKS:
        raise ApiError(403, "not_a_member", "Only members of this board can use UnMentoring.")
    if RANKS[role] < RANKS[minimum]:
        needed = {"normal": "a board member who can edit", "admin": "a board admin"}[minimum]
        raise ApiError(403, "forbidden", f"Only {needed} can do this; you are a board {role}.")
    return claims["idMember"], role


def requires(minimum):
    """Decorate a view: it runs only for a verified caller with at least this role (g.member)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.member_id, g.member_role = caller(minimum)
            return view(*args, **kwargs)

        return wrapped

    return decorate
