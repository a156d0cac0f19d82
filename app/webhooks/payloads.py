"""What a webhook delivery must look like before it is stored: Trello's JSON, Trello's shapes.

Anything Trello would never send (NaN, 1e400, JSON nested hundreds deep, ids that are not
strings, NUL bytes) is refused here with ValueError, so the receiver answers 400 and no
handler or database column ever sees it.
"""

import json

# Trello's actions nest a few levels; far deeper JSON is hostile and would exhaust the stack
# when the payload is written to the database or read back.
MAX_DEPTH = 32
# The parts of an action's data that handlers read: objects whose ids and texts are strings,
# as Trello sends them. Anything else is refused before any handler sees it.
PARTS = ("board", "card", "list", "listAfter", "listBefore", "old", "attachment")
TEXTS = ("id", "name", "desc", "url", "idList", "shortLink")


def _finite(text):
    """Return a JSON number as a float, refusing the infinities that 1e400 would become."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("a number too large for JSON")
    return value


def _no_constant(name):
    """Refuse NaN and Infinity: Python reads them, but they are not JSON and PostgreSQL says so."""
    raise ValueError(f"{name} is not JSON")


def parse_payload(body):
    """Return the delivery's JSON, or raise ValueError for anything Trello would never send."""
    payload = json.loads(body, parse_float=_finite, parse_constant=_no_constant)
    pending, depth = [payload], 0
    while pending:
        depth += 1
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        pending = [
            child
            for item in pending
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return payload


def check_shape(action):
    """Return the action's board id; raise ValueError unless its data has Trello's shape."""
    data = action.get("data") or {}
    if not isinstance(data, dict) or not isinstance(data.get("text", ""), (str, type(None))):
        raise ValueError("the action's data is not Trello's")
    for name in PARTS:
        part = data.get(name) or {}
        if not isinstance(part, dict):
            raise ValueError(f"data.{name} is not an object")
        texts = [part.get(key) for key in TEXTS]
        if not all(isinstance(text, (str, type(None))) for text in texts):
            raise ValueError(f"data.{name} holds a text that is not a string")
        storable(*texts)
    return (data.get("board") or {}).get("id")


def storable(*texts):
    """Raise ValueError if a text (None passes) is not one a database text column can hold."""
    for text in texts:
        if isinstance(text, str) and ("\x00" in text or _surrogate(text)):
            raise ValueError("a NUL or a lone surrogate in an id")


def _surrogate(text):
    """Return True when the text holds a lone surrogate, which UTF-8 cannot encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
