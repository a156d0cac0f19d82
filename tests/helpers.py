"""Small helpers the tests share: payload files and Trello-style signing."""

import json
from pathlib import Path

from app.webhooks import signature

PAYLOADS = Path(__file__).resolve().parents[2] / "shared" / "trello-payloads"


def payload_bytes(name, replacements=None):
    """Return a captured Trello payload as bytes, with ids swapped for sandbox ones."""
    text = (PAYLOADS / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        text = text.replace(old, new)
    return text.encode("utf-8")


def post_signed(client, body, secret, callback_url, **headers):
    """POST exact bytes to the webhook receiver with Trello's signature over them."""
    headers.setdefault("X-Trello-Webhook", signature(secret, body, callback_url))
    return client.post(
        "/webhooks/trello", data=body, headers=headers, content_type="application/json"
    )


def board_id_of(payload_name):
    """Return the board id a captured payload's action names."""
    data = json.loads((PAYLOADS / payload_name).read_text(encoding="utf-8"))
    action = data.get("action", data)
    return action["data"]["board"]["id"]
