"""GET /1/resource/jwt-public-keys (no auth): the key that verifies the sandbox's Power-Up JWTs."""

from flask import Blueprint, jsonify

from trello_sandbox.core import sandbox

bp = Blueprint("trello_jwt_public_keys", __name__, url_prefix="/1")


@bp.get("/resource/jwt-public-keys")
def jwt_public_keys():
    """Publish the key that verifies sandbox Power-Up JWTs: a JWK set plus the PEM."""
    return jsonify(sandbox().keys.public_document())
