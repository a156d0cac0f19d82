"""The start page and the privacy notice."""

from typing import NamedTuple

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from app.models import current_programme, listed_programmes

bp = Blueprint("pages", __name__)


class Listed(NamedTuple):
    """A programme as the start page lists it: its name and the address of its own start page."""

    title: str
    url: str


def _listed():
    """Return the programmes that chose to be listed, for the first programme's start page (the
    service's front door, /); each programme's own start page lists no others."""
    try:
        if not current_programme().is_first:
            return []
        found = listed_programmes()
    except SQLAlchemyError:
        # The start page says what the scheme is without the database; the list can wait.
        return []
    root = request.script_root.rstrip("/")
    return [Listed(p.title, f"{root}{p.path_prefix}/") for p in found]


@bp.get("/")
def start():
    """Show the GOV.UK-style start page: what the programme is, what it asks, Start now; at /,
    the other programmes that chose to be listed."""
    return render_template("pages/start.html", programmes=_listed())


@bp.get("/privacy")
def privacy():
    """Show the privacy notice: what is kept, who sees it, for how long, how to leave."""
    days = current_app.config["PROGRAMME_RETENTION_DAYS"]
    return render_template("pages/privacy.html", retention_days=days)
