"""Verify the Power-Up's t.jwt() tokens: RS256 against Trello's published keys, issuer, expiry."""

import json
import threading
import time

import jwt
import requests
from jwt.algorithms import RSAAlgorithm

KEYS_TTL = 3600  # Trello rotates its signing key rarely; an unknown kid triggers one refetch
ISSUER = "trello"


class InvalidToken(Exception):
    """The token is missing, forged, expired or not for this board."""


def parse_keys(document):
    """Return {kid or None: public key} from a JWK set, a single JWK, a PEM, or {"pem": …}."""
    if isinstance(document, str):
        return {None: _pem_key(document)}
    keys = {}
    for jwk in document.get("keys", [document] if "kty" in document else []):
        if jwk.get("kty") == "RSA":
            keys[jwk.get("kid")] = RSAAlgorithm.from_jwk(json.dumps(jwk))
    if not keys and document.get("pem"):
        keys[None] = _pem_key(document["pem"])
    return keys


def _pem_key(pem):
    """Return the RSA public key in a PEM string."""
    return RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(pem.encode("ascii"))


class TokenVerifier:
    """Checks tokens against keys fetched from TRELLO_API_BASE, cached for KEYS_TTL seconds."""

    def __init__(self, keys_url, *, fetch=None, clock=time.time, timeout=5.0):
        self.keys_url, self.clock = keys_url, clock
        self._fetch = fetch or (lambda: self._get(timeout))
        self._keys, self._fetched_at = {}, None
        self._lock = threading.Lock()

    def _get(self, timeout):
        """Fetch the published keys (no auth needed); JSON or a bare PEM."""
        response = requests.get(self.keys_url, timeout=timeout)
        response.raise_for_status()
        try:
            return response.json()
        except ValueError:
            return response.text

    def _key_for(self, kid):
        """Return the key for a kid, refetching once when it is unknown or the cache is old."""
        with self._lock:
            stale = self._fetched_at is None or self.clock() - self._fetched_at > KEYS_TTL
            if stale or (kid not in self._keys and None not in self._keys):
                try:
                    self._keys, self._fetched_at = parse_keys(self._fetch()), self.clock()
                except (requests.RequestException, ValueError, KeyError) as exc:
                    raise InvalidToken("Trello's public keys could not be read") from exc
            key = self._keys.get(kid) or self._keys.get(None)
            if key is None and len(self._keys) == 1 and kid is None:
                key = next(iter(self._keys.values()))
        if key is None:
            raise InvalidToken("the token was signed with a key Trello does not publish")
        return key

    def verify(self, token):
        """Return the claims of a valid Trello token (any board); raise InvalidToken otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("the token is not a JWT") from exc
        if header.get("alg") != "RS256":
            raise InvalidToken("the token is not signed with RS256")
        key = self._key_for(header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=ISSUER,
                options={"require": ["exp", "iss", "idMember", "idBoard"]},
                leeway=30,  # clocks differ a little between Trello and us
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("the token has expired: reopen the Power-Up") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"the token is not valid: {exc}") from exc
        return claims
