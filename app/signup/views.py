"""The public sign-up form and the confirmation link it mails."""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.links import manage_url
from app.models import current_programme
from app.people.access import LinkProblem, link_problem_page, person_from_link
from app.people.forms import details_from, error_list
from app.people.organisations import offered
from app.signup import service
from app.signup.forms import SIGNUP_ORDER, SignupForm

bp = Blueprint("signup", __name__, url_prefix="/signup")
bp.register_error_handler(LinkProblem, link_problem_page)
# Never taken from a link: agreeing must be the person's own act, and bots fill the honeypot.
NOT_PREFILLED = ("consent", "credit", "website", "csrf_token")


def _render_form(form, status=200):
    """Render the form with its errors (if any) and the organisations it offers."""
    page = render_template(
        "signup/form.html",
        form=form,
        errors=error_list(form, SIGNUP_ORDER),
        organisations=offered(current_programme()),
    )
    return page, status


@bp.route("", methods=["GET", "POST"])
def form():
    """Show the form (fields may be prefilled from the query string) or take a sign-up."""
    if request.method in ("GET", "HEAD"):  # HEAD: uptime checks, link previews
        prefill = MultiDict(
            [(k, v) for k, v in request.args.items(multi=True) if k not in NOT_PREFILLED]
        )
        return _render_form(SignupForm(formdata=prefill or None))
    form = SignupForm()
    if not form.validate():
        return _render_form(form, 400)
    if not form.website.data:
        service.register(current_programme(), details_from(form))
    # The same page whatever happened, so the form never tells who is signed up.
    return render_template("signup/check_email.html", email=form.email.data)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """Show who is signing up, and make them a participant when they press Confirm."""
    person = person_from_link(token, "confirm")
    if person.status != "pending":
        return render_template("signup/confirmed.html", manage_url=manage_url(person))
    form = FlaskForm()
    if form.validate_on_submit():
        service.confirm(current_programme(), person)
        return render_template("signup/confirmed.html", manage_url=manage_url(person))
    return render_template("signup/confirm.html", person=person)
