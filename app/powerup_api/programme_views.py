"""Setting up UnMentoring on a board from the Power-Up: whether the board has a programme, setting
one up with the board admin's own Trello authorisation, authorising it again, and taking the
authorisation back. The token arrives here once, is kept sealed, and is never sent back."""

import logging

from flask import current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.db import db
from app.models import Programme, programme_for_board, programme_scope
from app.powerup_api.auth import check_role, role_on, verified_claims
from app.powerup_api.errors import ApiError, error_response
from app.powerup_api.programme_form import pages_url, read_set_up
from app.trello import vault
from app.trello.authorise import AuthorisationProblem, check_token, give_back, keep_token
from app.trello.board import register_webhook, setup_board
from app.trello.gateway import TrelloError

log = logging.getLogger(__name__)
REMOVED_BY_ADMIN = "a board admin removed UnMentoring's authorisation"
NOT_PREPARED = "Trello did not let UnMentoring prepare the board while it was set up"
NOT_CONFIGURED = (
    "UnMentoring cannot keep this board's authorisation safely yet: ask the people who run "
    "the service to finish setting it up (it needs its key for stored authorisations)."
)
FIRST_BOARD = (
    "This board is the service's own: it runs on the service's Trello account, which the "
    "people who run the service look after."
)


def programme_json(programme):
    """Return what the Power-Up may know of a board's programme (never its token)."""
    if programme is None:
        return {
            "set_up": False,
            "active": False,
            "authorised": False,
            "board_authorisation": False,
            "name": None,
            "slug": None,
            "listed": False,
            "contact_email": None,
            "pages_url": None,
            "stopped_reason": None,
        }
    return {
        "set_up": True,
        "active": programme.active,
        "authorised": programme.active and (programme.is_first or bool(programme.token_sealed)),
        # Whether it runs on a board admin's authorisation, which a board admin may take back
        # (the first board runs on the service's own).
        "board_authorisation": bool(programme.token_sealed),
        "name": programme.title,
        "slug": programme.slug,
        "listed": bool(programme.listed),
        "contact_email": (programme.settings or {}).get("contact_email"),
        "pages_url": pages_url(programme),
        "stopped_reason": programme.stopped_reason,
    }


def _token_from(body):
    """Return the token a request carries, or raise 400."""
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ApiError(
            400, "invalid_token", "Trello's authorisation did not arrive: authorise again."
        )
    return token


def _checked_token(board_id, member_id, token):
    """Check the token is the caller's own and the caller a board admin; else raise."""
    if not vault.configured():
        log.warning("TOKEN_ENCRYPTION_KEY is not set: boards cannot be set up from the Power-Up")
        raise ApiError(503, "not_configured", NOT_CONFIGURED)
    try:
        check_token(current_app.config, board_id, member_id, token)
    except AuthorisationProblem as problem:
        raise ApiError(problem.status, problem.code, problem.message) from None


def _prepare_board(programme):
    """Make the board's lists and register its webhook with its own token. If Trello will not
    let it finish, the authorisation is given back and the programme stays stopped, so nothing
    runs half set up; pressing Set up again starts afresh (lists already made are kept)."""
    current_app.extensions["powerup_members"].forget(programme.trello_board_id)
    with programme_scope(programme):
        try:
            setup_board()
            register_webhook()
        except TrelloError as exc:
            log.warning("programme %s: the board could not be prepared: %s", programme.id, exc)
            db.session.rollback()
            give_back(programme, NOT_PREPARED)
            db.session.commit()
            message = (
                "Trello did not let UnMentoring finish preparing the board, so it is not "
                "running yet: press the button again in a moment."
            )
            raise ApiError(502, "board_not_ready", message) from None


def _members_only(programme, member_id, minimum):
    """Refuse (403) a caller below `minimum` on a working programme's board: its token can
    tell. A board with no programme, or a stopped one, has no token to ask: there the token a
    board admin brings is checked instead (_checked_token)."""
    if programme is not None and programme.active:
        check_role(role_on(programme, member_id), minimum)


def programme_read():
    """Say whether the caller's board has a programme, and whether it works and is authorised:
    the Power-Up's authorization-status asks this, not the browser's stored token."""
    claims = verified_claims()
    programme = programme_for_board(claims["idBoard"])
    _members_only(programme, claims["idMember"], "observer")
    return jsonify(programme_json(programme))


def programme_set_up():
    """Set up a programme on the caller's board (or bring back its stopped one) with the board
    admin's own Trello authorisation; make its lists and register its webhook."""
    claims = verified_claims()
    board_id, member_id = claims["idBoard"], claims["idMember"]
    body = request.get_json(silent=True)
    programme = programme_for_board(board_id)
    _members_only(programme, member_id, "admin")
    fields, errors = read_set_up(body, programme)
    if errors:
        return error_response(400, "invalid", " ".join(errors.values()), fields=errors)
    token = fields["token"]
    if programme is not None and programme.is_first:
        raise ApiError(409, "first_programme", FIRST_BOARD)
    if programme is not None and programme.active:
        message = "UnMentoring is already set up on this board: its settings are in the menu."
        raise ApiError(409, "already_set_up", message)
    _checked_token(board_id, member_id, token)
    if programme is None:
        programme = Programme(trello_board_id=board_id, settings={})
        db.session.add(programme)
    programme.name, programme.slug, programme.listed = (
        fields["name"],
        fields["slug"],
        fields["listed"],
    )
    programme.settings = {**(programme.settings or {}), "contact_email": fields["contact_email"]}
    keep_token(programme, member_id, token)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request set up this board, or took this address, a moment ago.
        db.session.rollback()
        message = "This board or its short web address was set up a moment ago: look again."
        raise ApiError(409, "already_set_up", message) from None
    log.info("programme %s set up on board %s", programme.id, board_id)
    _prepare_board(programme)
    return jsonify(programme_json(programme)), 201


def _own_programme(board_id):
    """Return the board's programme for a change of authorisation; refuse the first board and
    boards with none."""
    programme = programme_for_board(board_id)
    if programme is None:
        message = "UnMentoring is not set up on this board: a board admin can set it up."
        raise ApiError(403, "not_set_up", message)
    if programme.is_first:
        raise ApiError(409, "first_programme", FIRST_BOARD)
    return programme


def programme_authorise():
    """Authorise the board's programme again with a board admin's new token: a stopped one
    resumes; the lists and webhook are checked and made if missing."""
    claims = verified_claims()
    _members_only(programme_for_board(claims["idBoard"]), claims["idMember"], "admin")
    token = _token_from(request.get_json(silent=True))
    programme = _own_programme(claims["idBoard"])
    _checked_token(programme.trello_board_id, claims["idMember"], token)
    keep_token(programme, claims["idMember"], token)
    db.session.commit()
    log.info("programme %s authorised again", programme.id)
    _prepare_board(programme)
    return jsonify(programme_json(programme))


def programme_deauthorise():
    """Take UnMentoring's authorisation off the board (board admins): the token is revoked at
    Trello and deleted here, and the programme stops; its data is kept until erased."""
    claims = verified_claims()
    _members_only(programme_for_board(claims["idBoard"]), claims["idMember"], "admin")
    programme = _own_programme(claims["idBoard"])
    if not programme.active:
        return jsonify(programme_json(programme))
    give_back(programme, REMOVED_BY_ADMIN)
    db.session.commit()
    current_app.extensions["powerup_members"].forget(programme.trello_board_id)
    return jsonify(programme_json(programme))


def add_routes(bp):
    """Put these views on the API's blueprint, beside its other views and error handlers."""
    bp.add_url_rule("/programme", view_func=programme_read, methods=["GET"])
    bp.add_url_rule("/programme", view_func=programme_set_up, methods=["POST"])
    bp.add_url_rule("/programme/token", view_func=programme_authorise, methods=["PUT"])
    bp.add_url_rule("/programme/token", view_func=programme_deauthorise, methods=["DELETE"])
