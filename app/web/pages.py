"""The start page and the privacy notice."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/")
def start():
    """Show the GOV.UK-style start page: what UnMentoring is, what it asks, Start now."""
    return render_template("pages/start.html")


@bp.get("/privacy")
def privacy():
    """Show the privacy notice: what is kept, who sees it, for how long, how to leave."""
    return render_template("pages/privacy.html")
