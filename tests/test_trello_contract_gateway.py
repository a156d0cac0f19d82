"""Contract: given each recorded Trello answer over real HTTP, the gateway gives the app what it
reads from it, of the type it expects; refusals reach the app with Trello's own message."""

import re

import pytest

from app.powerup_api.tokens import parse_keys
from app.trello.gateway import TrelloError
from tests.recorded_trello import PLAIN_ERRORS, RESPONSE_NAMES, recorded
from tests.trello_contract_reads import ID, READS, unread

RATE_LIMITED = {
    "ERROR_429_extension-limit__trapias-TrelloExport-issue81.json",
    "ERROR_429_token-limit__atlassian-docs.json",
}
JWT_KEYS = "GET_resource_jwt-public-keys__RECONSTRUCTED-trello-weather-power-up.json"
# Answers of calls the gateway never makes, each with the path it would have to ask for.
NOT_ASKED = {
    "GET_members_id_boards__gmoraita.json": r"/1/members/[^/]+/boards",
    "GET_boards_id_members__rwjdk-TrelloDotNet.json": r"/1/boards/[^/]+/members",
    "GET_cards_id_checklists__rwjdk-TrelloDotNet.json": r"/1/cards/[^/]+/checklists",
    "GET_boards_id_customFields__ToucanToco.json": r"/1/boards/[^/]+/customFields",
    # Read by the Power-Up token verifier (app/powerup_api/tokens.py), not by the gateway.
    JWT_KEYS: r"/1/resource/jwt-public-keys",
}


def _paths_the_gateway_reads(server):
    """Make every read the gateway offers against the server; return the paths they asked for."""
    gateway = server.gateway()
    list_reads = (
        gateway.lists,
        gateway.cards,
        gateway.labels,
        gateway.memberships,
        gateway.webhooks,
    )
    list_reads += (gateway.board_actions, lambda: gateway.find_card(ID, "n", "", 0))
    list_reads += (
        lambda: gateway.find_comment(ID, "t", 0),
        lambda: gateway.find_attachment(ID, "u", 0),
    )
    for read in list_reads:
        server.body = b"[]"
        read()
    for read in (gateway.board_state, lambda: gateway.card(ID), gateway.me, gateway.ping):
        server.body = b"{}"
        read()
    return {path for _, path, _ in server.requests}


def test_every_recorded_answer_has_a_gateway_case():
    cases = [set(READS), RATE_LIMITED, set(NOT_ASKED)]
    assert set().union(*cases) == set(RESPONSE_NAMES)
    assert sum(map(len, cases)) == len(RESPONSE_NAMES)


@pytest.mark.parametrize("name", RESPONSE_NAMES)
def test_the_gateway_gives_the_app_what_it_reads_from_each_real_answer(recorded_trello, name):
    if name in NOT_ASKED:
        asked = _paths_the_gateway_reads(recorded_trello)
        assert len(asked) >= 10 and not [p for p in asked if re.fullmatch(NOT_ASKED[name], p)]
        return
    if name in RATE_LIMITED:
        _gives_up_with_trellos_message(recorded_trello, name)
        return
    read = READS[name]
    recorded_trello.serve(name)
    result = read.call(recorded_trello.gateway())
    [(method, path, _)] = recorded_trello.requests
    assert (method, path) == (read.method, read.path)
    assert unread(result, read.reads) == []


def _gives_up_with_trellos_message(server, name):
    """A 429 is retried; on giving up, the error carries Trello's message, not its code."""
    server.serve(name, status=429)
    with pytest.raises(TrelloError) as caught:
        server.gateway(max_retries=2).card(ID)
    assert (caught.value.status, caught.value.message) == (429, recorded(name)["message"])
    assert caught.value.retryable
    assert len(server.requests) == 3


@pytest.mark.parametrize(("status", "text"), PLAIN_ERRORS)
def test_a_plain_text_refusal_reaches_the_app_as_trellos_message(recorded_trello, status, text):
    recorded_trello.serve_text(status, text)
    with pytest.raises(TrelloError) as caught:
        recorded_trello.gateway(max_retries=3).card(ID)
    error = caught.value
    assert (error.status, error.message, error.path) == (status, text, f"/cards/{ID}")
    assert not error.retryable and len(recorded_trello.requests) == 1


def test_the_app_reads_the_keys_trello_publishes_for_power_up_tokens():
    assert len(parse_keys(recorded(JWT_KEYS))) == 1
