"""The API's one error shape: {"error": {"code", "message"}} with a matching status."""

from flask import jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

PREFIX = "/api"


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


def routing_error():
    """Answer an unknown /api/ path or method as JSON; Flask's own pages are HTML.

    A before-request hook, because a request that matches no route reaches no blueprint and
    so none of the blueprint's error handlers.
    """
    error = request.routing_exception
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return None
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        response = error_response(
            405, "method_not_allowed", f"{request.method} is not one of: {allowed}."
        )
        response.headers["Allow"] = allowed
    elif isinstance(error, NotFound):
        response = error_response(404, "not_found", "There is no such API path.")
    else:
        return None
    response.headers["Cache-Control"] = "no-store"
    return response
