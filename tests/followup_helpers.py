"""Helpers for the follow-up's tests: a round on the sandbox board, signed actions, board reads."""

import json
import re
import secrets

from sqlalchemy import func, select

from app.db import db
from app.models import CheckIn, Output, Person, Round, current_programme
from tests.round_helpers import add_people
from tests.support import drain, post_signed
from trello_sandbox import constants

NORMAL = constants.NORMAL_MEMBER_ID
_LINK = re.compile(r"https?://\S+/me/([A-Za-z0-9_.\-]+)/(checkin|output)")


def make_round(app, runner, sandbox, count=4, seed="5"):
    """Add people, draw and apply a round, send the introductions; return {id: Person data}."""
    add_people(app, sandbox, count)
    result = runner.invoke(args=["pair", "--seed", seed])
    assert result.exit_code == 0, result.output
    drain(app)
    return pairs(app)


def pairs(app):
    """Return {person id: (card id, email, [partner ids])} for the latest round."""
    with app.app_context():
        round_ = db.session.scalar(select(Round).order_by(Round.number.desc()))
        found = {}
        for group in round_.groups:
            for pid in group.person_ids:
                person = db.session.get(Person, pid)
                others = [other for other in group.person_ids if other != pid]
                found[pid] = (person.trello_card_id, person.email, others)
        return found


def action(kind, card_id, **data):
    """Return a Trello-shaped action on the sandbox board (new id each time)."""
    return {
        "id": secrets.token_hex(12),
        "idMemberCreator": NORMAL,
        "type": kind,
        "date": "2026-11-26T12:00:00.000Z",
        "data": {
            "card": {"id": card_id, "name": "x"},
            "board": {"id": constants.BOARD_ID, "name": constants.BOARD_NAME},
            **data,
        },
    }


def delivery(act):
    """Return the exact bytes of a delivery of one action."""
    return json.dumps({"action": act, "model": {"id": constants.BOARD_ID}}).encode()


def attach_link(app, client, card_id, url):
    """Deliver, signed as Trello signs it, someone attaching a link to a card; return the status."""
    act = action(
        "addAttachmentToCard", card_id, attachment={"id": secrets.token_hex(12), "url": url}
    )
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    return post_signed(client, delivery(act), app.config["TRELLO_API_SECRET"], callback).status_code


def outputs(app):
    """Return {(person id, url, source)} recorded so far."""
    with app.app_context():
        rows = db.session.scalars(select(Output))
        return {(o.person_id, o.url, o.source) for o in rows}


def count(app, model):
    """Count the rows of a model."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def check_ins(app):
    """Return {person id: answer} of every check-in."""
    with app.app_context():
        return {c.person_id: c.answer for c in db.session.scalars(select(CheckIn))}


def lists_of(sandbox):
    """Return {card id: list name} for the open cards, and {card id: card} of the same."""
    state = sandbox.api(
        "GET",
        f"/boards/{sandbox.board_id}",
        params={"lists": "open", "cards": "open"},
    ).json()
    names = {item["id"]: item["name"] for item in state["lists"]}
    return {c["id"]: names[c["idList"]] for c in state["cards"]}, {
        c["id"]: c for c in state["cards"]
    }


def round_card(app, sandbox):
    """Return the latest round's card on the board."""
    with app.app_context():
        card_id = db.session.scalar(select(Round.round_card_id).order_by(Round.number.desc()))
    return sandbox.api("GET", f"/cards/{card_id}").json()


def followup_links(mail):
    """Return {'output': path, 'We met': path, ...}: a mail's check-in and output links by kind."""
    found = {}
    for line in mail["text"].splitlines():
        match = _LINK.search(line)
        if match:
            kind = match.group(2)
            key = kind if kind == "output" else line.split(":", 1)[0].strip()
            found[key] = f"/me/{match.group(1)}/{kind}"
    return found


def programme_lists(app):
    """Return the board's list ids by key."""
    with app.app_context():
        return dict(current_programme().settings["lists"])
