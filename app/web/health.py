"""Liveness and readiness: is the database reachable, is Trello reachable."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.db import db
from app.trello.gateway import service_gateway

bp = Blueprint("health", __name__)


def _database_ok():
    """Run a trivial query; return (ok, error text)."""
    try:
        db.session.execute(text("SELECT 1"))
        return True, None
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        db.session.rollback()
        return False, type(exc).__name__


def _trello_ok():
    """Ask Trello (or the sandbox) for the first board with the service's token; return (ok,
    error text). Other boards' tokens are `flask doctor`'s to check, not a load balancer's."""
    try:
        service_gateway().ping()
        return True, None
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return False, str(getattr(exc, "message", None) or type(exc).__name__)[:200]


@bp.get("/healthz")
def healthz():
    """Report database and Trello reachability: 200 when both answer, 503 otherwise."""
    db_ok, db_error = _database_ok()
    trello_ok, trello_error = _trello_ok()
    body = {
        "status": "ok" if db_ok and trello_ok else "unavailable",
        "database": {"ok": db_ok, "error": db_error},
        "trello": {"ok": trello_ok, "error": trello_error},
        "sandbox": current_app.config["SANDBOX"],
    }
    return jsonify(body), 200 if db_ok and trello_ok else 503
