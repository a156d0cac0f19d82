"""Signed links for participants: each names one person and one purpose, and expires; and the
public URLs that carry them, which mails and pages put in front of people."""

import hashlib
import hmac
import re

from flask import current_app
from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode

from app.vocabulary import ANSWER_KEYS

DAY = 24 * 60 * 60
# How long each kind of link works; a manage link comes in every mail, so it lives longest.
MAX_AGE = {
    "confirm": 7 * DAY,
    "manage": 180 * DAY,
    "back": 180 * DAY,
    "email_change": 7 * DAY,
}
DEFAULT_MAX_AGE = 60 * DAY


class LinkError(Exception):
    """The link is expired, tampered with, or meant for something else."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


_TOKEN = re.compile(r"[A-Za-z0-9_\-.]+")


def _keys():
    """Return the signing keys, oldest first: SECRET_KEY_FALLBACKS, then SECRET_KEY."""
    config = current_app.config
    return [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]


def _serializer(purpose):
    """Return a serializer whose salt is the purpose, so a link for one thing opens nothing else.

    It signs with SECRET_KEY and also reads links signed with a key in SECRET_KEY_FALLBACKS,
    so links already mailed keep working while the key is rotated.
    """
    return URLSafeTimedSerializer(_keys(), salt=f"unmentoring:{purpose}")


def _fingerprint(email, key):
    """Return a short keyed hash of an address under one key."""
    digest = hmac.new(str(key).encode(), f"email:{email}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def email_fingerprint(email):
    """Return a short hash of an address, keyed so that a link's readable claims (a signed
    token is signed, not encrypted) never give the address away."""
    return _fingerprint(email or "", _keys()[-1])


def fingerprint_matches(email, fingerprint):
    """Tell whether a fingerprint is of this address, under the current or an earlier key."""
    return any(
        hmac.compare_digest(_fingerprint(email or "", key), str(fingerprint)) for key in _keys()
    )


def is_canonical(token):
    """Return True when a token is written exactly as the signer writes it.

    Decoding base64 skips characters outside its alphabet and ignores the unused bits of the
    last character, so a token with an "é" added, or its last letter changed, would still
    verify; a link that differs from the one we sent opens nothing.
    """
    if not _TOKEN.fullmatch(token):
        return False
    try:
        return all(base64_encode(base64_decode(part)).decode() == part for part in token.split("."))
    except BadData:
        return False


def make_token(person_id, purpose, **extra):
    """Return a signed token for one person and one purpose (extra claims ride along)."""
    return _serializer(purpose).dumps({"p": int(person_id), **extra})


def read_token(token, purpose, max_age=None):
    """Return the token's claims ({'p': person id, ...}) or raise LinkError."""
    limit = max_age if max_age is not None else MAX_AGE.get(purpose, DEFAULT_MAX_AGE)
    if not is_canonical(token):
        raise LinkError("invalid")
    try:
        claims = _serializer(purpose).loads(token, max_age=limit)
    except SignatureExpired:
        raise LinkError("expired") from None
    except BadSignature:
        raise LinkError("invalid") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("p"), int):
        raise LinkError("invalid")
    return claims


def external_url(endpoint, programme=None, **values):
    """Return the public URL of a route, outside any request (worker, CLI, webhook processing),
    under the programme's pages (/p/<slug>/…; the first programme's have no prefix)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    prefix = programme.path_prefix if programme is not None else ""
    return current_app.config["PUBLIC_URL"] + prefix + path


def _personal(endpoint, person, purpose, **claims):
    """Return a person's signed link, under their programme's pages: a link works only there."""
    token = make_token(person.id, purpose, **claims)
    return external_url(endpoint, person.programme, token=token)


def manage_url(person):
    """Return the person's signed link to their own page."""
    return _personal("participant.overview", person, "manage")


def leave_url(person):
    """Return the person's signed link to leave and have their details erased."""
    return _personal("participant.leave", person, "manage")


def confirm_url(person):
    """Return the person's signed link that confirms their sign-up."""
    return _personal("signup.confirm", person, "confirm")


def back_url(person):
    """Return the person's one-click link back into rounds after being paused as quiet."""
    return _personal("followup.back", person, "back")


def output_url(person, round_):
    """Return the person's signed link to add their output for a round."""
    return _personal("followup.output_form", person, "output", r=round_.id)


def checkin_urls(person, round_):
    """Return {answer: signed one-click link} for a round's check-in."""
    return {
        answer: _personal("followup.check_in", person, "checkin", r=round_.id, a=answer)
        for answer in ANSWER_KEYS
    }


def confirm_email_url(person, new_email):
    """Return the signed link, mailed to a new address, that makes it the person's address; it
    stops working once their address is no longer the one it was made for."""
    fingerprint = email_fingerprint(person.email)
    return _personal("email_change.confirm", person, "email_change", e=new_email, o=fingerprint)
