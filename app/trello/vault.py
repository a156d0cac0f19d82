"""Boards' Trello tokens at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package) under TOKEN_ENCRYPTION_KEY, never logged, never sent to a browser.

TOKEN_ENCRYPTION_KEY holds one or more Fernet keys, comma-separated: the first encrypts, all of
them decrypt, so a key is rotated by putting the new one first and running
`flask --app app programmes reseal`. Trello's own tokens are the only kind today; a switch to
OAuth 2.0 (refresh tokens) stays inside this module and app.trello.authorise.
"""

import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

log = logging.getLogger(__name__)


class VaultUnavailable(Exception):
    """No key is configured, or the stored token was sealed under a key we no longer have."""


def _fernet():
    """Return the keys as one MultiFernet: the first encrypts, any of them decrypts."""
    return MultiFernet(_keys())


def _keys():
    """Return a Fernet for each key in TOKEN_ENCRYPTION_KEY, the one that encrypts first."""
    keys = [k.strip() for k in (current_app.config.get("TOKEN_ENCRYPTION_KEY") or "").split(",")]
    keys = [k for k in keys if k]
    if not keys:
        raise VaultUnavailable("TOKEN_ENCRYPTION_KEY is not set")
    try:
        return [Fernet(key.encode()) for key in keys]
    except (ValueError, TypeError):
        raise VaultUnavailable(
            "TOKEN_ENCRYPTION_KEY is not a list of Fernet keys (make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`)"
        ) from None


def configured():
    """Whether tokens can be sealed: a valid TOKEN_ENCRYPTION_KEY is set."""
    try:
        _fernet()
    except VaultUnavailable:
        return False
    return True


def seal(token):
    """Return the token encrypted for storage."""
    return _fernet().encrypt(token.encode()).decode()


def unseal(sealed):
    """Return the stored token in clear, or raise VaultUnavailable."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise VaultUnavailable("the stored token was sealed under a key that is not set") from None


def reseal(sealed):
    """Return the token sealed again under the first key (after a key rotation), or raise
    VaultUnavailable."""
    try:
        return _fernet().rotate(sealed.encode()).decode()
    except InvalidToken:
        raise VaultUnavailable("the stored token was sealed under a key that is not set") from None


def sealed_under_first_key(sealed):
    """Tell whether a stored token is sealed under the first key already (reseal has nothing
    to do for it)."""
    try:
        _keys()[0].decrypt(sealed.encode())
    except InvalidToken:
        return False
    return True


def new_key():
    """Return a fresh Fernet key."""
    return Fernet.generate_key().decode()
