"""Contract: asked what real Trello was asked, the sandbox answers with every key real Trello
sent, each of the same JSON type (tests/trello_responses/ holds the recorded answers)."""

from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from app.trello.gateway import TrelloGateway
from tests.json_shapes import differences
from tests.recorded_trello import RESPONSE_NAMES, RESPONSES, SHARED_RESPONSES, recorded
from tests.trello_contract_cases import ACTION_KINDS, REPLAYS
from trello_sandbox import constants

JWT_KEYS = "GET_resource_jwt-public-keys__RECONSTRUCTED-trello-weather-power-up.json"
EXPORT = "GET_boards_id_full_export__SengitU.json"


@pytest.fixture
def board(sandbox, webhook_receiver):
    """The sandbox board with what the recorded boards show: lists, one archived; a labelled
    card with a member, a due date, a link and a comment; cards moved, renamed and deleted;
    a webhook. Return the ids the replays name."""

    def made(method, path, **body):
        response = sandbox.api(method, path, json=body)
        assert response.status_code == 200, response.text
        return response.json()["id"] if method != "DELETE" else None

    signups = made("POST", "/lists", name="Sign-ups", idBoard=sandbox.board_id)
    label = made("POST", "/labels", name="Round 1", color="green", idBoard=sandbox.board_id)
    card = made(
        "POST",
        "/cards",
        idList=signups,
        name="Ada · Engines",
        desc="Email: a@e.org",
        idLabels=label,
        idMembers=constants.ADMIN_MEMBER_ID,
        due="2023-02-07T09:16:00Z",
    )
    made("POST", f"/cards/{card}/attachments", url="https://example.org/notes")
    made("POST", f"/cards/{card}/actions/comments", text="We met ☕")
    _move_and_tidy(sandbox, made, signups)
    hook = made("POST", "/webhooks", callbackURL=webhook_receiver.url, idModel=sandbox.board_id)
    callback = webhook_receiver.url
    return SimpleNamespace(signups=signups, card=card, label=label, hook=hook, callback=callback)


def _move_and_tidy(sandbox, made, signups):
    """Move, rename and re-describe a card, delete another, and rename and archive a list."""
    matched = made("POST", "/lists", name="Matched", idBoard=sandbox.board_id)
    other = made("POST", "/cards", idList=signups, name="Grace Hopper · Navy")
    made("PUT", f"/cards/{other}", idList=matched, pos="top", name="Grace H", desc="Round 1")
    made("DELETE", f"/cards/{made('POST', '/cards', idList=signups, name='Gone')}")
    spare = made("POST", "/lists", name="Spare", idBoard=sandbox.board_id)
    made("PUT", f"/lists/{spare}", name="Spare!", pos="top", closed=True)


def _no_custom_fields(sandbox, board):
    """The sandbox models no custom fields: it answers as for a board that has none."""
    response = sandbox.api("GET", f"/boards/{sandbox.board_id}/customFields")
    assert (response.status_code, response.json()) == (200, [])


def _no_checklists(sandbox, board):
    """The sandbox models no checklists: it answers as for a card that has none."""
    response = sandbox.api("GET", f"/cards/{board.card}/checklists")
    assert (response.status_code, response.json()) == (200, [])


def _not_the_apps_board_load(sandbox, board):
    """The web client's board load (trello.com/1, myPrefs, card_stickers) is not the app's."""
    TrelloGateway(sandbox.key, sandbox.token, sandbox.api_base, sandbox.board_id).board_state()
    [asked] = [e["query"] for e in sandbox.requests() if e["path"].endswith(sandbox.board_id)]
    assert asked == {"lists": "open", "cards": "open", "card_attachments": "true", "labels": "all"}


def _a_list_of_pem_keys(sandbox, board):
    """Trello publishes its Power-Up JWT keys as PEM strings (the sandbox's own document is
    compared with it below)."""
    [pem] = recorded(JWT_KEYS)["keys"]
    assert isinstance(load_pem_public_key(pem.encode("ascii")), RSAPublicKey)


# Recorded answers the sandbox is not asked to repeat, each with the check that says why.
NOT_REPLAYED = {
    "GET_boards_id_customFields__ToucanToco.json": _no_custom_fields,
    "GET_cards_id_checklists__rwjdk-TrelloDotNet.json": _no_checklists,
    "GET_boards_id_with_cards_lists_members__alphagov-trello-tracker.json": (
        _not_the_apps_board_load
    ),
    JWT_KEYS: _a_list_of_pem_keys,
}


@pytest.mark.skipif(not SHARED_RESPONSES.exists(), reason="no shared trello-responses beside")
def test_the_response_copies_match_the_shared_recordings_byte_for_byte():
    shared = sorted(path.name for path in SHARED_RESPONSES.glob("*.json"))
    assert shared == RESPONSE_NAMES
    for name in shared:
        assert (RESPONSES / name).read_bytes() == (SHARED_RESPONSES / name).read_bytes(), name


def test_every_recorded_answer_is_replayed_or_says_why_not():
    assert set(REPLAYS) | set(NOT_REPLAYED) == set(RESPONSE_NAMES)
    assert not set(REPLAYS) & set(NOT_REPLAYED)


@pytest.mark.parametrize("name", RESPONSE_NAMES)
def test_the_sandbox_answers_with_every_key_and_type_real_trello_sends(sandbox, board, name):
    if name in NOT_REPLAYED:
        NOT_REPLAYED[name](sandbox, board)
        return
    replay = REPLAYS[name]
    response = replay.request(sandbox, board)
    assert response.status_code == replay.status, response.text
    assert differences(recorded(name), response.json(), replay.ignore, replay.kinds) == []


def test_the_board_export_compares_the_sandboxs_actions_kind_by_kind(sandbox, board):
    replay = REPLAYS[EXPORT]
    kind = ACTION_KINDS["actions[]"]
    ours = {kind(action) for action in replay.request(sandbox, board).json()["actions"]}
    compared = ours & {kind(action) for action in recorded(EXPORT)["actions"]}
    moves = {("updateCard", (field,)) for field in ("idList", "pos", "name", "desc")}
    lists = {("updateList", (field,)) for field in ("name", "pos", "closed")}
    singles = {(kind, ()) for kind in ("createCard", "commentCard", "deleteCard", "createList")}
    assert compared == moves | lists | singles


def test_the_sandbox_publishes_its_jwt_keys_as_trello_does(sandbox):
    published = sandbox.api("GET", "/resource/jwt-public-keys").json()
    assert differences(recorded(JWT_KEYS), published) == []


def test_the_comparison_finds_a_key_the_sandbox_leaves_out():
    real = recorded("GET_cards_id__rwjdk-TrelloDotNet-2.json")
    mine = {key: value for key, value in real.items() if key != "shortLink"}
    mine["badges"] = {**real["badges"], "due": None}
    assert differences(real, mine) == [
        "badges.due: real Trello sends string, the sandbox null",
        "shortLink: missing from the sandbox's answer",
    ]
