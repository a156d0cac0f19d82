"""Sandbox-only endpoints (no auth): test controls, the t.jwt() stand-in, the mail outbox."""

import re

from flask import Blueprint, jsonify, request

from trello_sandbox import constants
from trello_sandbox.core import sandbox
from trello_sandbox.model import ids, tokens
from trello_sandbox.model.boards import set_membership
from trello_sandbox.model.errors import TrelloError
from trello_sandbox.model.plugins import switch_powerup
from trello_sandbox.state.seed import new_board, new_member, powerup_enabled

bp = Blueprint("sandbox_control", __name__, url_prefix="/sandbox")
ROLES = ("admin", "normal", "observer", None)
LEVELS = ("private", "org", "public")
USERNAME = re.compile(r"^[a-z0-9_]{3,}$")


def _body():
    """Return the JSON object sent, or {}."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _refuse(message):
    """Answer a bad control call."""
    return jsonify(error=message), 400


@bp.post("/control/reset")
def reset():
    """Wipe and reseed the state; clear faults, logs, mail, rate windows and pending deliveries."""
    sandbox().reset()
    return jsonify(ok=True)


@bp.post("/control/faults")
def faults():
    """Queue failures for the next /1/ calls ({status|delay|malformed, count}), fail a seeded
    share of all later calls ({rate, seed, kinds, timeout}), or forget them all ({clear})."""
    body = _body()
    if body.get("clear"):
        sandbox().faults.clear()
        return jsonify(ok=True)
    error = sandbox().faults.add(body)
    return _refuse(error) if error else jsonify(ok=True)


@bp.post("/control/rate-limits")
def rate_limits():
    """Switch rate limiting on or off: {"enabled": bool}."""
    enabled = _body().get("enabled")
    if not isinstance(enabled, bool):
        return _refuse("give enabled: true or false")
    # Switching on starts with empty windows: traffic sent while limits were off is not owed.
    sandbox().limiter.reset(enabled)
    return jsonify(enabled=enabled)


@bp.post("/control/membership")
def membership():
    """Set a member's role on a board (idBoard, the first board by default), {"idMember",
    "memberType": "admin" | "normal" | "observer"}, or take them off it with "memberType": null,
    as a board admin would on Trello."""
    body = _body()
    role = body.get("memberType")
    if not ids.is_id(body.get("idMember")) or "memberType" not in body or role not in ROLES:
        return _refuse('give idMember and memberType: "admin", "normal", "observer" or null')
    board_id = body.get("idBoard", constants.BOARD_ID)
    try:
        memberships = set_membership(sandbox().store, board_id, body["idMember"], role)
    except TrelloError as error:
        return _refuse(error.text)
    return jsonify(memberships)


@bp.post("/control/members")
def add_member():
    """Add a Trello account, {"fullName", "username"}, on no board yet; answer the member."""
    body, store = _body(), sandbox().store
    name, username = body.get("fullName"), body.get("username")
    if not isinstance(name, str) or not name.strip():
        return _refuse("give fullName")
    if not isinstance(username, str) or not USERNAME.match(username):
        return _refuse("give username: 3 or more lower-case letters, digits or underscores")
    with store.transaction():
        if any(m["username"] == username for m in store.find("member")):
            return _refuse(f"username {username} is taken")
        member = store.put("member", new_member(ids.new_id(), name.strip(), username))
    return jsonify(member), 201


@bp.post("/control/boards")
def add_board():
    """Create a board, {"name", "members": {idMember: role}, "permissionLevel"?: "private" |
    "org" | "public", "powerUp"?: bool}; the first member listed made it. Answer the board."""
    body = _body()
    try:
        board = create_board(sandbox().store, body)
    except ValueError as error:
        return _refuse(str(error))
    return jsonify(board), 201


@bp.get("/control/boards")
def list_boards():
    """Return every board: id, name, shortLink, permissionLevel, memberships, powerUp."""
    store = sandbox().store
    return jsonify([_board_summary(store, b) for b in store.find("board")])


def _board_summary(store, board):
    """Return what the boards list shows of one board."""
    return {
        "id": board["id"],
        "name": board["name"],
        "shortLink": board["shortLink"],
        "permissionLevel": board["prefs"]["permissionLevel"],
        "memberships": board["memberships"],
        "powerUp": powerup_enabled(store, board["id"]),
    }


def create_board(store, body):
    """Make a board from a control call or the home page's form; raise ValueError if refused."""
    name, roles = body.get("name"), body.get("members")
    level = body.get("permissionLevel", "private")
    if not isinstance(name, str) or not name.strip() or len(name) > 16384:
        raise ValueError("give name")
    if not isinstance(roles, dict) or not roles:
        raise ValueError('give members: {"<member id>": "admin" | "normal" | "observer"}')
    if any(role not in ROLES[:3] for role in roles.values()):
        raise ValueError('each member\'s role is "admin", "normal" or "observer"')
    if next(iter(roles.values())) != "admin":
        raise ValueError("the first member made the board, so is its admin")
    if any(store.get("member", m) is None for m in roles):
        raise ValueError("every member must be a sandbox member (POST /sandbox/control/members)")
    if level not in LEVELS:
        raise ValueError('permissionLevel is "private", "org" or "public"')
    if not isinstance(body.get("powerUp", False), bool):
        raise ValueError("powerUp is true or false")
    with store.transaction():
        board = new_board(
            store, name.strip(), roles, permission=level, powerup=body.get("powerUp", False)
        )
    return _board_summary(store, board)


@bp.post("/control/power-up")
def power_up():
    """Enable or disable the Power-Up on a board, {"idBoard", "enabled": bool, "idMember"?: who
    (default: the board's maker)}, as a board admin does in Trello's Power-Ups menu; disabling
    it delivers disablePlugin to the board's webhooks."""
    body, store = _body(), sandbox().store
    if not isinstance(body.get("enabled"), bool):
        return _refuse("give idBoard and enabled: true or false")
    member = body.get("idMember")
    if member is not None and (not ids.is_id(member) or store.get("member", member) is None):
        return _refuse("idMember is a sandbox member's id")
    try:
        board = switch_powerup(sandbox(), member, body.get("idBoard"), body["enabled"])
    except TrelloError as error:
        return _refuse(error.text)
    return jsonify(_board_summary(store, board))


@bp.post("/control/tokens")
def issue_token():
    """Issue a token to a member as if they had allowed the app, {"idMember", "scope"?:
    "read,write", "expiration"?: "never" | "1hour" | "1day" | "30days", "name"?}."""
    body, store = _body(), sandbox().store
    if not ids.is_id(body.get("idMember")) or store.get("member", body["idMember"]) is None:
        return _refuse("give idMember, a sandbox member's id")
    try:
        doc = tokens.issue(
            store,
            body["idMember"],
            str(body.get("name") or "UnMentoring (sandbox)"),
            body.get("scope", "read,write"),
            body.get("expiration", "never"),
        )
    except ValueError as error:
        return _refuse(str(error))
    return jsonify(token=doc["id"], idMember=doc["idMember"]), 201


@bp.post("/control/jwt-keys")
def jwt_keys():
    """Rotate the Power-Up signing key as Trello does ({"rotate": true}: a new key signs, both
    are published) or end the rotation ({"retire": true}: only the new key is published)."""
    body, keys = _body(), sandbox().keys
    if body.get("rotate") is True:
        keys.rotate()
    elif body.get("retire") is True:
        keys.retire_old()
    else:
        return _refuse('send {"rotate": true} or {"retire": true}')
    return jsonify(keys.public_document())


@bp.get("/control/requests")
def requests_log():
    """Return the /1/ calls made, oldest first: method, path, query, status, time, had_body,
    fault."""
    return jsonify(sandbox().store.find("request"))


@bp.get("/control/webhooks")
def webhooks_list():
    """Return every webhook, whichever token made it: id, idModel, callbackURL, active."""
    keys = ("id", "idModel", "callbackURL", "active")
    return jsonify([{k: h.get(k) for k in keys} for h in sandbox().store.find("webhook")])


@bp.get("/control/deliveries")
def deliveries_log():
    """Return the webhook delivery attempts, oldest first, with the exact bodies sent."""
    return jsonify(sandbox().store.find("delivery"))


@bp.post("/jwt")
def mint_jwt():
    """Return {"token": an RS256 JWT} as a Power-Up's t.jwt() would get from Trello."""
    body = _body()
    if not ids.is_id(body.get("idMember")):
        return _refuse("give idMember, a member id")
    ttl = body.get("ttl")
    if ttl is not None and not isinstance(ttl, (int, float)):
        return _refuse("ttl is a number of seconds")
    token = sandbox().keys.mint(
        body["idMember"], body.get("idBoard"), body.get("idPlugin"), body.get("state"), ttl
    )
    return jsonify(token=token)


@bp.post("/mail/messages")
def post_mail():
    """Keep one outgoing mail {from, to, subject, text, html?, headers?}, once per Message-ID,
    counting in its `received` every POST that carried it."""
    body = _body()
    missing = [field for field in ("from", "to", "subject", "text") if not body.get(field)]
    if missing:
        return _refuse("missing " + ", ".join(missing))
    headers = body.get("headers") if isinstance(body.get("headers"), dict) else {}
    mail_id, created = _keep_mail(body, headers)
    return jsonify(id=mail_id), 201 if created else 200


def _keep_mail(body, headers):
    """Store a new mail, or count one more receipt of the kept mail with its Message-ID (a
    mail sent again is kept once, as Gmail does); return (its id, whether it is new)."""
    store = sandbox().store
    # One transaction: two workers sending the same mail at once still keep it once.
    with store.transaction():
        same = _kept_with_message_id(headers.get("Message-ID"))
        if same is not None:
            same["received"] = same.get("received", 1) + 1
            store.put("mail", same)
            return same["id"], False
        mail = {"id": ids.new_id(), "date": ids.now_iso(), "headers": headers, "received": 1}
        mail.update({field: body.get(field) for field in ("from", "to", "subject", "text", "html")})
        store.put("mail", mail)
    return mail["id"], True


def _kept_with_message_id(message_id):
    """Return the kept mail with this Message-ID header, or None (no header: never a repeat)."""
    if not message_id:
        return None
    kept = sandbox().store.find("mail")
    return next((m for m in kept if (m.get("headers") or {}).get("Message-ID") == message_id), None)


@bp.get("/mail/messages")
def get_mail():
    """Return the kept mails, newest first."""
    return jsonify(sandbox().store.find("mail", newest_first=True))
