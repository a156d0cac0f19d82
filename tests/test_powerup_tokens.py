"""Trello's JWT keys as Trello serves them ({"keys": [PEM, …]}, no kid): every key tried, cached
four hours, fetched again on a signature no key verifies (once a minute at most), and tokens
made for another Power-Up refused."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.powerup_api.tokens import (
    KEYS_TTL,
    REFETCH_GAP,
    InvalidToken,
    KeysUnavailable,
    TokenVerifier,
)

PLUGIN = "5a4db0a4d00000000000c0de"


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


def token(private, **claims):
    """Return a token as t.jwt() gets it from Trello: no kid, Trello's claims."""
    now = int(time.time())
    body = {"idMember": "m" * 24, "idBoard": "b" * 24, "idPlugin": PLUGIN, "iss": "trello"}
    body.update(iat=now, exp=now + 900)
    return jwt.encode({**body, **claims}, private, algorithm="RS256")


class Keys:
    """A stand-in for Trello's key resource that counts its fetches, can rotate or fail."""

    def __init__(self, *pems):
        self.document, self.fetches, self.error = {"keys": list(pems)}, 0, None

    def __call__(self):
        self.fetches += 1
        if self.error:
            raise self.error
        return self.document


class Clock:
    """A clock the test moves."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def verifier(keys, clock=time.time):
    """Return a verifier for our Power-Up reading keys from a stand-in."""
    return TokenVerifier("unused", PLUGIN, fetch=keys, clock=clock)


def test_a_token_signed_as_trello_signs_is_admitted_with_its_claims():
    key = make_key()
    claims = verifier(Keys(key[1])).verify(token(key[0], state="s"))
    assert (claims["idMember"], claims["idPlugin"], claims["state"]) == ("m" * 24, PLUGIN, "s")


def test_during_a_rotation_either_published_key_verifies_and_the_keys_are_fetched_once():
    old, new = make_key(), make_key()
    keys = Keys(new[1], old[1])
    check = verifier(keys)
    for private in (old[0], new[0], old[0]):
        assert check.verify(token(private))["iss"] == "trello"
    assert keys.fetches == 1


def test_a_key_rotated_in_since_the_last_fetch_is_fetched_once_and_then_cached():
    old, new, clock = make_key(), make_key(), Clock()
    keys = Keys(old[1])
    check = verifier(keys, clock)
    check.verify(token(old[0]))
    keys.document = {"keys": [new[1], old[1]]}
    clock.now += REFETCH_GAP + 1
    for _ in range(3):
        check.verify(token(new[0]))
    assert keys.fetches == 2


def test_a_flood_of_tokens_from_an_unknown_key_refetches_at_most_once_a_minute():
    known, clock = make_key(), Clock()
    keys = Keys(known[1])
    check = verifier(keys, clock)
    check.verify(token(known[0]))
    clock.now += REFETCH_GAP + 1
    for _ in range(20):
        with pytest.raises(InvalidToken, match="key Trello does not publish"):
            check.verify(token(make_key()[0]))
    assert keys.fetches == 2


def test_keys_are_kept_four_hours_then_fetched_again():
    key, clock = make_key(), Clock()
    keys = Keys(key[1])
    check = verifier(keys, clock)
    check.verify(token(key[0]))
    clock.now += KEYS_TTL - 1
    check.verify(token(key[0]))
    assert (keys.fetches, KEYS_TTL) == (1, 4 * 3600)
    clock.now += 2
    check.verify(token(key[0]))
    assert keys.fetches == 2


def test_a_token_made_for_another_power_up_is_refused():
    key = make_key()
    with pytest.raises(InvalidToken, match="another Power-Up"):
        verifier(Keys(key[1])).verify(token(key[0], idPlugin="5a4db0a4d00000000000beef"))


@pytest.mark.parametrize("failure", ["unreachable", "not JSON keys", "no RSA key"])
def test_a_key_document_that_cannot_be_had_says_so_and_is_tried_again_next_time(failure):
    key = make_key()
    keys = Keys(key[1])
    if failure == "unreachable":
        import requests

        keys.error = requests.ConnectionError("refused")
    else:
        keys.document = (
            {"keys": "nope"} if failure == "not JSON keys" else {"keys": [{"kty": "EC"}]}
        )
    check = verifier(keys)
    with pytest.raises(KeysUnavailable):
        check.verify(token(key[0]))
    keys.error, keys.document = None, {"keys": [key[1]]}
    assert check.verify(token(key[0]))["iss"] == "trello"


@pytest.mark.parametrize("shape", ["JWK in the list", "bare PEM", "pem field"])
def test_other_key_shapes_are_read_too_and_still_check_the_signature(shape):
    key, other = make_key(), make_key()
    document = {
        "JWK in the list": {"keys": [key[2]]},
        "bare PEM": key[1],
        "pem field": {"pem": key[1]},
    }[shape]
    keys = Keys()
    keys.document = document
    check = verifier(keys)
    assert check.verify(token(key[0]))["iss"] == "trello"
    with pytest.raises(InvalidToken):
        check.verify(token(other[0]))


@pytest.mark.parametrize(
    "claims, message",
    [
        ({"iss": "someone"}, "not valid"),
        ({"exp": 1}, "expired"),
        ({"idBoard": None}, "not valid"),
        ({"idPlugin": None}, "not valid"),
    ],
)
def test_wrong_issuer_expiry_or_missing_claims_are_refused(claims, message):
    key = make_key()
    signed = token(key[0], **{k: v for k, v in claims.items() if v is not None})
    missing = [k for k, v in claims.items() if v is None]
    if missing:
        payload = jwt.decode(signed, options={"verify_signature": False})
        signed = jwt.encode(
            {k: v for k, v in payload.items() if k not in missing}, key[0], algorithm="RS256"
        )
    with pytest.raises(InvalidToken, match=message):
        verifier(Keys(key[1])).verify(signed)


def test_an_hs256_token_made_with_the_public_key_is_refused():
    key = make_key()
    claims = {"idMember": "m", "idPlugin": PLUGIN, "iss": "trello", "exp": 9e9}
    forged = jwt.encode(claims, "a shared secret of thirty-two bytes", algorithm="HS256")
    with pytest.raises(InvalidToken, match="RS256"):
        verifier(Keys(key[1])).verify(forged)
