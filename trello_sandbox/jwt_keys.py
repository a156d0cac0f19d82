"""Stand-in for Trello's Power-Up JWTs, exactly as Trello makes them: RS256 tokens with no key
id, verified by the PEM keys published as {"keys": [PEM, …]}: one, or two during a rotation."""

import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from trello_sandbox import constants

DEFAULT_TTL = 15 * 60  # the t.jwt() example in Trello's docs lives 15 minutes


def _new_private_pem():
    """Return a fresh RSA private key as PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _public_pem(private_pem):
    """Return the SubjectPublicKeyInfo PEM of a private key, as Trello publishes its keys."""
    private = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


class JwtKeys:
    """The signing keys, newest first, kept in the state so tokens verify across restarts."""

    def __init__(self, store):
        self.store = store
        doc = store.get("key", "jwt") or {}
        # An older state kept one key under "pem".
        self.private_pems = doc.get("pems") or ([doc["pem"]] if doc.get("pem") else [])
        if not self.private_pems:
            self.private_pems = [_new_private_pem()]
        self.save()

    def save(self):
        """Keep the keys in the state (again after a reset wipes it)."""
        self.store.put("key", {"id": "jwt", "pems": self.private_pems})

    def public_document(self):
        """Return the published keys, as Trello's /1/resource/jwt-public-keys serves them."""
        return {"keys": [_public_pem(pem) for pem in self.private_pems]}

    def rotate(self):
        """Start signing with a new key while the old one is still published, as Trello does."""
        self.private_pems = [_new_private_pem(), self.private_pems[0]]
        self.save()

    def retire_old(self):
        """End a rotation: publish only the key that signs."""
        self.private_pems = self.private_pems[:1]
        self.save()

    def mint(self, id_member, id_board=None, id_plugin=None, state=None, ttl=None):
        """Return an RS256 JWT with the claims t.jwt() carries, signed by the newest key."""
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
        # Trello's tokens carry {"alg": "RS256", "typ": "JWT"} and no "kid" (t.jwt docs example).
        return jwt.encode(claims, self.private_pems[0], algorithm="RS256")
