"""Opening a participant's signed link: the person it names, or a clear reason it does not work."""

from flask import render_template

from app.db import db
from app.links import LinkError, read_token
from app.models import Person, current_programme


class LinkProblem(Exception):
    """A link that opens nothing: 'expired', 'invalid', or 'left' (the person has gone)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def person_from_link(token, purpose):
    """Return the person a signed link names, or raise LinkProblem."""
    return person_and_claims(token, purpose)[0]


def person_and_claims(token, purpose):
    """Return (person, the link's claims) for a signed link, or raise LinkProblem."""
    try:
        claims = read_token(token, purpose)
    except LinkError as exc:
        raise LinkProblem(exc.reason) from None
    person = db.session.get(Person, claims["p"])
    if person is None:
        # Unconfirmed sign-ups are deleted after 30 days; to them the link has simply expired.
        raise LinkProblem("expired")
    if person.programme_id != current_programme().id:
        # A link works only under its own programme's pages (/p/<slug>/me/…).
        raise LinkProblem("invalid")
    if person.status == "left":
        raise LinkProblem("left")
    return person, claims


def link_problem_page(problem):
    """Render the page for a link that opens nothing; nothing has been changed."""
    if problem.reason == "left":
        return render_template("links/left.html")
    return render_template("links/problem.html", reason=problem.reason), 400
