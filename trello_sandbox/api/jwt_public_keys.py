"""GET /1/resource/jwt-public-keys (no auth): the keys that verify the sandbox's Power-Up JWTs."""

from flask import Blueprint, jsonify

from trello_sandbox.core import sandbox

bp = Blueprint("trello_jwt_public_keys", __name__, url_prefix="/1")


@bp.get("/resource/jwt-public-keys")
def jwt_public_keys():
    """Publish the keys as Trello does: {"keys": [PEM, …]}, two of them during a rotation."""
    return jsonify(sandbox().keys.public_document())
