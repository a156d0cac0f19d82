"""A seeded history for the report tests, made through the app's own code paths.

People sign up through the form (HTTP) or the sign-up service the form calls, rounds are
confirmed and applied to the sandbox board by the outbox, and check-ins and outputs go
through the follow-up's record_check_in and record_output. Once the last round has closed,
some people attach links to their cards on Trello: signed webhooks record them between rounds.
What was recorded is kept in plain dicts, so the tests can compute every figure on their own.
"""

import random
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import db
from app.followup.checkins import record_check_in
from app.followup.outputs import record_output
from app.models import Person, Round, current_programme, person_by_email
from app.rounds.service import confirm_round
from app.signup import service
from tests.followup_helpers import attach_link
from tests.signup_helpers import post_form, signed_up_and_confirmed
from tests.support import drain, set_up_board

# (organisation, how many people): named once 5 or more of its people take part.
ORGANISATIONS = (
    ("Leeds City Council", 6),
    ("NHS Leeds", 5),
    ("West Yorkshire Police", 3),
    ("Kent Fire and Rescue Service", 3),
    ("Clarion Housing", 3),
    ("Nesta", 3),
    ("Hackney Borough", 3),
)
FIRST = ("Ottoline", "Barnaby", "Leofric", "Perpetua", "Caspian", "Winifred", "Thaddeus")
LAST = ("Quarrender", "Fennimore", "Wintergreen", "Ashcombe", "Veldt", "Marchbanks")
OPTED_IN = "Ottoline Quarrender"
NOT_OPTED_IN = "Barnaby Fennimore"
LEAVER = "Leofric Wintergreen"
START = date.today() - timedelta(days=220)
ROUNDS = 6


@dataclass
class History:
    """What the seeding recorded: people, rounds (as drawn), check-ins and outputs."""

    people: dict = field(default_factory=dict)  # id → {name, email, phone, topics, org, status}
    rounds: list = field(default_factory=list)  # {number, date, groups, sit_out, bent}
    check_ins: dict = field(default_factory=dict)  # (round, id) → (answer, challenged, new)
    learned: list = field(default_factory=list)  # the free text people wrote
    outputs: list = field(default_factory=list)  # (round, id, url, shared_on)
    between: list = field(default_factory=list)  # (id, url, shared_on): outputs between rounds

    def id_of(self, name):
        """Return the id of the person with this name."""
        return next(pid for pid, p in self.people.items() if p["name"] == name)


def _names():
    """Yield distinctive full names that appear nowhere else in the app."""
    for last in LAST:
        for first in FIRST:
            yield f"{first} {last}"


def _sign_up_by_form(app, client, sandbox, name, org, n, credit):
    """Sign up through the HTTP form, with or without the feed opt-in; return the manage path."""
    changes = dict(name=name, email=f"form{n}@example.org", organisation=org)
    changes.update(topics=f"Gardening ledgers {n}", phone=f"020 7946 {n:04d}")
    return signed_up_and_confirmed(
        app, client, sandbox, credit="yes" if credit else None, **changes
    )


def sign_up_by_service(app, name, org, n):
    """Sign up and confirm through the same service functions the form's views call."""
    with app.app_context():
        programme = current_programme()
        details = {
            "full_name": name,
            "email": f"person{n}@example.org",
            "organisation": org,
            "phone": f"+44791100{n:04d}",
            "topics": f"Allotment bylaws {n}",
            "share_channels": ["email"],
            "frequency": "every",
        }
        service.register(programme, details)
        service.confirm(programme, person_by_email(programme, details["email"]))


def seed_people(app, client, sandbox):
    """Sign up 26 people across the organisations; three through the form itself."""
    orgs = [org for org, count in ORGANISATIONS for _ in range(count)]
    names = iter([OPTED_IN, NOT_OPTED_IN, LEAVER])
    manage = {}
    fixed = {OPTED_IN: True, NOT_OPTED_IN: False, LEAVER: True}
    spare = (name for name in _names() if name not in fixed)
    for n, org in enumerate(orgs):
        name = next(names, None)
        if name is not None:
            manage[name] = _sign_up_by_form(app, client, sandbox, name, org, n, fixed[name])
        else:
            sign_up_by_service(app, next(spare), org, n)
    drain(app)
    return manage


def _record_people(app, history):
    """Copy every person's details into the history (names before anyone leaves)."""
    with app.app_context():
        for p in db.session.scalars(select(Person)):
            history.people.setdefault(p.id, {}).update(
                {"org": p.organisation, "status": p.status, "credit": p.credit_name}
            )
            if p.status != "left":
                history.people[p.id].update(
                    {"name": p.full_name, "email": p.email, "phone": p.phone, "topics": p.topics}
                )


def draw_round(app, number):
    """Confirm round `number` on its date and apply it to the board; return its plain record."""
    with app.app_context():
        programme = current_programme()
        round_date = START + timedelta(days=28 * (number - 1))
        round_, created = confirm_round(programme, 9000 + number, today=round_date, close_open=True)
        assert created
        record = {
            "number": round_.number,
            "date": round_.round_date,
            "groups": [tuple(g.person_ids) for g in round_.groups],
            "sit_out": round_.odd_person_id if round_.odd_role == "sit_out" else None,
            "bent": {b["rule"]: len(b["pairs"]) for b in round_.bent},
        }
    drain(app)
    return record


def _follow_up(app, history, record, rng):
    """Record check-ins and outputs for a round the way participants would give them."""
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.number == record["number"]))
        for group in record["groups"]:
            for pid in group:
                _one_person(history, record, round_, db.session.get(Person, pid), rng)
        db.session.commit()
    drain(app)


def _one_person(history, record, round_, person, rng):
    """Maybe check in, maybe share; most people who met answer the two extra questions."""
    number = record["number"]
    # The three people the privacy tests follow meet and share in every round they are in.
    followed = person.full_name in (OPTED_IN, NOT_OPTED_IN, LEAVER)
    if rng.random() < 0.15 and not followed:
        return  # no check-in at all
    answer = "met" if followed else rng.choice(("met", "met", "met", "scheduled", "not_met"))
    challenged = rng.choice((1, 2, 3, 4, 5, None)) if answer == "met" else None
    new = rng.choice((True, True, False, None)) if answer == "met" else None
    learned = f"Quixotic lesson {number}-{person.id}" if answer == "met" else None
    record_check_in(person, round_, answer, learned, challenged, new)
    history.check_ins[(number, person.id)] = (answer, challenged, new)
    if learned:
        history.learned.append(learned)
    if answer == "met" and (followed or rng.random() < 0.6):
        url = f"https://blog.example.net/round-{number}/notes-{person.id}"
        output = record_output(person, round_, url, "attachment")
        shared = datetime.combine(record["date"], datetime.min.time())
        # Shared some days after the round: set as the webhook would have stamped it then.
        output.created_at = shared + timedelta(days=rng.randint(2, 40), hours=9)
        history.outputs.append((number, person.id, url, output.created_at.date()))


def share_between_rounds(app, client, history, others=4):
    """Some of the last round's people attach links to their cards after it closed (by its date,
    weeks past the grace period): the two followed people two links each, others one each."""
    last = sorted(pid for group in history.rounds[-1]["groups"] for pid in group)
    followed = [history.id_of(OPTED_IN), history.id_of(NOT_OPTED_IN)]
    assert set(followed) <= set(last)
    sharers = followed + [pid for pid in last if pid not in followed][:others]
    with app.app_context():
        cards = {pid: db.session.get(Person, pid).trello_card_id for pid in sharers}
    for pid in sharers:
        for n in range(2 if pid in followed else 1):
            url = f"https://weeknotes.example.net/between/{pid}-{n}"
            today = datetime.now(UTC).date()  # the webhook stamps the output now, in UTC
            assert attach_link(app, client, cards[pid], url) == 200
            history.between.append((pid, url, today))
    drain(app)


def prepare_board(app, sandbox):
    """Set up the sandbox board unthrottled, and let many sign-ups come from one address."""
    set_up_board(app, sandbox)
    app.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"


def seed_history(app, client, sandbox, rounds=ROUNDS):
    """Build the whole history: people, rounds with follow-ups, one person leaving."""
    prepare_board(app, sandbox)
    manage = seed_people(app, client, sandbox)
    with app.app_context():
        programme = current_programme()
        # The organisers' settings (the Power-Up's settings page): odd one out sits out; and
        # nobody is paused as quiet, so every round keeps its odd count and the figures stay
        # big enough for the tests to check them in full.
        programme.settings = {
            **(programme.settings or {}),
            "odd": "sit_out",
            "quiet_after_rounds": 0,
        }
        db.session.commit()
    history, rng = History(), random.Random(20151)
    _record_people(app, history)
    for number in range(1, rounds + 1):
        record = draw_round(app, number)
        history.rounds.append(record)
        _follow_up(app, history, record, rng)
        if number == 1:
            assert post_form(client, manage[LEAVER] + "/leave").status_code == 200
    share_between_rounds(app, client, history)
    _record_people(app, history)
    return history


_SEEDED = {}


def _sqlite_path(app):
    """Return the app's SQLite file, or None on another database."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return Path(uri[len("sqlite:///") :]) if uri.startswith("sqlite:///") else None


def _close(app):
    """Close the app's connections, so SQLite folds its write-ahead log into the file."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def history(app, client, sandbox, tmp_path_factory):
    """Six rounds of 26 (then 25) people, with check-ins, outputs, one person who left, and
    outputs shared between rounds after the last.

    Seeding takes tens of seconds, and the report only reads the database: on SQLite the
    seeded file is kept for the session and copied in for later tests.
    """
    path = _sqlite_path(app)
    if path is not None and "sqlite" in _SEEDED:
        _close(app)
        shutil.copy(_SEEDED["sqlite"][0], path)
        return _SEEDED["sqlite"][1]
    seeded = seed_history(app, client, sandbox)
    if path is not None:
        _close(app)
        kept = tmp_path_factory.mktemp("seeded") / "history.sqlite3"
        shutil.copy(path, kept)
        _SEEDED["sqlite"] = (kept, seeded)
    return seeded
