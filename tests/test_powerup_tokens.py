"""Trello's JWT keys: a JWK set or a PEM, cached, and fetched again once for an unknown key id."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.powerup_api.tokens import KEYS_TTL, InvalidToken, TokenVerifier


def make_key():
    """Return (private PEM, public PEM, public JWK) of a fresh RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode("ascii"), RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)


def token(private, kid=None, **claims):
    """Return a token with t.jwt()'s claims, signed by a private key."""
    now = int(time.time())
    body = {"idMember": "m" * 24, "idBoard": "b" * 24, "iss": "trello", "iat": now, "exp": now + 60}
    headers = {"kid": kid} if kid else None
    return jwt.encode({**body, **claims}, private, algorithm="RS256", headers=headers)


class Keys:
    """A stand-in for Trello's key resource that counts its fetches and can rotate."""

    def __init__(self, document):
        self.document, self.fetches = document, 0

    def __call__(self):
        self.fetches += 1
        return self.document


def test_a_rotated_key_is_fetched_once_and_then_cached():
    old, new = make_key(), make_key()
    keys = Keys({"keys": [{**old[2], "kid": "old"}]})
    verifier = TokenVerifier("unused", fetch=keys)
    assert verifier.verify(token(old[0], "old"))["idMember"] == "m" * 24
    keys.document = {"keys": [{**old[2], "kid": "old"}, {**new[2], "kid": "new"}]}
    verifier.verify(token(new[0], "new"))
    verifier.verify(token(new[0], "new"))
    verifier.verify(token(old[0], "old"))
    assert keys.fetches == 2


def test_an_unknown_key_id_after_a_refetch_is_refused():
    known = make_key()
    keys = Keys({"keys": [{**known[2], "kid": "known"}]})
    verifier = TokenVerifier("unused", fetch=keys)
    with pytest.raises(InvalidToken, match="key Trello does not publish"):
        verifier.verify(token(make_key()[0], "stranger"))


def test_keys_are_fetched_again_after_an_hour():
    key = make_key()
    now = [1000.0]
    keys = Keys({"keys": [{**key[2], "kid": "k"}]})
    verifier = TokenVerifier("unused", fetch=keys, clock=lambda: now[0])
    verifier.verify(token(key[0], "k"))
    now[0] += KEYS_TTL + 1
    verifier.verify(token(key[0], "k"))
    assert keys.fetches == 2


@pytest.mark.parametrize("shape", ["bare PEM", "pem field"])
def test_a_pem_document_is_accepted_and_checks_the_signature(shape):
    key, other = make_key(), make_key()
    document = key[1] if shape == "bare PEM" else {"pem": key[1]}
    verifier = TokenVerifier("unused", fetch=Keys(document))
    assert verifier.verify(token(key[0]))["iss"] == "trello"
    with pytest.raises(InvalidToken):
        verifier.verify(token(other[0]))


@pytest.mark.parametrize(
    "claims, message",
    [({"iss": "someone"}, "not valid"), ({"exp": 1}, "expired"), ({"idBoard": None}, "not valid")],
)
def test_wrong_issuer_expiry_or_missing_claims_are_refused(claims, message):
    key = make_key()
    verifier = TokenVerifier("unused", fetch=Keys({"keys": [{**key[2], "kid": "k"}]}))
    body = {k: v for k, v in claims.items() if v is not None}
    signed = token(key[0], "k", **body)
    if "idBoard" in claims:
        payload = jwt.decode(signed, options={"verify_signature": False})
        del payload["idBoard"]
        signed = jwt.encode(payload, key[0], algorithm="RS256", headers={"kid": "k"})
    with pytest.raises(InvalidToken, match=message):
        verifier.verify(signed)


def test_an_hs256_token_made_with_the_public_key_is_refused():
    key = make_key()
    verifier = TokenVerifier("unused", fetch=Keys({"pem": key[1]}))
    claims = {"idMember": "m", "iss": "trello", "exp": 9e9}
    forged = jwt.encode(claims, "a shared secret of thirty-two bytes", algorithm="HS256")
    with pytest.raises(InvalidToken, match="RS256"):
        verifier.verify(forged)
