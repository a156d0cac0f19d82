"""A signed link acts for one person and one purpose only: A's links never reach B."""

import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from app.db import db
from app.links import email_fingerprint, make_token
from app.models import Avoidance, CheckIn, OutboxEntry, Output, Person
from tests.followup_helpers import make_round
from tests.signup_helpers import csrf_token, eight_days_on, people

pytestmark = [pytest.mark.usefixtures("board", "roomy")]
PURPOSES = ("confirm", "manage", "output", "checkin", "back", "email_change")
# Which purpose each participant route reads, and the path under the token.
ROUTES = {
    "/signup/confirm/{t}": "confirm",
    "/me/{t}": "manage",
    "/me/{t}/details": "manage",
    "/me/{t}/pause": "manage",
    "/me/{t}/resume": "manage",
    "/me/{t}/skip": "manage",
    "/me/{t}/leave": "manage",
    "/me/{t}/never-pair": "manage",
    "/me/{t}/never-pair/1/remove": "manage",
    "/me/{t}/email": "email_change",
    "/me/{t}/output": "output",
    "/me/{t}/checkin": "checkin",
    "/me/{t}/back": "back",
}
# A refused link answers the problem page (400); a method the route lacks answers 405.
REFUSED = (400, 405)
POST_ONLY = ("resume", "skip", "never-pair", "remove")
# Ways a crafted request could try to name someone else.
NAMING_FIELDS = ("p", "person", "person_id", "id", "token", "card_id", "idCard", "r", "a")


@pytest.fixture
def pair(app, runner, sandbox):
    """Two participants, A and B, paired in a round; return (A's tokens, B's id, B's card)."""
    app.config["PARTICIPANT_RATE_LIMIT"] = "10000 per minute"
    found = make_round(app, runner, sandbox, count=2)
    (a, _), (b, (b_card, _, _)) = found.items()
    return _tokens_for(app, a), b, b_card


def _tokens_for(app, person_id):
    """Return a token of every purpose for one person, about the latest round."""
    from app.models import Round

    with app.app_context():
        round_id = db.session.scalar(select(Round.id).order_by(Round.number.desc()))
        email = db.session.get(Person, person_id).email
        extra = {
            "output": {"r": round_id},
            "checkin": {"r": round_id, "a": "met"},
            "email_change": {"e": f"new-{person_id}@example.net", "o": email_fingerprint(email)},
        }
        tokens = {kind: make_token(person_id, kind, **extra.get(kind, {})) for kind in PURPOSES}
    return {"id": person_id, "round": round_id, **tokens}


def _state_of(app, person_id, card_id):
    """Return what the service holds about one person: row, check-ins, outputs, queued work."""
    row = next(p for p in people(app) if p["id"] == person_id)
    with app.app_context():
        check_ins = db.session.scalars(select(CheckIn).where(CheckIn.person_id == person_id)).all()
        outputs = db.session.scalars(select(Output).where(Output.person_id == person_id)).all()
        avoiding = db.session.scalars(select(Avoidance).where(Avoidance.person_id == person_id))
        avoiding = sorted(entry.email for entry in avoiding)
        queued = [
            (e.operation, e.payload)
            for e in db.session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
            if (e.person_id == person_id or card_id in str(e.payload)) and not _told_partner_left(e)
        ]
    return row, len(check_ins), len(outputs), avoiding, queued


def _told_partner_left(entry):
    """Tell whether an entry is what A's own acts rightly do for B, A's partner: B hears that A
    shared, or that A can no longer meet, and B's card then says the partner left."""
    subject = str((entry.payload or {}).get("subject", ""))
    told = subject.endswith(("can no longer meet", "shared what they learned"))
    return told or entry.operation == "rounds.sync_card"


def _hostile_forms(b, b_card):
    """Return form fields that name B every way a crafted request might."""
    values = {"p": b, "person": b, "person_id": b, "id": b, "card_id": b_card, "idCard": b_card}
    return {field: str(values.get(field, b)) for field in NAMING_FIELDS}


def _act(client, path, naming, page=None):
    """GET path naming B in the query string, then POST a full form naming B in every field."""
    client.get(path, query_string=naming)
    form = {
        **naming,
        "name": "Changed By A",
        "email": "changed-by-a@example.net",
        "address": "someone-a-avoids@example.net",
        "organisation": "A's Org",
        "topics": "t",
        "share": "email",
        "frequency": "every",
        "until-day": "1",
        "until-month": "1",
        "until-year": "2099",
        "url": "https://example.org/a-wrote-this",
        "learned": "x",
        "skip": "yes",
        "csrf_token": csrf_token(client, page or "/signup"),
    }
    return client.post(path, data=form, query_string=naming)


def test_a_links_with_b_named_in_forms_and_queries_act_only_for_a(app, client, pair):
    a, b, b_card = pair
    before = _state_of(app, b, b_card)
    naming = _hostile_forms(b, b_card)
    for template, purpose in ROUTES.items():
        if template.endswith("/leave"):
            continue  # A leaves last, below
        _act(client, template.format(t=a[purpose]), naming)
    assert _state_of(app, b, b_card) == before
    a_row = next(p for p in people(app) if p["id"] == a["id"])
    assert a_row["full_name"] == "Changed By A", "A's own link did act, for A"
    _act(client, f"/me/{a['manage']}/leave", naming)
    assert next(p for p in people(app) if p["id"] == a["id"])["status"] == "left"
    assert _state_of(app, b, b_card)[0] == before[0], "B's row is untouched by A leaving"


def test_a_link_for_one_purpose_opens_no_other_route(app, client, pair):
    a, b, b_card = pair
    before_a, before_b = _state_of(app, a["id"], "-"), _state_of(app, b, b_card)
    naming = _hostile_forms(b, b_card)
    for template, wanted in ROUTES.items():
        for purpose in PURPOSES:
            if purpose == wanted:
                continue
            path = template.format(t=a[purpose])
            assert client.get(path).status_code in REFUSED, path
            assert _act(client, path, naming).status_code in REFUSED, path
    assert _state_of(app, a["id"], "-") == before_a
    assert _state_of(app, b, b_card) == before_b


def _foreign(app, person_id, purpose, **claims):
    """Return a well-formed token for person_id signed with a key this deployment never had."""
    serializer = URLSafeTimedSerializer("not-our-key", salt=f"unmentoring:{purpose}")
    return serializer.dumps({"p": person_id, **claims})


def _spliced(a_token, b_token):
    """Return B's claims under A's timestamp and signature."""
    return b_token.split(".")[0] + "." + ".".join(a_token.split(".")[1:])


def test_forged_spliced_and_expired_links_open_nothing_for_anyone(app, client, pair, monkeypatch):
    a, b, b_card = pair
    b_tokens = _tokens_for(app, b)
    before = _state_of(app, b, b_card)
    naming = _hostile_forms(b, b_card)
    for template, purpose in ROUTES.items():
        claims = {k: v for k, v in (("r", a["round"]), ("a", "met")) if purpose == "checkin"}
        for token in (
            _foreign(app, b, purpose, **claims),
            _spliced(a[purpose], b_tokens[purpose]),
        ):
            path = template.format(t=token)
            assert client.get(path).status_code in REFUSED, path
            assert _act(client, path, naming).status_code in REFUSED, path
    eight_days_on(monkeypatch, days=181)
    for template, purpose in ROUTES.items():
        path = template.format(t=b_tokens[purpose])
        page = (
            client.get(path)
            if path.rsplit("/", 1)[-1] not in POST_ONLY
            else _act(client, path, naming)
        )
        assert page.status_code == 400 and "has expired" in page.get_data(as_text=True), path
        assert _act(client, path, naming).status_code in REFUSED, path
    assert _state_of(app, b, b_card) == before


def test_every_link_in_a_persons_mail_names_that_person_only(app, client, pair, sandbox):
    a, b, _ = pair
    emails = {p["email"]: p["id"] for p in people(app)}
    links = re.compile(
        r"/(?:me|signup/confirm)/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)"
    )
    seen = set()
    for mail in sandbox.mails():
        for token in links.findall(mail["text"]):
            _, claims = URLSafeTimedSerializer("unused").loads_unsafe(token)
            assert claims["p"] == emails[mail["to"]], mail["subject"]
            seen.add(claims["p"])
    assert seen == {a["id"], b}
