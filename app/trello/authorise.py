"""A board's authorisation: checking the token a board admin gives from the Power-Up, keeping it
(sealed, app.trello.vault), and giving it back to Trello when the programme stops.

Trello's token is the only kind today (`t.getRestApi().authorize()`); a switch to OAuth 2.0
stays inside this module and the vault.
"""

import logging

from app.db import utcnow
from app.models import stop_programme
from app.trello import vault
from app.trello.gateway import NotAuthorised, TrelloError, TrelloGateway, gateway_for

log = logging.getLogger(__name__)


class AuthorisationProblem(Exception):
    """The token cannot run this board's programme: code and a message for the admin."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def check_token(config, board_id, member_id, token):
    """Check a token given for a board: it must be the caller's own, and the caller a board
    admin. Return the board's memberships ({member id: role}) as the token reads them."""
    if not isinstance(token, str) or not 20 <= len(token) <= 500 or not token.isascii():
        raise AuthorisationProblem(400, "invalid_token", "Trello's authorisation did not arrive.")
    gateway = TrelloGateway.from_config(
        {**config, "TRELLO_TOKEN": token, "TRELLO_BOARD_ID": board_id}
    )
    try:
        with gateway.session.overrides(max_retries=1):
            me = gateway.me()
            rows = gateway.memberships()
    except TrelloError as exc:
        if exc.status in (400, 401, 403, 404):
            message = "Trello did not accept this authorisation for this board: authorise again."
            raise AuthorisationProblem(403, "token_refused", message) from None
        message = "Trello did not answer: try again in a moment."
        raise AuthorisationProblem(503, "trello_unavailable", message) from None
    if me.get("id") != member_id:
        message = "The authorisation belongs to someone else: authorise with your own account."
        raise AuthorisationProblem(403, "token_not_yours", message)
    roles = {r["idMember"]: r.get("memberType") for r in rows if not r.get("deactivated")}
    if roles.get(member_id) != "admin":
        message = "Only a board admin can set up UnMentoring on this board."
        raise AuthorisationProblem(403, "forbidden", message)
    return roles


def keep_token(programme, member_id, token):
    """Store a checked token, sealed, as the programme's; the programme works again."""
    programme.token_sealed = vault.seal(token)
    programme.token_member_id = member_id
    programme.authorised_at = utcnow()
    programme.state, programme.stopped_at, programme.stopped_reason = "active", None, None


def give_back(programme, reason):
    """Stop a programme: revoke its token at Trello (which deletes the token's webhooks), then
    delete it here. Trello may already have revoked it; the programme stops either way.
    Return whether Trello took the token back just now. The caller commits."""
    revoked = False
    if programme.token_sealed is not None:
        try:
            gateway = gateway_for(programme)
            with gateway.session.overrides(max_retries=1):
                gateway.revoke_token()
            revoked = True
        except NotAuthorised:
            pass  # the key that sealed it is gone: nothing to give back
        except TrelloError as exc:
            # 401: already revoked on Trello. Anything else: it is deleted here all the same,
            # and the board's admin can revoke it in Trello's settings.
            log.info("programme %s: Trello did not take its token back: %s", programme.id, exc)
    stop_programme(programme, reason)
    return revoked
