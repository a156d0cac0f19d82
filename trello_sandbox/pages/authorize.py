"""The stand-in for Trello's consent window (trello.com/1/authorize): a member allows or
denies an app, and on Allow the sandbox issues that member a token.

t.getRestApi().authorize() opens it with Trello's query (key, name, scope, expiration,
response_type=token, callback_method=postMessage, return_url) plus `member`: the member the
board page acts as, standing in for the person signed in to trello.com. The answer page posts
{sbx: "authorize", token} (or {error}) to the window that opened it, at return_url's origin."""

from urllib.parse import urlsplit

from flask import Blueprint, render_template, request

from trello_sandbox import constants
from trello_sandbox.core import sandbox
from trello_sandbox.model import ids, tokens

bp = Blueprint("sandbox_authorize", __name__, url_prefix="/sandbox")
LASTING = {
    "1hour": "for 1 hour",
    "1day": "for 1 day",
    "30days": "for 30 days",
    "never": "until you revoke it",
}
VERBS = {"read": "read", "write": "write", "account": "read your account details and"}


def _request():
    """Return the authorisation asked for, or (None, what is wrong with it)."""
    args = request.values
    asked = {name: args.get(name, "") for name in ("key", "name", "scope", "expiration")}
    asked["expiration"] = asked["expiration"] or "30days"  # /1/authorize's default
    asked["return_url"] = args.get("return_url", "")
    if asked["key"] != constants.API_KEY:
        return None, "invalid key"
    if tokens.parse_scope(asked["scope"] or "read") is None:
        return None, "invalid scope: give read, write and/or account"
    if asked["expiration"] not in tokens.EXPIRATIONS:
        return None, "invalid expiration: give 1hour, 1day, 30days or never"
    parts = urlsplit(asked["return_url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, "invalid return_url: give the origin that opened this window"
    asked["origin"] = f"{parts.scheme}://{parts.netloc}"
    member_id = args.get("member", "")
    member = sandbox().store.get("member", member_id) if ids.is_id(member_id) else None
    asked["member"] = member
    return asked, None


def _sentence(asked):
    """Return what the app asks, in Trello's words: "read and write your boards"."""
    scopes = tokens.parse_scope(asked["scope"] or "read")
    verbs = " and ".join(VERBS[s] for s in ("read", "write") if s in scopes)
    return f"{verbs} your boards"


@bp.get("/authorize")
def consent_page():
    """Ask the signed-in member to allow the app, naming what it may do and for how long."""
    asked, error = _request()
    if error:
        return render_template("sandbox/authorize.html", error=error), 400
    return render_template(
        "sandbox/authorize.html",
        asked=asked,
        sentence=_sentence(asked),
        lasting=LASTING[asked["expiration"]],
        error=None,
    )


@bp.post("/authorize")
def consent_answer():
    """Issue a token to the member on Allow; on Deny, none. Hand the answer to the opener."""
    asked, error = _request()
    if error:
        return render_template("sandbox/authorize.html", error=error), 400
    if asked["member"] is None:
        return render_template("sandbox/authorize.html", error="Log in to Trello first."), 400
    answer = {"sbx": "authorize"}
    if request.form.get("decision") == "allow":
        made = tokens.issue(
            sandbox().store,
            asked["member"]["id"],
            asked["name"] or "an app",
            asked["scope"] or "read",
            asked["expiration"],
        )
        answer["token"] = made["id"]
    else:
        answer["error"] = "Authorization denied"
    return render_template(
        "sandbox/authorize_done.html", answer=answer, origin=asked["origin"], asked=asked
    )
