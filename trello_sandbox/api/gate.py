"""The /1/ gate every API call passes: faults, no GET body, auth, rate limits, the log."""

import re
import time
from http import HTTPStatus

from flask import Blueprint, Response, g, jsonify, request

from trello_sandbox import constants
from trello_sandbox.api.call import params
from trello_sandbox.core import sandbox
from trello_sandbox.model import ids, tokens
from trello_sandbox.model.errors import TrelloError

# No routes of its own: its app-wide hooks and error handlers stand before every /1/ route.
bp = Blueprint("trello_api", __name__, url_prefix="/1")
OAUTH_PAIR = re.compile(r'(\w+)="([^"]*)"')
PUBLIC_PATHS = ("/1/resource/jwt-public-keys",)
# A fault's "malformed" answer: a JSON body cut off mid-way, as a dropped connection leaves it.
MALFORMED_BODY = '{"id":"5a4db0a4d0000000000000b1","name":"UnMen'


def text_response(status, text):
    """Return a text/plain answer as Trello gives its errors."""
    return Response(text, status=status, mimetype="text/plain")


def _credentials():
    """Return (key, token) from the query, body or OAuth header; a token in the path counts too."""
    pairs = {}
    header = request.headers.get("Authorization", "")
    if header.startswith("OAuth "):
        pairs = dict(OAUTH_PAIR.findall(header))
    args = params()
    key = args.get("key") or pairs.get("oauth_consumer_key")
    path_token = (request.view_args or {}).get("token")
    return key, args.get("token") or pairs.get("oauth_token") or path_token


def _had_body():
    """Return True when the request carries a body (Trello refuses one on GET since 2024-03-12)."""
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def _fault_kind(fault):
    """Name a fault as /sandbox/control/faults does: its status, "delay", "timeout",
    "lost-answer" (a queued "late" too) or "malformed"."""
    if "status" in fault:
        return fault["status"]
    if "hang" in fault:
        return "timeout"
    if "late" in fault:
        return "lost-answer"
    return "delay" if "delay" in fault else "malformed"


@bp.before_app_request
def gate():
    """Answer a fault, a GET with a body, bad credentials or a rate limit before the route runs."""
    if not request.path.startswith("/1/"):
        return None
    sb = sandbox()
    inner = request.environ.get("sandbox.batch")
    if inner:  # a call inside /1/batch: the outer call was already let through and counted
        g.key, g.token, g.member_id = inner
        return None
    g.key = g.token = None
    fault = sb.faults.take()
    g.fault = _fault_kind(fault) if fault else None
    if fault and "delay" in fault:
        time.sleep(fault["delay"])
    elif fault and "hang" in fault:
        time.sleep(fault["hang"])
        return text_response(504, "Gateway Timeout")  # nothing done; the client gave up
    elif fault and "late" in fault:
        g.late_answer = fault["late"]  # done below, answered only after the client gave up
    elif fault and fault.get("status") == 429:
        return jsonify(error="API_TOKEN_LIMIT_EXCEEDED", message="Rate limit exceeded"), 429
    elif fault and "status" in fault:
        return text_response(fault["status"], HTTPStatus(fault["status"]).phrase)
    elif fault:
        return Response(MALFORMED_BODY, 200, mimetype="application/json")
    if request.method == "GET" and _had_body():
        return text_response(403, "GET requests may not have a body")
    if request.path in PUBLIC_PATHS:
        return None
    g.key, g.token = _credentials()
    if g.key != constants.API_KEY:
        return text_response(401, "invalid key")
    if not g.token:
        return text_response(401, "unauthorized permission requested")
    held = tokens.live(sb.store, g.token)
    if held is None:  # never issued, revoked or expired
        return text_response(401, "invalid token")
    writes = request.method != "GET" and not request.path.startswith("/1/tokens/")
    if writes and not tokens.can_write(held):
        return text_response(401, "unauthorized permission requested")
    error, g.limit_headers = sb.limiter.hit(g.key, g.token, request.path.startswith("/1/members/"))
    if error:
        return jsonify(error=error, message="Rate limit exceeded"), 429
    g.member_id = held["idMember"]
    return None


@bp.after_app_request
def finish(response):
    """Add the rate-limit headers to every /1/ answer and log the call."""
    if not request.path.startswith("/1/") or request.environ.get("sandbox.batch"):
        return response
    sb = sandbox()
    headers = g.get("limit_headers") or sb.limiter.peek(g.get("key"), g.get("token"))
    response.headers.update(headers)
    query = {k: v for k, v in request.args.items() if k not in ("key", "token")}
    entry = {
        "method": request.method,
        "path": request.path,
        "query": query,
        "status": response.status_code,
        "time": ids.now_iso(),
        "had_body": _had_body(),
        "fault": g.get("fault"),
    }
    sb.store.append_log("request", entry)
    if g.get("late_answer"):
        time.sleep(g.late_answer)
    return response


@bp.app_errorhandler(TrelloError)
def trello_error(error):
    """Answer a TrelloError as Trello would: status and plain text."""
    return text_response(error.status, error.text)


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def no_route(error):
    """Answer an unknown /1/ route as Trello's Express server does; elsewhere, the usual page."""
    if request.path.startswith("/1/"):
        return text_response(404, f"Cannot {request.method} {request.path}")
    return error
