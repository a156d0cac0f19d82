"""The link mailed to a new address: opening it shows a button (mail scanners open links), and
pressing it makes the address the person's. It works once, for 7 days, and only while their
address is still the one it was made for."""

from flask import Blueprint, render_template
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from app.db import db
from app.links import fingerprint_matches
from app.models import current_programme
from app.people import email_change
from app.people.access import LinkProblem, person_and_claims

bp = Blueprint("email_change", __name__, url_prefix="/me")


@bp.errorhandler(LinkProblem)
def _problem(problem):
    """Say the link no longer works, and why it may be; nothing has been changed."""
    if problem.reason == "left":
        return render_template("links/left.html")
    return render_template("participant/email_link_problem.html", reason=problem.reason), 400


def _change_asked(token):
    """Return (person, new address) for a link still good, or raise LinkProblem."""
    person, claims = person_and_claims(token, "email_change")
    new_email = claims.get("e")
    if person.status not in ("active", "paused") or not isinstance(new_email, str):
        raise LinkProblem("invalid")
    # Used already, or their address changed since the link was made: it opens nothing now.
    if not fingerprint_matches(person.email, claims.get("o")):
        raise LinkProblem("invalid")
    return person, new_email


@bp.route("/<token>/email", methods=["GET", "POST"])
def confirm(token):
    """Show the new address with a button; pressing it makes the address the person's."""
    person, new_email = _change_asked(token)
    programme = current_programme()
    if email_change.is_taken(programme, person, new_email):
        return render_template("participant/email_taken.html", email=new_email), 400
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("participant/confirm_email.html", email=new_email)
    try:
        email_change.apply_change(programme, person, new_email)
        db.session.commit()
    except (email_change.AddressTaken, IntegrityError):
        # Someone signed up with the address a moment ago.
        db.session.rollback()
        return render_template("participant/email_taken.html", email=new_email), 400
    return render_template("participant/email_changed.html", email=new_email)
