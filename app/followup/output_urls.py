"""Which links count as outputs: pure checks on URLs found in attachments and comments."""

import re
import unicodedata
from urllib.parse import urlsplit

MAX_URL = 2048
# Trello's own hosts: uploads, card links and previews are not outputs about a conversation.
TRELLO_HOSTS = ("trello.com", "trellocdn.com", "trello.services", "atl-paas.net")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?)»”’'\""
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
# A scheme that is not followed by a port number (mailto:, javascript:, but not x.org:8080).
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?![0-9])")
_TLD = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59})$")
REAL_ADDRESS = "Enter a real web address, like www.example.org/my-post"


def with_scheme(url):
    """Return a link as typed, with https:// put in front when it has no scheme: `www.x.org/p`
    becomes `https://www.x.org/p` (and `//x.org/p` `https://x.org/p`). Anything else with a
    scheme (`ftp:`, `mailto:`) is left as it is, for url_problem to refuse."""
    url = (url or "").strip()
    if not url or _SCHEME.match(url):
        return url
    if url.startswith("//"):
        return "https:" + url
    if _OTHER_SCHEME.match(url):
        return url
    return "https://" + url


def is_trello_host(host):
    """Tell whether a host is Trello's (trello.com, any *.trello.com, trellocdn and the like)."""
    host = (host or "").lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in TRELLO_HOSTS) or (
        host.startswith("trello-") and host.endswith(".amazonaws.com")
    )


def url_problem(url):
    """Return why a URL cannot be an output, or None when it can. A link typed without its
    scheme is checked as with_scheme completes it (its host must then end in a real top-level
    domain, so "v1.2" or "notes.txt"-like slips are not taken for web addresses)."""
    url = (url or "").strip()
    if not url:
        return "Enter the link to what you shared"
    bare = with_scheme(url)
    if bare != url:
        problem = url_problem(bare)
        if problem is not None:
            return problem
        parts = urlsplit(bare)
        if parts.username is not None:
            return "Enter the link to what you shared, not an email address"
        if not _TLD.match(parts.hostname.rstrip(".").rsplit(".")[-1]):
            return REAL_ADDRESS
        return None
    if len(url) > MAX_URL:
        return f"The link must be {MAX_URL} characters or fewer"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return REAL_ADDRESS
    if parts.scheme.lower() not in ("http", "https"):
        return "The link must start with https:// or http://, or be like www.example.org/my-post"
    if "." not in host.strip(".") or any(_unseen(c) for c in url):
        return REAL_ADDRESS
    if is_trello_host(host):
        return "Enter the link to what you shared, not a Trello link"
    return None


def _unseen(char):
    """Tell whether a character cannot be in a link as shown: white space or a control."""
    return char.isspace() or unicodedata.category(char) == "Cc"


def is_output_url(url):
    """Tell whether a URL counts as an output (as it is: attachments always carry a scheme)."""
    return url_problem(url) is None


def urls_in(text):
    """Return the output URLs in a comment, in order, each once. Only links written with
    http:// or https:// count: a bare "www.x.org" in a comment stays words (people mention sites
    they did not write), while the output forms, where a link is all one types, complete it."""
    found = []
    for match in _URL_IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        if is_output_url(url) and url not in found:
            found.append(url)
    return found
