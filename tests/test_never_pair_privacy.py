"""A "never pair me with" entry is seen by its owner alone: after a round drawn through the
Power-Up, neither the address listed nor the fact of the rule shows on any other page, in any
Power-Up answer, on any Trello card, in any log line or in any mail."""

import json
import logging
import re

import pytest
from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry
from tests.participant_helpers import add_person, card_of, manage_path, share_on_card
from tests.signup_helpers import post_form
from tests.support import drain_until_done
from trello_sandbox import constants

pytestmark = [pytest.mark.usefixtures("roomy")]
LISTED = "carys.listed@privacy-test.example"  # a participant's address, on Ada's list
OUTSIDER = "not.signed.up@privacy-test.example"  # an address nobody here has
NORMAL, OBSERVER = constants.NORMAL_MEMBER_ID, constants.OBSERVER_MEMBER_ID
PEOPLE = [
    {
        "full_name": "Ada Lister",
        "email": "ada.lister@privacy-test.example",
        "organisation": "Camden",
    },
    {"full_name": "Bryn Other", "email": "bryn@privacy-test.example", "organisation": "Kent"},
    # Carys shares only her telephone number, so her address goes to no partner either.
    {
        "full_name": "Carys Listed",
        "email": LISTED,
        "organisation": "Wigan",
        "share_channels": ["phone"],
    },
    {"full_name": "Dai Fourth", "email": "dai@privacy-test.example", "organisation": "Bristol"},
]
# What changes from one request to the next whatever the data: signed links (they carry the
# time), form tokens, script nonces, and the times feeds and files are made.
_VOLATILE = [
    (re.compile(r"/me/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"), "/me/TOKEN"),
    (re.compile(r'name="csrf_token" value="[^"]+"'), "csrf"),
    (re.compile(r'nonce="[^"]+"'), "nonce"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "TIME"),
]


def _bearer(sandbox, member):
    """Return the header a Power-Up call from a board member carries."""
    return {"Authorization": f"Bearer {sandbox.jwt(member)}"}


def _draw_through_the_power_up(app, client, sandbox):
    """Preview and make a round as an organiser does from the board button; return the preview."""
    headers = _bearer(sandbox, NORMAL)
    preview = client.get("/api/rounds/preview", headers=headers)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    body = {"seed": preview.get_json()["seed"], "pool_hash": preview.get_json()["pool_hash"]}
    made = client.post("/api/rounds", json=body, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    drain_until_done(app)
    return preview.get_data(as_text=True)


def _pages(app, client, sandbox, ids):
    """Return {what: text} of every page and Power-Up answer anyone but Ada could see."""
    seen = {}
    for pid in ids[1:]:
        seen[f"/me page of {pid}"] = client.get(manage_path(app, pid)).get_data(as_text=True)
    for path in ("/", "/privacy", "/report", "/report.csv", "/report.json", "/outputs.atom"):
        seen[path] = client.get(path).get_data(as_text=True)
    for member in (NORMAL, OBSERVER):
        headers = _bearer(sandbox, member)
        paths = [f"/api/boards/{sandbox.board_id}/cards", "/api/rounds/1", "/api/settings"]
        paths += [f"/api/cards/{card_of(app, pid)}" for pid in ids]
        for path in paths:
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, path
            seen[f"{path} as {member}"] = answer.get_data(as_text=True)
    return seen


def _board_text(sandbox):
    """Return everything the board holds: every card (archived too), list, label and action,
    and every card's attachments."""
    board = sandbox.board_id
    parts = [
        sandbox.api("GET", f"/boards/{board}/cards/all").json(),
        sandbox.api("GET", f"/boards/{board}/lists", params={"filter": "all"}).json(),
        sandbox.api("GET", f"/boards/{board}/labels").json(),
        sandbox.api("GET", f"/boards/{board}/actions", params={"limit": 1000}).json(),
    ]
    parts += [sandbox.api("GET", f"/cards/{c['id']}/attachments").json() for c in parts[0]]
    assert len(parts[0]) >= len(PEOPLE) + 1, "the participants' cards and the round's card"
    return json.dumps(parts, ensure_ascii=False)


def _steady(text):
    """Return text with what changes between any two requests made the same."""
    for pattern, same in _VOLATILE:
        text = pattern.sub(same, text)
    return text


def test_an_entry_shows_on_no_page_card_log_or_mail_and_changes_nothing_anyone_sees(
    app, client, board, caplog
):
    caplog.set_level(logging.DEBUG)
    ids = [add_person(app, board, **person) for person in PEOPLE]
    ada, carys = ids[0], ids[2]
    ada_page, ada_browser = manage_path(app, ada), app.test_client()  # her own browser
    for address in (LISTED.upper(), OUTSIDER):
        added = post_form(ada_browser, ada_page + "/never-pair", page=ada_page, address=address)
        assert added.status_code == 302
    assert LISTED in ada_browser.get(ada_page).get_data(as_text=True), "Ada sees her own list"

    preview = _draw_through_the_power_up(app, client, board)
    share_on_card(app, client, ids[1], "https://weeknotes.example.org/bryn-met-someone")
    with_rule = _pages(app, client, board, ids)

    # Where Carys's address is hers to see: her own page, and her card's contact details, which
    # organisers who edit the board see. Nowhere else; and Ada's other entry nowhere at all.
    own = {f"/me page of {carys}", f"/api/cards/{card_of(app, carys)} as {NORMAL}"}
    for what, text in {**with_rule, "the preview": preview}.items():
        assert OUTSIDER not in text, what
        assert what in own or LISTED not in text, what
    assert LISTED not in _board_text(board) and OUTSIDER not in _board_text(board)
    logged = "\n".join(logging.Formatter().format(record) for record in caplog.records)
    assert LISTED not in logged and OUTSIDER not in logged
    with app.app_context():
        entries = db.session.scalars(
            select(OutboxEntry).where(OutboxEntry.operation == "mail.send")
        )
        mails = [entry.payload for entry in entries]
    # The introductions and the note to Bryn's partner that Bryn shared: no mail about the rule.
    assert {m["subject"].split(":")[0] for m in mails} == {"UnMentoring round 1"}
    for mail in mails + board.mails():
        written = json.dumps({k: v for k, v in mail.items() if k != "to"}, ensure_ascii=False)
        assert LISTED not in written and OUTSIDER not in written
        assert mail["to"] != OUTSIDER

    # The fact of the rule: with the entries gone, everyone else sees exactly the same.
    page = ada_browser.get(ada_page).get_data(as_text=True)
    for remove in re.findall(r'action="(/me/[^"]+/never-pair/\d+/remove)"', page):
        assert post_form(ada_browser, remove, page=ada_page).status_code == 302
    without_rule = _pages(app, client, board, ids)
    assert {k: _steady(v) for k, v in without_rule.items()} == {
        k: _steady(v) for k, v in with_rule.items()
    }
