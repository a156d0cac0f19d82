"""Trello-like identifiers, short links, slugs and timestamps."""

import itertools
import os
import re
import secrets
import string
import threading
import time
from datetime import UTC, datetime

ID_RE = re.compile(r"^[0-9a-f]{24}$")
SHORT_LINK_RE = re.compile(r"^[A-Za-z0-9]{8}$")
_ALPHABET = string.ascii_letters + string.digits
# Like a Mongo ObjectId: seconds, a per-process random part, then a counter, so ids made
# later sort after earlier ones (Trello's before/since accept ids for that reason).
_PROCESS = os.urandom(5).hex()
_COUNTER = itertools.count(int.from_bytes(os.urandom(3), "big"))
_COUNTER_LOCK = threading.Lock()


def new_id():
    """Return a new 24-hex id with a timestamp prefix."""
    with _COUNTER_LOCK:
        count = next(_COUNTER) % 0x1000000
    return f"{int(time.time()):08x}{_PROCESS}{count:06x}"


def is_id(value):
    """Return True for a 24 lowercase-hex id."""
    return isinstance(value, str) and bool(ID_RE.match(value))


def is_short_link(value):
    """Return True for an 8-character short link."""
    return isinstance(value, str) and bool(SHORT_LINK_RE.match(value))


def short_link():
    """Return a new random 8-character short link."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def slug(name):
    """Return the URL slug Trello puts after a card's idShort."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:128]


def now_iso():
    """Return the current UTC time as Trello writes it: ISO 8601, milliseconds, Z."""
    return iso(datetime.now(UTC))


def iso(now):
    """Return an aware UTC datetime as Trello writes it."""
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def parse_when(value):
    """Return an aware datetime for an ISO date or an id's timestamp, or None."""
    if is_id(value):
        return datetime.fromtimestamp(int(value[:8], 16), UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
