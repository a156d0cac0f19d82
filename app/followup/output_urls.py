"""Which links count as outputs: pure checks on URLs found in attachments and comments."""

import re
import unicodedata
from urllib.parse import urlsplit

MAX_URL = 2048
# Trello's own hosts: uploads, card links and previews are not outputs about a conversation.
TRELLO_HOSTS = ("trello.com", "trellocdn.com", "trello.services", "atl-paas.net")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?)»”’'\""


def is_trello_host(host):
    """Tell whether a host is Trello's (trello.com, any *.trello.com, trellocdn and the like)."""
    host = (host or "").lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in TRELLO_HOSTS) or (
        host.startswith("trello-") and host.endswith(".amazonaws.com")
    )


def url_problem(url):
    """Return why a URL cannot be an output, or None when it can."""
    url = (url or "").strip()
    if not url:
        return "Enter the link to what you shared"
    if len(url) > MAX_URL:
        return f"The link must be {MAX_URL} characters or fewer"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "Enter a real web address, like https://example.org/my-post"
    if parts.scheme.lower() not in ("http", "https"):
        return "The link must start with https:// or http://"
    if "." not in host.strip(".") or any(_unseen(c) for c in url):
        return "Enter a real web address, like https://example.org/my-post"
    if is_trello_host(host):
        return "Enter the link to what you shared, not a Trello link"
    return None


def _unseen(char):
    """Tell whether a character cannot be in a link as shown: white space or a control."""
    return char.isspace() or unicodedata.category(char) == "Cc"


def is_output_url(url):
    """Tell whether a URL counts as an output."""
    return url_problem(url) is None


def urls_in(text):
    """Return the output URLs in a comment, in order, each once."""
    found = []
    for match in _URL_IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        if is_output_url(url) and url not in found:
            found.append(url)
    return found
