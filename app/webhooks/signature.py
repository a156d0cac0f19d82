"""Trello's webhook signature: base64(HMAC-SHA1(secret, raw body + callback URL)).

Pure functions, so tests sign the exact bytes they send with the same code that checks them.
"""

import base64
import hashlib
import hmac


def signature(secret, body, callback_url):
    """Return Trello's X-Trello-Webhook value: base64(HMAC-SHA1(secret, body + callbackURL))."""
    digest = hmac.new(secret.encode(), body + callback_url.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(secret, body, callback_url, header):
    """Compare the header with the expected signature in constant time."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature(secret, body, callback_url), header)
