"""What a delivery carries, as Trello sends it: the webhook's shape, the body, its signature."""

import base64
import hashlib
import hmac
import json

WEBHOOK_FIELDS = (
    "id",
    "description",
    "idModel",
    "callbackURL",
    "active",
    "consecutiveFailures",
    "firstConsecutiveFailDate",
)


def sign(secret, body, callback_url):
    """Return X-Trello-Webhook: base64(HMAC-SHA1(secret, body bytes + callbackURL as UTF-8))."""
    message = body + callback_url.encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_json(hook):
    """Return a webhook as Trello shows it."""
    return {key: hook[key] for key in WEBHOOK_FIELDS}


def encode(payload):
    """Return the delivery body: compact JSON, UTF-8, non-ASCII kept as is."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
