""" "Never pair me with" on the participant's page: add an address, remove one with one click."""

from flask import Blueprint, redirect, url_for
from flask_wtf import FlaskForm

from app.participant.forms import NeverPairForm
from app.participant.page import render_overview
from app.participant.views import done, participant_of
from app.people import avoidances
from app.people.access import LinkProblem, link_problem_page

bp = Blueprint("never_pair", __name__, url_prefix="/me")
bp.register_error_handler(LinkProblem, link_problem_page)


@bp.post("/<token>/never-pair")
def add(token):
    """Add an address to the list, or show the page again saying why it cannot be added."""
    person = participant_of(token)
    form = NeverPairForm()
    if person is None or not form.validate_on_submit():
        return redirect(url_for("participant.overview", token=token))
    try:
        avoidances.add(person, form.address.data)
    except avoidances.Refused as refused:
        form.address.errors = [str(refused)]
        errors = [{"text": str(refused), "href": "#address"}]
        return render_overview(person, token, never_pair=form, errors=errors, status=400)
    return done(token, "Added to your list. We will never pair you with that address")


@bp.post("/<token>/never-pair/<int:entry_id>/remove")
def remove(token, entry_id):
    """Take one address off the list."""
    person = participant_of(token)
    if person is not None and FlaskForm().validate_on_submit():
        if avoidances.remove(person, entry_id):
            return done(token, "Removed from your list")
    return redirect(url_for("participant.overview", token=token))
