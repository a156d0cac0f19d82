"""Stand-in for Trello's Power-Up JWTs: one RSA key, published, signing RS256 tokens."""

import base64
import hashlib
import json
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from trello_sandbox import constants

DEFAULT_TTL = 15 * 60  # the t.jwt() example in Trello's docs lives 15 minutes


class JwtKeys:
    """An RSA key made once and kept in the state, so tokens verify across restarts."""

    def __init__(self, store):
        doc = store.get("key", "jwt")
        if doc is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode("ascii")
            doc = store.put("key", {"id": "jwt", "pem": pem})
        self.private_pem = doc["pem"]
        private = serialization.load_pem_private_key(doc["pem"].encode("ascii"), password=None)
        self.public = private.public_key()
        self.jwk = RSAAlgorithm.to_jwk(self.public, as_dict=True)
        self.kid = _thumbprint(self.jwk)

    def public_document(self):
        """Return the published keys: a JWK set, plus the same key as PEM under "pem"."""
        pem = self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")
        jwk = {**self.jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}
        return {"keys": [jwk], "pem": pem}

    def mint(self, id_member, id_board=None, id_plugin=None, state=None, ttl=None):
        """Return an RS256 JWT with the claims t.jwt() carries."""
        now = int(time.time())
        claims = {
            "idPlugin": id_plugin or constants.POWERUP_ID,
            "idBoard": id_board or constants.BOARD_ID,
            "idMember": id_member,
            "state": state,
            "iat": now,
            "exp": now + int(DEFAULT_TTL if ttl is None else ttl),
            "iss": "trello",
        }
        if state is None:
            del claims["state"]
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid})


def _thumbprint(jwk):
    """Return the RFC 7638 SHA-256 thumbprint of an RSA JWK, as a key id."""
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
