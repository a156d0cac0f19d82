"""The participant's follow-up pages from email links: add an output link, say "did you meet?".

A check-in link records its answer when opened: one click is the point, the answer can be
changed by another click, so a mail scanner opening a link can at worst record an answer the
person then corrects.
"""

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm

from app.db import db
from app.followup.checkins import record_check_in
from app.followup.forms import CheckInForm, OutputForm
from app.followup.output_urls import with_scheme
from app.followup.outputs import record_output
from app.links import manage_url
from app.models import Round, current_programme
from app.outbox import enqueue, lanes
from app.people.access import LinkProblem, link_problem_page, person_and_claims
from app.people.forms import error_list
from app.rounds import taking_part
from app.rounds.membership import current_round_for, drawn_in
from app.vocabulary import ANSWER_KEYS

bp = Blueprint("followup", __name__, url_prefix="/me")
bp.register_error_handler(LinkProblem, link_problem_page)


@bp.route("/<token>/output", methods=["GET", "POST"])
def output_form(token):
    """Take the link to what the participant shared and attach it to their card via the outbox."""
    person, claims = person_and_claims(token, "output")
    round_ = _round_of_link(person, claims)
    if round_ is None or not person.trello_card_id:
        return render_template("followup/no_round.html")
    form, errors = OutputForm(), []
    if form.validate_on_submit():
        problem = form.problem()
        if problem is None:
            url = with_scheme(form.url.data)  # www.x.org/p is https://www.x.org/p
            # Recorded now, in the round the link names; the attachment that follows is
            # known by its URL when its webhook comes back, so it is not counted twice.
            record_output(person, round_, url, "link")
            _queue_attachment(person, url)
            db.session.commit()
            return render_template(
                "followup/output_added.html", url=url, round=round_, manage_url=manage_url(person)
            )
        errors = [{"text": problem, "href": "#url"}]
    elif request.method == "POST":
        errors = error_list(form, ("url",)) or [{"text": "Try again", "href": "#url"}]
    page = render_template(
        "followup/output.html", form=form, token=token, errors=errors, round=round_
    )
    return page, 400 if errors else 200


def _round_of_link(person, claims):
    """Return the round an output link names, if the person was drawn in it (a link from
    before links named their round: the person's open round), else None."""
    if "r" not in claims:
        return current_round_for(person)
    round_id = claims["r"]
    round_ = db.session.get(Round, round_id) if isinstance(round_id, int) else None
    if round_ is None or round_.programme_id != person.programme_id:
        return None
    return round_ if drawn_in(person, round_) else None


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
    if round_ is None or answer not in ANSWER_KEYS or not drawn_in(person, round_):
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


@bp.route("/<token>/back", methods=["GET", "POST"])
def back(token):
    """One click from the "still want to take part?" mail puts a quiet person back in rounds;
    the page offers to stay paused instead (a mail scanner's click is undone as easily)."""
    person, _ = person_and_claims(token, "back")
    programme = current_programme()
    if request.method == "POST" and FlaskForm().validate_on_submit():
        if person.status == "active":
            taking_part.pause(programme, person, None, reason="self")
        db.session.commit()
        return render_template("followup/back.html", back=False, token=token)
    if request.method == "GET" and person.paused_reason == "quiet":
        # Only the pause this link was mailed about: a pause the person or an organiser chose
        # is ended from the person's own page.
        taking_part.resume(programme, person)
        db.session.commit()
    return render_template("followup/back.html", back=person.status == "active", token=token)
