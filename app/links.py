"""Signed links for participants: each names one person and one purpose, and expires."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

DAY = 24 * 60 * 60
# How long each kind of link works; a manage link comes in every mail, so it lives longest.
MAX_AGE = {"confirm": 7 * DAY, "manage": 180 * DAY}
DEFAULT_MAX_AGE = 60 * DAY


class LinkError(Exception):
    """The link is expired, tampered with, or meant for something else."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def _serializer(purpose):
    """Return a serializer whose salt is the purpose, so a link for one thing opens nothing else."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"unmentoring:{purpose}")


def make_token(person_id, purpose, **extra):
    """Return a signed token for one person and one purpose (extra claims ride along)."""
    return _serializer(purpose).dumps({"p": int(person_id), **extra})


def read_token(token, purpose, max_age=None):
    """Return the token's claims ({'p': person id, ...}) or raise LinkError."""
    limit = max_age if max_age is not None else MAX_AGE.get(purpose, DEFAULT_MAX_AGE)
    try:
        claims = _serializer(purpose).loads(token, max_age=limit)
    except SignatureExpired:
        raise LinkError("expired") from None
    except BadSignature:
        raise LinkError("invalid") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("p"), int):
        raise LinkError("invalid")
    return claims
