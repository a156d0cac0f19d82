"""Hostile form posts to the public pages: the sign-up form and a participant's own pages.

Random text in every field (controls, NUL, bidi overrides, lone surrogates sent as invalid
UTF-8, 100,000 characters), fields missing or sent twice, random and tampered link tokens.
Never a 5xx; an answer that refuses the input (4xx, or a bad form token) changes nothing.
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.db import db
from app.links import make_token
from app.models import CheckIn, current_programme
from app.rounds.service import confirm_round
from tests.fuzz_helpers import HOSTILE_TEXT, budget, rows, state
from tests.round_helpers import add_people
from tests.signup_helpers import FORM, csrf_token

TEXT_FIELDS = ["name", "email", "organisation", "phone", "google_id", "teams", "topics", "website"]
CHOICE_FIELDS = {
    "share": ["email", "phone", "google_id", "teams", "fax"],
    "frequency": ["every", "every_other", "never"],
    "credit": ["y", "yes", "on", ""],
    "consent": ["yes", "no", ""],
}
HUGE = st.sampled_from(["x" * 100_000, "\u202e" * 5_000, "a@b.co " * 20_000])


def values(valid):
    """Return a strategy for one field's values: none, the valid one, hostile ones, twice."""
    one = st.one_of(st.just(valid), HOSTILE_TEXT, HUGE)
    return st.one_of(st.just([valid]), st.just([]), st.lists(one, min_size=1, max_size=2))


def form_pairs(fields, token):
    """Return a strategy for a form body as (name, value) pairs, CSRF token given or not."""
    per_field = {name: values(valid) for name, valid in fields.items()}
    per_field["csrf_token"] = st.one_of(st.just([token]), st.just([]), values("x" + token))
    return st.fixed_dictionaries(per_field).map(
        lambda chosen: [(name, value) for name, vals in chosen.items() for value in vals]
    )


def encoded(pairs):
    """Return a urlencoded body; lone surrogates go out as the invalid UTF-8 they make."""
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def post(client, path, pairs):
    """POST a form body as a browser would send it; return the response."""
    return client.post(path, data=encoded(pairs), content_type="application/x-www-form-urlencoded")


def sent_good_token(pairs, token):
    """Return True when the body carries the session's CSRF token as its only token."""
    return [value for name, value in pairs if name == "csrf_token"] == [token]


@pytest.fixture
def roomy_limits(app):
    """Let one address post as often as a fuzzer does."""
    app.config["SIGNUP_RATE_LIMIT"] = "100000 per minute"
    app.config["EMAIL_RATE_LIMIT"] = "100000 per minute"
    app.config["PARTICIPANT_RATE_LIMIT"] = "100000 per minute"
    return app


def _signup_fields():
    """Return the sign-up form's fields with a valid value for each."""
    fields = {name: FORM.get(name) or "" for name in TEXT_FIELDS}
    fields.update({name: choices[0] for name, choices in CHOICE_FIELDS.items()})
    fields["consent"] = "yes"
    return fields


@pytest.mark.sqlite_only
def test_the_sign_up_form_refuses_or_stores_cleanly_whatever_is_posted(
    app, client, board, roomy_limits
):
    token = csrf_token(client)

    @budget(120)
    @given(pairs=form_pairs(_signup_fields(), token))
    def check(pairs):
        """One hostile sign-up."""
        before = state(app, board)
        answer = post(client, "/signup", pairs)
        assert answer.status_code in (200, 400, 413), answer.status_code
        after = state(app, board)
        if answer.status_code != 200 or not sent_good_token(pairs, token):
            assert after == before
        else:
            assert len(after[0]["people"]) - len(before[0]["people"]) in (0, 1)
            assert after[1] == before[1]  # the card is made later, by the worker
        for person in after[0]["people"]:
            assert all(_clean(value) for value in person if isinstance(value, str))

    check()


def _clean(text):
    """Return True when stored text has no NUL, control or bidi-override characters."""
    return not any(ch < " " or ch in "\x7f\u202a\u202b\u202c\u202d\u202e" for ch in text)


class Participant:
    """A participant drawn into a round, with a signed link of each purpose."""

    def __init__(self, app, sandbox):
        ids = add_people(app, sandbox, 2)
        with app.app_context():
            round_, _ = confirm_round(current_programme(), 12345)
            self.person_id, self.round_id = ids[0], round_.id
            self.tokens = {
                "manage": make_token(ids[0], "manage"),
                "output": make_token(ids[0], "output", r=round_.id),
                "checkin": make_token(ids[0], "checkin", r=round_.id, a="met"),
            }
            db.session.remove()


PAGES = {
    # page: (token purpose, the fields its form has, with a valid value)
    "details": ("manage", {**{n: FORM[n] for n in TEXT_FIELDS[:-1] if n != "email"}}),
    "pause": ("manage", {"until-day": "1", "until-month": "1", "until-year": "2099"}),
    "resume": ("manage", {}),
    "skip": ("manage", {"skip": "yes"}),
    "leave": ("manage", {}),
    "output": ("output", {"url": "https://example.org/weeknote"}),
    "checkin": ("checkin", {"learned": "A lot", "challenged": "3", "new_connection": "yes"}),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_participants_page_refuses_hostile_posts_and_changes_nothing(
    app, client, board, roomy_limits, page
):
    participant = Participant(app, board)
    purpose, fields = PAGES[page]
    path = f"/me/{participant.tokens[purpose]}/{page}"
    token = csrf_token(client)

    @budget(25)
    @given(pairs=form_pairs(fields, token))
    def check(pairs):
        """One hostile post to the page; leaving is only ever tried without the form token."""
        if page == "leave" and sent_good_token(pairs, token):
            return
        before = state(app, board)
        answer = post(client, path, pairs)
        assert answer.status_code in (200, 302, 400, 413), answer.status_code
        if answer.status_code >= 400 or not sent_good_token(pairs, token):
            assert state(app, board) == before

    check()


def tampered(token):
    """Return a strategy for a token with one character changed, removed or added."""
    spots = st.integers(0, len(token) - 1)
    characters = st.sampled_from("AZaz09-_.~%\x00é")
    return st.one_of(
        st.tuples(spots, characters).map(lambda s: token[: s[0]] + s[1] + token[s[0] + 1 :]),
        spots.map(lambda i: token[:i] + token[i + 1 :]),
        st.tuples(spots, characters).map(lambda s: token[: s[0]] + s[1] + token[s[0] :]),
    )


@pytest.mark.sqlite_only
def test_random_and_tampered_link_tokens_open_nothing_and_change_nothing(
    app, client, board, roomy_limits
):
    participant = Participant(app, board)
    manage = participant.tokens["manage"]
    form_token = csrf_token(client)
    tokens = st.one_of(HOSTILE_TEXT, tampered(manage), tampered(participant.tokens["checkin"]))
    pages = st.sampled_from(["", "/details", "/pause", "/skip", "/leave", "/output", "/checkin"])

    @budget(120)
    @given(token=tokens, page=pages, method=st.sampled_from(["GET", "POST"]))
    def check(token, page, method):
        """Open (or post to) a page through a link that was never made."""
        if token in participant.tokens.values():
            return
        before = rows(app)
        path = f"/me/{quote(token, safe='', errors='surrogatepass')}{page}"
        answer = client.open(path, method=method, data={"csrf_token": form_token, "skip": "yes"})
        # 302 is what a page answers once it has acted: never for a link that was never made.
        assert answer.status_code in (200, 308, 400, 404, 405), (token, page, answer.status_code)
        assert rows(app) == before, (token, page, answer.status_code)

    check()


def test_a_nul_in_a_check_in_answer_is_dropped_not_a_500(app, client, board, roomy_limits):
    participant = Participant(app, board)
    path = f"/me/{participant.tokens['checkin']}/checkin"
    body = [("learned", "a\x00b"), ("challenged", "3"), ("csrf_token", csrf_token(client))]
    answer = post(client, path, body)
    assert answer.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(CheckIn.learned)) == "ab"
