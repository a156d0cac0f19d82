"""The JSON API the Power-Up calls: preview and make rounds, a card's story, settings, and
organisations (board admins merge one name into another, or undo it); setting up a board's
programme is in programme_views."""

import os
import re

from flask import Blueprint, g, jsonify, request, send_from_directory
from werkzeug.exceptions import HTTPException

from app.db import db
from app.models import Round, current_programme, person_for_card
from app.pairing import PoolTooSmall, parse_seed
from app.people import organisations
from app.powerup_api.auth import requires
from app.powerup_api.badges import board_badges
from app.powerup_api.errors import ApiError, error_response
from app.powerup_api.programme_views import add_routes
from app.powerup_api.serialise import (
    card_json,
    preview_json,
    rescue_json,
    round_for_card,
    round_json,
)
from app.powerup_api.settings import apply, settings_json, validate
from app.rounds.closing import RoundOpen, close_round
from app.rounds.membership import is_open
from app.rounds.rescue import RescueRaced, rescue
from app.rounds.service import PoolChanged, confirm_round, preview_round
from app.rounds.tally import round_tally

bp = Blueprint("powerup_api", __name__, url_prefix="/api")
add_routes(bp)  # setting up a board's programme: GET/POST /programme, PUT/DELETE /programme/token
CONTACT_ROLES = ("admin", "normal")  # observers read the board but never see contact details
CARD_ID = re.compile(r"[0-9a-fA-F]{24}")  # Trello's ids; anything else is no card of ours
LARGEST_ID = 2**31 - 1  # the id column's range on PostgreSQL (and well inside SQLite's)


@bp.errorhandler(ApiError)
def _api_error(error):
    """Answer an ApiError as JSON."""
    return error_response(error.status, error.code, error.message)


@bp.errorhandler(HTTPException)
def _http_error(error):
    """Answer Flask's own errors (bad JSON, wrong method) as JSON too."""
    return error_response(error.code, error.name.lower().replace(" ", "_"), error.description)


@bp.after_request
def _api_headers(response):
    """JSON for one caller: never cached (unless the view says otherwise), never sniffed."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/openapi.json")
def openapi_document():
    """Serve the hand-written OpenAPI 3 document of this API: no token needed, cacheable."""
    return send_from_directory(os.path.dirname(__file__), "openapi.json", max_age=3600)


@bp.get("/rounds/preview")
@requires("observer")
def rounds_preview():
    """Draw the next round without storing it: pool, groups, who waits, rules that bent, seed."""
    try:
        preview = preview_round(current_programme())
    except PoolTooSmall as exc:
        raise ApiError(422, "pool_too_small", f"No round can be drawn: {exc}.") from None
    return jsonify(preview_json(preview))


@bp.post("/rounds")
@requires("normal")
def rounds_create():
    """Store the previewed draw and queue it for the board; 201 made, 200 already made."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("seed"), str):
        raise ApiError(400, "bad_request", 'Send JSON {"seed": "…", "pool_hash": "…"}.')
    try:
        seed = parse_seed(body["seed"])
    except ValueError as exc:
        raise ApiError(400, "bad_seed", f"The draw number cannot be read: {exc}.") from None
    pool_hash = body.get("pool_hash")
    if pool_hash is not None and not isinstance(pool_hash, str):
        raise ApiError(400, "bad_request", "pool_hash is the string the preview gave.")
    close_open = body.get("close_open", False)
    if not isinstance(close_open, bool):
        raise ApiError(400, "bad_request", "close_open is true or false.")
    try:
        round_, created = confirm_round(
            current_programme(), seed, pool_hash, g.member_id, close_open=close_open
        )
    except PoolChanged as exc:
        raise ApiError(409, "pool_changed", f"Nothing was made: {exc}.") from None
    except RoundOpen as exc:
        message = f"Nothing was made: round {exc.round.number} is still open. Close it first."
        raise ApiError(409, "round_open", message) from None
    except PoolTooSmall as exc:
        raise ApiError(422, "pool_too_small", f"No round can be drawn: {exc}.") from None
    return jsonify(round_json(round_)), 201 if created else 200


def _round_or_404(round_id):
    """Return this programme's round with the id, or answer 404."""
    round_ = db.session.get(Round, round_id) if round_id <= LARGEST_ID else None
    if round_ is None or round_.programme_id != current_programme().id:
        raise ApiError(404, "not_found", "There is no such round.")
    return round_


@bp.get("/rounds/<int:round_id>")
@requires("observer")
def rounds_progress(round_id):
    """Return how far a round is on the board."""
    return jsonify(round_json(_round_or_404(round_id)))


@bp.post("/rounds/<int:round_id>/close")
@requires("normal")
def rounds_close(round_id):
    """Close a round now; its final tally stays on its card. Closing it again changes nothing."""
    round_ = _round_or_404(round_id)
    close_round(current_programme(), round_)
    db.session.commit()
    return jsonify(round_json(round_))


@bp.post("/rounds/<int:round_id>/rescue")
@requires("normal")
def rounds_rescue(round_id):
    """Re-match the open round's stranded people with each other; say who still waits."""
    programme = current_programme()
    round_ = _round_or_404(round_id)
    if not is_open(round_):
        raise ApiError(409, "round_closed", f"Round {round_.number} is closed: nobody to re-match.")
    try:
        outcome = rescue(programme, round_)
    except RescueRaced:
        db.session.rollback()
        message = "Another rescue re-matched these people a moment ago: look again."
        raise ApiError(409, "rescue_raced", message) from None
    db.session.commit()
    return jsonify(rescue_json(outcome))


@bp.get("/boards/<board_id>/cards")
@requires("observer")
def board_cards(board_id):
    """Return the badges of every participant's card on the board, for one board render."""
    programme = current_programme()
    if board_id != programme.trello_board_id:
        raise ApiError(404, "not_found", "There is no such board here.")
    return jsonify(cards=board_badges(programme))


@bp.get("/cards/<card_id>")
@requires("observer")
def card_story(card_id):
    """Say what a card is to UnMentoring: a participant's (partner, round, check-in, outputs;
    contact details for members who edit), the round card (its round and tally), or neither."""
    if not CARD_ID.fullmatch(card_id):
        raise ApiError(404, "not_found", "That is not a Trello card id.")
    programme = current_programme()
    person = person_for_card(programme, card_id)
    if person is not None and person.status not in ("pending", "left"):
        story = card_json(person, with_contact=g.member_role in CONTACT_ROLES)
        return jsonify(kind="participant", **story)
    round_ = round_for_card(programme, card_id)
    if round_ is not None:
        return jsonify(kind="round", round=round_json(round_), tally=round_tally(round_))
    return jsonify(kind="none")


@bp.get("/settings")
@requires("observer")
def settings_read():
    """Return the programme's settings with their defaults."""
    return jsonify(settings_json(current_programme(), editable=g.member_role == "admin"))


@bp.put("/settings")
@requires("admin")
def settings_write():
    """Validate and keep the settings sent; nothing is kept if any field is wrong."""
    changes, errors = validate(request.get_json(silent=True))
    if errors:
        message = " ".join(errors.values())
        return error_response(400, "invalid_settings", message, fields=errors)
    programme = current_programme()
    apply(programme, changes)
    db.session.commit()
    return jsonify(settings_json(programme, editable=True))


# What each refusal of a merge or an undo answers.
ORGANISATION_STATUSES = {
    "not_found": 404,
    "already_merged": 409,
    "same_organisation": 409,
    "not_merged": 409,
    "changed": 409,
}


def _organisations_listing(programme):
    """Return the JSON answer: every organisation with its people and aliases."""
    return jsonify(organisations=organisations.listing(programme))


def _organisations_change(change, *args):
    """Make a merge or undo, answering the list as it is now, or the problem as JSON."""
    programme = current_programme()
    if any(value > LARGEST_ID for value in args):
        raise ApiError(404, "not_found", "There is no such organisation.")
    try:
        change(programme, *args)
    except organisations.OrganisationProblem as problem:
        db.session.rollback()
        raise ApiError(ORGANISATION_STATUSES[problem.code], problem.code, problem.message) from None
    db.session.commit()
    return _organisations_listing(programme)


@bp.get("/organisations")
@requires("admin")
def organisations_list():
    """Return the programme's organisations: name, people who gave it, names merged into it."""
    return _organisations_listing(current_programme())


@bp.post("/organisations/<int:org_id>/merge")
@requires("admin")
def organisations_merge(org_id):
    """Merge one organisation into another; its people count as the other's from now on."""
    body = request.get_json(silent=True)
    into = body.get("into") if isinstance(body, dict) else None
    if not isinstance(into, int) or isinstance(into, bool) or into < 1:
        raise ApiError(400, "bad_request", 'Send JSON {"into": the id of the organisation}.')
    return _organisations_change(organisations.merge, org_id, into)


@bp.post("/organisations/<int:org_id>/unmerge")
@requires("admin")
def organisations_unmerge(org_id):
    """Undo a merge: the name becomes its own organisation again."""
    return _organisations_change(organisations.unmerge, org_id)
