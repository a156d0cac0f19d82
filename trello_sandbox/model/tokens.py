"""Member tokens for the sandbox's API key: issue, look up, describe and revoke them."""

import secrets
from datetime import UTC, datetime, timedelta

from trello_sandbox.model import ids

# What /1/authorize's expiration= accepts, as Trello documents it ("never" by default here).
EXPIRATIONS = {"1hour": timedelta(hours=1), "1day": timedelta(days=1), "30days": timedelta(days=30)}
EXPIRATIONS["never"] = None
SCOPES = ("read", "write", "account")
TOKEN_FIELDS = ("identifier", "idMember", "dateCreated", "dateExpires", "permissions")


def new_token_string():
    """Return a new token in the shape Trello's have now: "ATTA" and 64 hex digits."""
    return "ATTA" + secrets.token_hex(32)


def issue(store, member_id, identifier, scope="read", expiration="never", token=None):
    """Store a token for member_id made by the app called identifier; return its document."""
    scopes = parse_scope(scope)
    if scopes is None:
        raise ValueError(f"scope must be read, write and/or account, not {scope!r}")
    if expiration not in EXPIRATIONS:
        raise ValueError("expiration must be 1hour, 1day, 30days or never")
    now = datetime.now(UTC)
    lasting = EXPIRATIONS[expiration]
    doc = {
        "id": token or new_token_string(),
        "idToken": ids.new_id(),  # Trello's token objects have a 24-hex id of their own
        "identifier": identifier,
        "idMember": member_id,
        "dateCreated": ids.iso(now),
        "dateExpires": ids.iso(now + lasting) if lasting else None,
        "scopes": scopes,
    }
    store.put("token", doc, parent=member_id)
    return doc


def parse_scope(scope):
    """Return the scopes asked for ("read,write"), or None when one is unknown."""
    asked = [part.strip() for part in str(scope or "read").split(",") if part.strip()]
    if not asked or any(part not in SCOPES for part in asked):
        return None
    return list(dict.fromkeys(asked))


def live(store, token):
    """Return the stored token if it exists and has not expired, else None."""
    doc = store.get("token", token) if token else None
    if doc is None:
        return None
    if doc["dateExpires"] and doc["dateExpires"] <= ids.now_iso():
        return None
    return doc


def can_write(doc):
    """Return whether a token was granted the write scope."""
    return "write" in doc.get("scopes", ())


def token_json(doc, fields=None):
    """Return a token as GET /1/tokens/{token} shows it: its model permissions by scope."""
    read, write = True, can_write(doc)
    full = {
        "id": doc["idToken"],
        "identifier": doc["identifier"],
        "idMember": doc["idMember"],
        "dateCreated": doc["dateCreated"],
        "dateExpires": doc["dateExpires"],
        "permissions": [
            {"idModel": "*", "modelType": kind, "read": read, "write": write}
            for kind in ("Board", "Organization")
        ],
    }
    if not fields or fields == "all":
        return full
    wanted = {"id", *(f.strip() for f in str(fields).split(","))}
    return {key: value for key, value in full.items() if key in wanted}


def revoke(store, token):
    """Delete a token and every webhook it made, as Trello does; return whether it existed."""
    with store.transaction():
        for hook in store.find("webhook", parent=token):
            store.delete("webhook", hook["id"])
        return store.delete("token", token)
