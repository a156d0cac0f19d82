"""Seeds as people type them: a decimal integer or 16 hex digits, both below 2**63."""

import re

SEED_LIMIT = 2**63  # seeds fit a signed 64-bit database column
_HEX = re.compile(r"[0-9a-fA-F]{16}")


def parse_seed(text):
    """Return the seed written as a decimal integer (0..2**63-1) or as 16 hex digits."""
    token = str(text).strip()
    # All digits reads as decimal, even sixteen of them; hex needs a letter to be hex.
    if token.isascii() and token.isdigit():
        value = int(token)
    elif _HEX.fullmatch(token):
        value = int(token, 16)
    else:
        raise ValueError(f"seed {text!r} is neither a decimal integer nor 16 hex digits")
    if value >= SEED_LIMIT:
        raise ValueError(f"seed {text!r} is too large: seeds go from 0 to {SEED_LIMIT - 1}")
    return value


def new_seed(sysrandom):
    """Return a fresh seed from a system random source (e.g. random.SystemRandom())."""
    return sysrandom.getrandbits(63)
