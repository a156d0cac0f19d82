"""Webhook actions that close the loop: real captured payloads replayed, signed, in any order."""

import pytest
from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry, Output
from tests.followup_helpers import (
    action,
    count,
    delivery,
    lists_of,
    make_round,
    outputs,
    programme_lists,
    round_card,
)
from tests.support import board_id_of, drain, payload_bytes, post_signed

pytestmark = pytest.mark.usefixtures("board")
UPLOAD = (
    "https://trello.com/1/cards/63d387e699609c7f4bf0e0ce/attachments/"
    "63e2b77d5033cd7812bc7a73/download/06_15_13_07.png"
)
BLOG = "https://blog.example.org/what-i-learned"


def _post(app, client, body):
    """Deliver exact bytes, signed as Trello signs them; return the status."""
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    return post_signed(client, body, app.config["TRELLO_API_SECRET"], callback).status_code


def _attachment(app, card_id, url):
    """The captured attachment delivery, moved onto a sandbox card, its upload swapped for url."""
    name = "addAttachmentToCard_upload.json"
    return payload_bytes(
        name,
        {
            UPLOAD: url,
            "63d387e699609c7f4bf0e0ce": card_id,
            board_id_of(name): app.config["TRELLO_BOARD_ID"],
        },
    )


def _comment(app, card_id, text):
    """The captured comment action on a sandbox card with new text, wrapped as a delivery."""
    name = "commentCard_action_only.json"
    body = payload_bytes(
        name,
        {
            '"aaaaa"': f'"{text}"',
            "627bc1e708099f5b7124c099": card_id,
            board_id_of(name): app.config["TRELLO_BOARD_ID"],
        },
    )
    return b'{"action": ' + body + b', "model": {}, "webhook": {}}'


def test_an_attached_external_link_is_an_output_and_the_card_moves_to_shared(
    app, client, runner, sandbox
):
    people = make_round(app, runner, sandbox)
    pid, (card_id, _, partners) = next(iter(people.items()))
    assert _post(app, client, _attachment(app, card_id, BLOG)) == 200
    assert outputs(app) == {(pid, BLOG, "attachment")}
    drain(app)
    lists, cards = lists_of(sandbox)
    assert lists[card_id] == "Shared" and f"Shared: {BLOG}" in cards[card_id]["desc"]
    partner_mail = [m for m in sandbox.mails() if m["to"] == people[partners[0]][1]][0]
    assert f"round 1, shared what they learned: {BLOG} — add yours" in partner_mail["text"]
    assert "/output" in partner_mail["text"]
    assert "Progress: 1 of 4 shared" in round_card(app, sandbox)["desc"]


def test_a_comment_with_a_link_is_an_output_and_the_same_link_twice_counts_once(
    app, client, runner, sandbox
):
    people = make_round(app, runner, sandbox)
    pid, (card_id, _, _) = next(iter(people.items()))
    assert _post(app, client, _comment(app, card_id, f"Wrote it up: {BLOG}.")) == 200
    assert _post(app, client, _attachment(app, card_id, BLOG)) == 200
    assert outputs(app) == {(pid, BLOG, "comment")}
    drain(app)
    assert lists_of(sandbox)[0][card_id] == "Shared"


def test_trello_links_descriptions_and_other_actions_are_not_outputs(app, client, runner, sandbox):
    people = make_round(app, runner, sandbox)
    card_id = next(iter(people.values()))[0]
    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(OutboxEntry))
    # The capture as it is: an upload on Trello's own host.
    assert _post(app, client, _attachment(app, card_id, UPLOAD)) == 200
    assert _post(app, client, _comment(app, card_id, "see https://trello.com/c/abcd1234")) == 200
    desc = payload_bytes(
        "updateCard_desc.json",
        {
            "some new description": f"My post: {BLOG}",
            "63d387e699609c7f4bf0e0ce": card_id,
            board_id_of("updateCard_desc.json"): app.config["TRELLO_BOARD_ID"],
        },
    )
    created = payload_bytes(
        "createCard.json",
        {
            "5f7073311f0aab7e1c3dd44b": card_id,
            board_id_of("createCard.json"): app.config["TRELLO_BOARD_ID"],
        },
    )
    for body in (desc, created):
        assert _post(app, client, body) == 200
    assert count(app, Output) == 0
    with app.app_context():
        after = db.session.scalar(select(db.func.count()).select_from(OutboxEntry))
    assert after == before


@pytest.mark.parametrize("order", ["once in order", "each twice", "reversed"])
def test_repeated_and_reordered_deliveries_reach_the_same_final_state(
    app, client, runner, sandbox, order
):
    people = make_round(app, runner, sandbox)
    (a, (card_a, _, _)), (b, (card_b, _, _)) = list(people.items())[:2]
    lists = programme_lists(app)
    moved = action(
        "updateCard",
        card_b,
        listBefore={"id": lists["matched"], "name": "Matched"},
        listAfter={"id": lists["paused"], "name": "Paused"},
        old={"idList": lists["matched"]},
    )
    bodies = [
        delivery(action("addAttachmentToCard", card_a, attachment={"id": "1" * 24, "url": BLOG})),
        delivery(
            action("commentCard", card_a, text=f"and again {BLOG} and https://x.example.com/2")
        ),
        delivery(moved),
    ]
    sent = {
        "once in order": bodies,
        "each twice": [b for body in bodies for b in (body, body)],
        "reversed": bodies[::-1],
    }[order]
    for body in sent:
        assert _post(app, client, body) == 200
    drain(app)
    assert {url for _, url, _ in outputs(app)} == {BLOG, "https://x.example.com/2"}
    on_board, cards = lists_of(sandbox)
    assert len(outputs(app)) == 2
    # The move itself is the organiser's: the card stays where they put it; the person pauses.
    assert on_board[card_a] == "Shared" and on_board[card_b] == "Matched"
    assert cards[card_a]["desc"].count("Shared: ") == 2
    assert "Progress: 1 of 4 shared" in round_card(app, sandbox)["desc"]
    from app.models import Person

    with app.app_context():
        assert db.session.get(Person, b).status == "paused"
