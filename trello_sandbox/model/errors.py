"""Trello's error answers: a status and a short text/plain message."""

NOT_FOUND = "The requested resource was not found."
UNAUTHORIZED = "unauthorized permission requested"


class TrelloError(Exception):
    """An answer Trello would give instead of the resource: status and plain-text body."""

    def __init__(self, status, text):
        super().__init__(status, text)
        self.status, self.text = status, text


def invalid(field):
    """Return Trello's 400 for a bad argument."""
    return TrelloError(400, f"invalid value for {field}")


def not_found():
    """Return Trello's 404 for an unknown object."""
    return TrelloError(404, NOT_FOUND)
