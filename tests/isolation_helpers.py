"""Two programmes side by side, for the isolation tests: people signed up and confirmed on each
board's own pages (one address in both), a round drawn and followed up on each, and the
database read table by table, so that a test can tell that nothing of a programme changed."""

import json
import re
import secrets
from dataclasses import dataclass, field

import requests
from sqlalchemy import select

from app.db import db
from app.links import (
    back_url,
    checkin_urls,
    confirm_email_url,
    confirm_url,
    leave_url,
    manage_url,
    output_url,
)
from app.models import Organisation, Person, Programme, Round
from tests.programme_helpers import second_programme
from tests.signup_helpers import FORM, csrf_token, post_form
from tests.support import drain_until_done, post_signed, set_up_board

SLUG = "second"
SAM = "sam.both@example.org"  # takes part in both programmes, a separate participation each
# (name, address, organisation) of who signs up where. B draws three pairs, A two, so each
# programme's figures tell it apart from the other's.
PEOPLE = {
    "A": [
        ("Alma Ash", "alma@a.example.org", "Ashford Borough Council"),
        ("Arlo Avon", "arlo@a.example.org", "Avon Fire Authority"),
        ("Aria Amber", "aria@a.example.org", "Ashford Borough Council"),
        ("Sam Both", SAM, "Shared Digital"),
    ],
    "B": [
        ("Bea Birch", "bea@b.example.org", "Bolton Council"),
        ("Ben Bay", "ben@b.example.org", "Bury Council"),
        ("Bo Brook", "bo@b.example.org", "Bolton Council"),
        ("Bex Bell", "bex@b.example.org", "Bury Council"),
        ("Bram Bold", "bram@b.example.org", "Bolton Council"),
        ("Sam Both", SAM, "Shared Digital"),
    ],
}
OUTPUT = {"A": "https://a.example.org/weeknotes/ours", "B": "https://b.example.org/blog/ours"}
_URL = re.compile(r"https?://[^\s/]+(/[^\s>)\"]*)")


@dataclass
class Side:
    """One programme as the tests see it: its ids, its board, its people and their links."""

    name: str
    programme_id: int
    board_id: str
    prefix: str
    people: dict = field(default_factory=dict)  # address -> person id
    cards: dict = field(default_factory=dict)  # address -> card id
    round_id: int = 0
    round_card_id: str = ""
    organisations: dict = field(default_factory=dict)  # name -> organisation id
    lists: dict = field(default_factory=dict)  # list key -> list id
    links: dict = field(default_factory=dict)  # address -> {kind: path}


def sign_up_and_confirm(app, client, sandbox, prefix, name, email, organisation):
    """Sign up on a programme's page, open the mailed confirmation link and confirm."""
    data = {**FORM, "name": name, "email": email, "organisation": organisation}
    data["csrf_token"] = csrf_token(client, f"{prefix}/signup")
    answer = client.post(f"{prefix}/signup", data=data)
    assert answer.status_code in (200, 302, 303), answer.get_data(as_text=True)[:300]
    drain_until_done(app)
    confirm = [p for p in mailed_paths(sandbox, email) if p.startswith(f"{prefix}/signup/confirm/")]
    assert confirm, f"no confirmation link under {prefix or '/'} for {email}"
    assert post_form(client, confirm[-1]).status_code == 200
    drain_until_done(app)


def mailed_paths(sandbox, email):
    """Return the paths of every link mailed to an address, oldest mail first."""
    mails = [m for m in reversed(sandbox.mails()) if m["to"] == email]
    return [path for mail in mails for path in _URL.findall(mail["text"])]


def two_programmes(app, client, runner, sandbox):
    """Set up the first board and a second one, sign people up on each, draw a round on each,
    record a check-in and an output on each; return {"A": Side, "B": Side}."""
    app.config.update(
        SIGNUP_RATE_LIMIT="1000 per minute",
        EMAIL_RATE_LIMIT="1000 per minute",
        PARTICIPANT_RATE_LIMIT="1000 per minute",
    )
    set_up_board(app, sandbox)
    board, _token, second_id = second_programme(app, sandbox, slug=SLUG, webhook=False)
    with app.app_context():
        first = db.session.scalar(select(Programme).where(Programme.slug.is_(None)))
        sides = {
            "A": Side("A", first.id, first.trello_board_id, ""),
            "B": Side("B", second_id, board["id"], f"/p/{SLUG}"),
        }
    for key, side in sides.items():
        for name, email, organisation in PEOPLE[key]:
            sign_up_and_confirm(app, client, sandbox, side.prefix, name, email, organisation)
    for args in (["pair", "--seed", "5"], ["pair", "--programme", SLUG, "--seed", "5"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    drain_until_done(app)
    for side in sides.values():
        _read_side(app, side)
        _follow_up(app, client, side)
    drain_until_done(app)
    return sides


def _read_side(app, side):
    """Fill in a side's people, cards, round, organisations, lists and personal links."""
    with app.app_context():
        programme = db.session.get(Programme, side.programme_id)
        side.lists = dict(programme.settings["lists"])
        people = db.session.scalars(select(Person).where(Person.programme_id == side.programme_id))
        round_ = db.session.scalar(select(Round).where(Round.programme_id == side.programme_id))
        side.round_id, side.round_card_id = round_.id, round_.round_card_id
        for person in people:
            side.people[person.email] = person.id
            side.cards[person.email] = person.trello_card_id
            side.links[person.email] = _links_of(app, person, round_)
        orgs = db.session.scalars(
            select(Organisation).where(Organisation.programme_id == side.programme_id)
        )
        side.organisations = {org.name: org.id for org in orgs}
    assert all(side.cards.values()) and side.round_card_id


def _links_of(app, person, round_):
    """Return {kind: path} of every personal link the person may be sent."""
    base = len(app.config["PUBLIC_URL"])
    urls = {
        "manage": manage_url(person),
        "leave": leave_url(person),
        "confirm": confirm_url(person),
        "back": back_url(person),
        "output": output_url(person, round_),
        "checkin": checkin_urls(person, round_)["met"],
        "email": confirm_email_url(person, f"new.{person.id}@example.org"),
    }
    return {kind: url[base:] for kind, url in urls.items()}


def _follow_up(app, client, side):
    """One person of the side says they met and shares a link, through their mailed links."""
    email = PEOPLE[side.name][0][1]
    links = side.links[email]
    assert client.get(links["checkin"]).status_code == 200
    assert post_form(client, links["output"], url=OUTPUT[side.name]).status_code == 200


def snapshot(app):
    """Return {table: sorted rows} of every table, read afresh."""
    with app.app_context():
        db.session.remove()
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in db.session.execute(select(table))), key=str
            )
            for table in db.metadata.sorted_tables
        }


def changed_tables(before, after):
    """Return {table: (rows gone, rows new)} of the tables that differ."""
    found = {}
    for name in before:
        gone = [row for row in before[name] if row not in after[name]]
        new = [row for row in after[name] if row not in before[name]]
        if gone or new:
            found[name] = (gone, new)
    return found


def rows_of(app, programme_id):
    """Return every row that belongs to one programme, by table: its own row, and the rows of
    every table that says its programme, or whose round or group is the programme's."""
    with app.app_context():
        db.session.remove()
        tables = {t.name: t for t in db.metadata.sorted_tables}
        found = {}
        for name, table in tables.items():
            if "programme_id" in table.c:
                query = select(table).where(table.c.programme_id == programme_id)
            elif name == "programmes":
                query = select(table).where(table.c.id == programme_id)
            else:
                query = _through_round(tables, table, programme_id)
            found[name] = sorted((tuple(map(repr, r)) for r in db.session.execute(query)), key=str)
        return found


def _through_round(tables, table, programme_id):
    """Return the query for a table's rows whose group's round is the programme's."""
    rounds = select(tables["rounds"].c.id).where(tables["rounds"].c.programme_id == programme_id)
    groups = select(tables["groups"].c.id).where(tables["groups"].c.round_id.in_(rounds))
    if "round_id" in table.c:
        return select(table).where(table.c.round_id.in_(rounds))
    assert "group_id" in table.c, f"{table.name}: say which programme its rows belong to"
    return select(table).where(table.c.group_id.in_(groups))


def action(kind, board_id, card_id, **data):
    """Return a Trello-shaped action on a board (a new id each time)."""
    return {
        "id": secrets.token_hex(12),
        "idMemberCreator": "5a4db0a4d000000000000a02",
        "type": kind,
        "date": "2026-11-26T12:00:00.000Z",
        "data": {"card": {"id": card_id, "name": "x"}, "board": {"id": board_id}, **data},
    }


def deliver(app, client, act):
    """Deliver one action as Trello does, its exact bytes signed; return the status."""
    body = json.dumps({"action": act, "model": {"id": act["data"]["board"]["id"]}}).encode()
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    return post_signed(client, body, app.config["TRELLO_API_SECRET"], callback).status_code


def board_view(sandbox, board_id):
    """Return every card on a sandbox board, open or archived, as the board page has them
    (with their descriptions, attachments and comments)."""
    view = requests.get(
        f"{sandbox.url}/sandbox/board.json", params={"board": board_id}, timeout=10
    ).json()
    return [card for lst in view["lists"] for card in lst["cards"]] + view["archived"]


def board_cards(sandbox, board_id):
    """Return the names of the open cards on a sandbox board."""
    return {card["name"] for card in board_view(sandbox, board_id) if not card["closed"]}
