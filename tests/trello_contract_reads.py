"""For each recorded Trello answer: the gateway call the app makes for it, the request that call
must send, and what the app then reads from the result (key paths, `[]` for every item, and
the JSON type each must have)."""

import re
from dataclasses import dataclass

from tests.json_shapes import type_name
from tests.recorded_trello import recorded

BOARD, ID = "63d128787441d05619f44dbe", "5a4db0a4d000000000000c01"
CARD = {"id": "string", "name": "string", "desc": "string", "closed": "boolean"}
CARD |= {"idList": "string"}
BOARD_STATE = {f"lists[].{key}": kind for key, kind in (("id", "string"), ("closed", "boolean"))}
BOARD_STATE |= {f"cards[].{key}": kind for key, kind in CARD.items()}
BOARD_STATE |= {"cards[].pos": "number", "cards[].idLabels[]": "string"}
BOARD_STATE |= {"cards[].shortUrl": "string", "cards[].attachments[].url": "string"}
EXPORT = {**BOARD_STATE, "labels[].id": "string", "labels[].name": "string"}
EXPORT |= {f"memberships[].{key}": "string" for key in ("idMember", "memberType")}
EXPORT |= {"memberships[].deactivated": "boolean", "actions[].id": "string"}
EXPORT |= {"actions[].type": "string", "actions[].data.board.id": "string"}
HOOKS = {"[].id": "string", "[].callbackURL": "string", "[].idModel": "string"}
HOOKS |= {"[].active": "boolean"}


@dataclass
class Read:
    """A gateway call the app makes, the request it must send, and what the app reads back."""

    call: object  # gateway -> result
    method: str
    path: str
    reads: dict


def _find_first(gateway):
    """Look a card up in a list as the gateway does after a lost create, by the first's name."""
    first = recorded("GET_lists_id_cards__AdilSharif5-video-generator.json")[0]
    return gateway.find_card(ID, first["name"], first["desc"], since=0)


CARDS = Read(lambda g: g.cards(), "GET", f"/1/boards/{BOARD}/cards/open", {"[].id": "string"})
ONE_CARD = Read(lambda g: g.card(ID), "GET", f"/1/cards/{ID}", CARD)
BOARD_READ = Read(lambda g: g.board_state(), "GET", f"/1/boards/{BOARD}", BOARD_STATE)
NEW_CARD = Read(
    lambda g: g.create_card(ID, "Ada · Engines", desc="Email: a@e.org"),
    "POST",
    "/1/cards",
    {"id": "string", "shortUrl": "string"},
)
READS = {
    "GET_cards_id__rwjdk-TrelloDotNet.json": ONE_CARD,
    "GET_cards_id__rwjdk-TrelloDotNet-2.json": ONE_CARD,
    "GET_cards_id__adlio-trello.json": ONE_CARD,
    "GET_boards_id_cards__a-straube-dashboard.json": CARDS,
    "GET_boards_id_cards__rwjdk-TrelloDotNet.json": CARDS,
    "GET_boards_id_cards__gmoraita.json": CARDS,
    "GET_boards_id_cards_fields-subset__ToucanToco.json": CARDS,
    "GET_lists_id_cards__AdilSharif5-video-generator.json": Read(
        _find_first, "GET", f"/1/lists/{ID}/cards", {"id": "string", "desc": "string"}
    ),
    "GET_boards_id__rwjdk-TrelloDotNet.json": Read(
        lambda g: g.board_state(), "GET", f"/1/boards/{BOARD}", {"id": "string"}
    ),
    "GET_boards_id_with_cards_lists__alphagov-trello-tracker.json": BOARD_READ,
    # The web client's own board load, which the app never asks for: still, it reads the same.
    "GET_boards_id_with_cards_lists_members__alphagov-trello-tracker.json": BOARD_READ,
    "GET_boards_id_full_export__SengitU.json": Read(
        lambda g: g.board_state(), "GET", f"/1/boards/{BOARD}", EXPORT
    ),
    "GET_members_me__DanielZhu.json": Read(
        lambda g: g.me(), "GET", "/1/members/me", {"id": "string"}
    ),
    "GET_boards_id_lists__rwjdk-TrelloDotNet.json": Read(
        lambda g: g.lists("all"),
        "GET",
        f"/1/boards/{BOARD}/lists",
        {"[].id": "string", "[].name": "string", "[].closed": "boolean"},
    ),
    "GET_boards_id_labels__rwjdk-TrelloDotNet.json": Read(
        lambda g: g.labels(), "GET", f"/1/boards/{BOARD}/labels", {"[].id": "string"}
    ),
    "POST_cards__lea-tech-nan-spacex.json": NEW_CARD,
    "POST_cards__adlio-trello.json": NEW_CARD,
    "POST_cards_id_actions_comments__rwjdk-TrelloDotNet.json": Read(
        lambda g: g.comment(ID, "We met"),
        "POST",
        f"/1/cards/{ID}/actions/comments",
        {"id": "string", "data.text": "string", "data.card.id": "string"},
    ),
    "POST_cards_id_attachments__adlio-trello.json": Read(
        lambda g: g.attach_url(ID, "https://example.org/p"),
        "POST",
        f"/1/cards/{ID}/attachments",
        {"id": "string", "url": "string"},
    ),
    "GET_tokens_token_webhooks__rwjdk-TrelloDotNet.json": Read(
        lambda g: g.webhooks(), "GET", "/1/tokens/recorded-token/webhooks", HOOKS
    ),
    "POST_tokens_token_webhooks__Hamza-crypto.json": Read(
        lambda g: [g.create_webhook("https://unmentoring.example/webhooks/trello", "UnMentoring")],
        "POST",
        "/1/webhooks",  # POST /1/webhooks answers the same object (SOURCES.md)
        HOOKS,
    ),
    "DELETE_webhooks_id__adlio-trello.json": Read(
        lambda g: g.delete_webhook(ID), "DELETE", f"/1/webhooks/{ID}", {}
    ),
}


def unread(result, reads):
    """Return what the app could not read from a result: keys missing, values of another type."""
    problems = set()
    for path, kind in reads.items():
        try:
            found = _values(result, path)
        except (KeyError, TypeError):
            problems.add(f"{path}: missing")
            continue
        problems |= {f"{path}: {type_name(v)}, not {kind}" for v in found if type_name(v) != kind}
    return sorted(problems)


def _values(value, path):
    """Return the values at a key path, `[]` stepping into every item of a list."""
    values = [value]
    for part in re.findall(r"\[\]|[^.\[\]]+", path):
        if part != "[]":
            values = [v[part] for v in values]  # a list, string or null here: TypeError
        elif all(isinstance(v, list) for v in values):
            values = [item for v in values for item in v]
        else:
            raise TypeError(f"{path}: not a list")
    return values
