"""The participant's follow-up pages from email links: add an output link, say "did you meet?".

A check-in link records its answer when opened: one click is the point, the answer can be
changed by another click, so a mail scanner opening a link can at worst record an answer the
person then corrects.
"""

from flask import Blueprint, render_template, request

from app.db import db
from app.followup.checkins import record_check_in
from app.followup.forms import CheckInForm, OutputForm
from app.models import Round, current_programme
from app.outbox import enqueue, lanes
from app.people.access import LinkProblem, link_problem_page, person_and_claims
from app.people.forms import error_list
from app.rounds.membership import current_round_for, group_of
from app.vocabulary import ANSWER_KEYS

bp = Blueprint("followup", __name__, url_prefix="/me")
bp.register_error_handler(LinkProblem, link_problem_page)


@bp.route("/<token>/output", methods=["GET", "POST"])
def output_form(token):
    """Take the link to what the participant shared and attach it to their card via the outbox."""
    person, _ = person_and_claims(token, "output")
    round_ = current_round_for(person)
    if round_ is None or not person.trello_card_id:
        return render_template("followup/no_round.html")
    form, errors = OutputForm(), []
    if form.validate_on_submit():
        problem = form.problem()
        if problem is None:
            _queue_attachment(person, form.url.data.strip())
            db.session.commit()
            return render_template("followup/output_added.html", url=form.url.data.strip())
        errors = [{"text": problem, "href": "#url"}]
    elif request.method == "POST":
        errors = error_list(form, ("url",)) or [{"text": "Try again", "href": "#url"}]
    page = render_template("followup/output.html", form=form, token=token, errors=errors)
    return page, 400 if errors else 200


def _queue_attachment(person, url):
    """Queue attaching the link to the card; its webhook records the output like any other."""
    enqueue(
        current_programme(),
        "trello.attach_url",
        {"card_id": person.trello_card_id, "url": url},
        lane=lanes.person_card(person),
        person=person,
    )


@bp.route("/<token>/checkin", methods=["GET", "POST"])
def check_in(token):
    """Record the answer the link carries, then offer the optional questions."""
    person, claims = person_and_claims(token, "checkin")
    round_ = db.session.get(Round, claims.get("r"))
    answer = claims.get("a")
    if round_ is None or answer not in ANSWER_KEYS or group_of(person, round_) is None:
        raise LinkProblem("invalid")
    form, errors = CheckInForm(), []
    if request.method == "POST":
        if form.validate_on_submit():
            record_check_in(person, round_, answer, **_optional(form))
            db.session.commit()
            return render_template("followup/check_in_done.html", round=round_)
        errors = error_list(form, ("learned", "challenged", "new_connection"))
        errors = errors or [{"text": "Try again", "href": "#learned"}]
    elif request.method == "GET":
        record_check_in(person, round_, answer)
        db.session.commit()
    page = render_template(
        "followup/check_in.html", form=form, token=token, answer=answer, round=round_, errors=errors
    )
    return page, 400 if errors else 200


def _optional(form):
    """Return the optional answers that were given, as record_check_in takes them."""
    given = {}
    if form.learned.data and form.learned.data.strip():
        given["learned"] = form.learned.data
    if form.challenged.data:
        given["challenged"] = int(form.challenged.data)
    if form.new_connection.data:
        given["new_connection"] = form.new_connection.data == "yes"
    return given
