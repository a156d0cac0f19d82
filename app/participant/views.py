"""A participant's page from the signed link in every email: their rounds, pause, skip, change
details (a new address confirms first), leave."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from app.db import db, once_more_on_conflict, utcnow
from app.models import current_programme
from app.participant.forms import CHANGE_ORDER, ChangeDetailsForm, PauseForm
from app.participant.page import elsewhere, render_overview
from app.people import email_change, lifecycle, participations
from app.people.access import LinkProblem, link_problem_page, person_from_link
from app.people.forms import details_from, error_list, form_data
from app.people.organisations import offered
from app.rounds import taking_part
from app.vocabulary import long_date

bp = Blueprint("participant", __name__, url_prefix="/me")
bp.register_error_handler(LinkProblem, link_problem_page)


def participant_of(token):
    """Return the person for a manage link, or None when they have not confirmed yet."""
    person = person_from_link(token, "manage")
    return person if person.status in ("active", "paused") else None


def done(token, message):
    """Go back to the overview with a note of what changed (post/redirect/get)."""
    db.session.commit()
    flash(message)
    return redirect(url_for("participant.overview", token=token))


@bp.get("/<token>")
def overview(token):
    """Show the person's rounds, details and list, and what they can do."""
    return render_overview(person_from_link(token, "manage"), token)


def _change_details(programme, token, changes):
    """Store the changes; return the person as stored. A new organisation typed by someone
    else at the same moment is theirs: the second pass finds it."""

    def once():
        person = participant_of(token)
        lifecycle.change_details(programme, person, changes)
        db.session.flush()
        return person

    return once_more_on_conflict(once)


@bp.route("/<token>/details", methods=["GET", "POST"])
def details(token):
    """Change name, organisation, contact details, topics, what to share and how often; a new
    email address is only mailed a link, and becomes theirs when they open it."""
    person = participant_of(token)
    if person is None:
        return redirect(url_for("participant.overview", token=token))
    if request.method == "GET":
        form = ChangeDetailsForm(data={**form_data(person), "email": person.email})
    else:
        form = ChangeDetailsForm()
    if request.method == "POST" and form.validate():
        changes = details_from(form)
        if form.delete_skype.data:
            changes["skype"] = None  # no longer offered: kept until its owner deletes it
        new_email = changes.pop("email")
        programme = current_programme()
        person = _change_details(programme, token, changes)
        if new_email == person.email:
            return done(token, "Your details have been changed")
        email_change.request_change(programme, person, new_email)
        db.session.commit()
        return render_template("participant/check_email.html", email=new_email, token=token)
    errors = error_list(form, CHANGE_ORDER) if request.method == "POST" else []
    page = render_template(
        "participant/details.html",
        form=form,
        token=token,
        errors=errors,
        skype=person.skype,
        organisations=offered(current_programme()),
    )
    return page, 400 if errors else 200


@bp.route("/<token>/pause", methods=["GET", "POST"])
def pause(token):
    """Take a break until a date; the card waits in Paused and comes back on its own."""
    person = participant_of(token)
    if person is None:
        return redirect(url_for("participant.overview", token=token))
    form, errors = PauseForm(), []
    if form.validate_on_submit():
        until, message = form.until(utcnow().date())
        if until is not None:
            taking_part.pause(current_programme(), person, until)
            return done(token, f"You are paused until {long_date(until)}")
        errors = [{"text": message, "href": "#until-day"}]
    page = render_template("participant/pause.html", form=form, token=token, errors=errors)
    return page, 400 if errors else 200


@bp.post("/<token>/resume")
def resume(token):
    """End a pause now."""
    person = participant_of(token)
    if person is not None and person.status == "paused" and FlaskForm().validate_on_submit():
        taking_part.resume(current_programme(), person)
        return done(token, "Welcome back: you are in the next round")
    return redirect(url_for("participant.overview", token=token))


@bp.post("/<token>/skip")
def skip(token):
    """Skip the next round, or change your mind about skipping it."""
    person = participant_of(token)
    if person is not None and FlaskForm().validate_on_submit():
        taking_part.skip_next_round(current_programme(), person, request.form.get("skip") == "yes")
        message = (
            "You will skip the next round"
            if person.skip_next_round
            else "You are in the next round"
        )
        return done(token, message)
    return redirect(url_for("participant.overview", token=token))


@bp.route("/<token>/leave", methods=["GET", "POST"])
def leave(token):
    """Leave this programme only: erase the person's details here, cancel their mail, archive
    their card; their other programmes carry on."""
    person = person_from_link(token, "manage")
    if request.method == "POST" and FlaskForm().validate_on_submit():
        taking_part.leave(current_programme(), person)
        db.session.commit()
        return render_template("links/left.html")
    return render_template("participant/leave.html", token=token, elsewhere=elsewhere(person))


@bp.route("/<token>/leave-all", methods=["GET", "POST"])
def leave_all(token):
    """Leave every programme the address takes part in and erase everything, after a page that
    names them; each is left as leaving it alone would, under its own programme."""
    person = participant_of(token)
    if person is None:
        return redirect(url_for("participant.leave", token=token))
    if request.method == "POST" and FlaskForm().validate_on_submit():
        left = taking_part.leave_everywhere(person)
        db.session.commit()
        return render_template("links/left.html", left_all=[p.title for p in left])
    titles = [one.programme.title for one in participations.every_participation(person)]
    return render_template("participant/leave_all.html", token=token, titles=titles)
