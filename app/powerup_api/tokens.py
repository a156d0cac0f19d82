"""Verify the Power-Up's t.jwt() tokens as Trello issues them: RS256, signed by one of the keys
Trello publishes at /1/resource/jwt-public-keys, issued by "trello", unexpired, for our plug-in.

Trello serves that document as {"keys": ["-----BEGIN PUBLIC KEY-----…", …]}: PEM strings, usually
one, two while it rotates; its tokens name no key (no kid), so each key is tried in turn
(Trello's own sample Power-Up, trello-archive/weather-power-up forecast.js, does the same).
"""

import json
import threading
import time

import jwt
import requests
from jwt.algorithms import RSAAlgorithm

KEYS_TTL = 4 * 3600  # Trello's sample Power-Up keeps the keys four hours
REFETCH_GAP = 60  # a signature no key verifies refetches the keys, at most once a minute
ISSUER = "trello"
REQUIRED = ["exp", "iss", "idMember", "idBoard", "idPlugin"]


class InvalidToken(Exception):
    """The token is missing, forged, expired, or made for another Power-Up."""


class KeysUnavailable(Exception):
    """Trello's key document could not be fetched or read: try again later."""


def parse_keys(document):
    """Return the RSA public keys in Trello's key document.

    Trello serves {"keys": [PEM, …]}; JWK objects in that list, a lone PEM and the older
    {"pem": …} are read too, defensively. Raises ValueError when no key can be read.
    """
    if isinstance(document, str):
        return [_pem_key(document)]
    if not isinstance(document, dict) or not isinstance(document.get("keys", []), list):
        raise ValueError('the key document is not {"keys": [...]}')
    keys = [_entry_key(entry) for entry in document.get("keys", [])]
    if isinstance(document.get("pem"), str):
        keys.append(_pem_key(document["pem"]))
    keys = [key for key in keys if key is not None]
    if not keys:
        raise ValueError("the key document holds no RSA key")
    return keys


def _entry_key(entry):
    """Return the key of one entry of "keys" (a PEM string or an RSA JWK); None to skip it."""
    if isinstance(entry, str):
        return _pem_key(entry)
    if isinstance(entry, dict) and entry.get("kty") == "RSA":
        return RSAAlgorithm.from_jwk(json.dumps(entry))
    return None


def _pem_key(pem):
    """Return the RSA public key in a PEM string."""
    return RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(pem.encode("ascii"))


class TokenVerifier:
    """Checks tokens against keys fetched from TRELLO_API_BASE, cached for KEYS_TTL seconds."""

    def __init__(self, keys_url, plugin_id, *, fetch=None, clock=time.time, timeout=5.0):
        self.keys_url, self.plugin_id, self.clock = keys_url, plugin_id, clock
        self._fetch = fetch or (lambda: self._get(timeout))
        self._keys, self._fetched_at = [], None
        self._lock = threading.Lock()

    def _get(self, timeout):
        """Fetch the published keys (no auth needed): JSON, or a bare PEM."""
        response = requests.get(self.keys_url, timeout=timeout)
        response.raise_for_status()
        try:
            return response.json()
        except ValueError:
            return response.text

    def _current_keys(self, after_failure=False):
        """Return the cached keys, fetching them when the cache is empty or old, or (once a
        minute at most) when a signature verified under none of them."""
        with self._lock:
            age = None if self._fetched_at is None else self.clock() - self._fetched_at
            due = age is None or age > KEYS_TTL or (after_failure and age > REFETCH_GAP)
            if due:
                try:
                    self._keys, self._fetched_at = parse_keys(self._fetch()), self.clock()
                except (requests.RequestException, ValueError, TypeError) as exc:
                    raise KeysUnavailable("Trello's public keys could not be read") from exc
            return list(self._keys), due

    def verify(self, token):
        """Return the claims of a valid token for our Power-Up (any board); raise InvalidToken,
        or KeysUnavailable when Trello's keys cannot be had."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("the token is not a JWT") from exc
        if header.get("alg") != "RS256":
            raise InvalidToken("the token is not signed with RS256")
        keys, fresh = self._current_keys()
        claims = self._decode(token, keys)
        if claims is None and not fresh:
            keys, fresh = self._current_keys(after_failure=True)
            claims = self._decode(token, keys) if fresh else None
        if claims is None:
            raise InvalidToken("the token was signed with a key Trello does not publish")
        if claims["idPlugin"] != self.plugin_id:
            raise InvalidToken("the token was made for another Power-Up")
        return claims

    def _decode(self, token, keys):
        """Return the claims under the first key whose signature holds, or None for none."""
        for key in keys:
            try:
                return jwt.decode(
                    token,
                    key,
                    algorithms=["RS256"],
                    issuer=ISSUER,
                    options={"require": REQUIRED},
                    leeway=30,  # clocks differ a little between Trello and us
                )
            except jwt.InvalidSignatureError:
                continue
            except jwt.ExpiredSignatureError as exc:
                raise InvalidToken("the token has expired: reopen the Power-Up") from exc
            except jwt.PyJWTError as exc:
                raise InvalidToken(f"the token is not valid: {exc}") from exc
        return None
