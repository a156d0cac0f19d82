"""The API's one error shape: {"error": {"code", "message"}} with a matching status."""

from flask import jsonify


class ApiError(Exception):
    """An error the API answers with as JSON; raised anywhere inside a view."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status, code, message, **extra):
    """Return the JSON error response for a status, a stable code and a human message."""
    response = jsonify(error={"code": code, "message": message, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="UnMentoring Power-Up"'
    return response
