"""The /api/ contract: the OpenAPI document is served, every answer keeps to it, never a 5xx,
and a rejected request changes nothing (database rows, the sandbox's Trello writes)."""

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app import powerup_api
from app.db import db
from app.models import Organisation, Person
from tests.fuzz_helpers import budget, state
from tests.round_helpers import add_people
from tests.test_powerup_api import forged_token
from trello_sandbox import constants

DOCUMENT = json.loads((Path(powerup_api.__file__).parent / "openapi.json").read_text("utf-8"))
OPERATIONS = [(path, method) for path, item in DOCUMENT["paths"].items() for method in item]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
MEMBERS = {
    "admin": constants.ADMIN_MEMBER_ID,
    "normal": constants.NORMAL_MEMBER_ID,
    "observer": constants.OBSERVER_MEMBER_ID,
    "outsider": constants.OUTSIDER_MEMBER_ID,
}
OTHER_BOARD = "5a4db0a4d0000000000000b2"
REJECTED = ["another board", "expired", "forged", "garbage", "basic", "nobody"]
# Half the requests from the admin, who gets furthest; the rest from every other kind of caller.
WHO = st.one_of(st.just("admin"), st.sampled_from(["normal", "observer", "outsider", *REJECTED]))
BUDGET = budget(60)


def callers(sandbox):
    """Return {who: the Authorization header they send, or None for no header}."""
    headers = {who: f"Bearer {sandbox.jwt(member)}" for who, member in MEMBERS.items()}
    headers["another board"] = f"Bearer {sandbox.jwt(MEMBERS['admin'], idBoard=OTHER_BOARD)}"
    headers["expired"] = f"Bearer {sandbox.jwt(MEMBERS['admin'], ttl=-300)}"
    headers["forged"] = f"Bearer {forged_token(sandbox, MEMBERS['admin'])}"
    headers["garbage"] = "Bearer not.a.jwt"
    headers["basic"] = "Basic YTpi"
    headers["nobody"] = None
    return headers


def send(case, authorization):
    """Send a generated case through the app (WSGI) as this caller; return the response."""
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if authorization is not None:
        headers["Authorization"] = authorization
    case.headers = headers
    return case.call()


def made_round(app, sandbox, headers):
    """Make round 1 of five people (they make round 2's pool); return (round id, card ids)."""
    ids = add_people(app, sandbox, 5)
    client = app.test_client()
    preview = client.get("/api/rounds/preview", headers=headers).get_json()
    made = client.post("/api/rounds", json={"seed": preview["seed"]}, headers=headers)
    assert made.status_code == 201
    with app.app_context():
        cards = [db.session.get(Person, i).trello_card_id for i in ids]
    return made.get_json()["id"], cards


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.sampled_from("0123456789 \t²٣߂x-+.e")),
    st.text(),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
# Text int() may or may not read: other scripts' digits, padding, thousands of digits.
DIGITISH = st.one_of(
    st.text(alphabet=st.sampled_from("0123456789 ²٣߂\u00a0"), min_size=1, max_size=6),
    st.integers(1, 6000).map(lambda n: "7" * n),
)
SETTINGS_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "meeting_window_days": DIGITISH | JSON_VALUES,
        "odd": JSON_VALUES,
        "same_org": JSON_VALUES,
        "lists": JSON_VALUES,
        "contact_email": st.emails() | st.just("") | JSON_VALUES,
    },
)


def hostile(operation, cards):
    """Return cases with values a schema-led generator seldom makes: huge ids, odd digits."""
    path = operation.path
    if path == "/rounds/{round_id}":
        ids = st.integers(0, 2**31) | st.integers(2**31, 2**80)
        return ids.flatmap(lambda i: operation.as_strategy(path_parameters={"round_id": i}))
    if path == "/cards/{card_id}":
        ids = st.sampled_from(cards) | st.text(min_size=1)
        return ids.flatmap(lambda i: operation.as_strategy(path_parameters={"card_id": i}))
    if path in ("/rounds", "/settings") and operation.method.lower() != "get":
        if path == "/settings":
            bodies = SETTINGS_BODIES | JSON_VALUES
        else:
            keys = st.sampled_from(["seed", "pool_hash"])
            bodies = st.dictionaries(keys, DIGITISH | JSON_VALUES) | JSON_VALUES
        return bodies.flatmap(lambda body: operation.as_strategy(body=body))
    return operation.as_strategy()


def known(operation, app, round_id, headers):
    """Return cases that reach success: the real round, the current preview's seed, any seed."""
    path = operation.path
    if path == "/rounds/{round_id}":
        return operation.as_strategy(path_parameters={"round_id": round_id})
    if path == "/rounds":
        preview = app.test_client().get("/api/rounds/preview", headers=headers).get_json()
        seeds = st.integers(0, 2**63 - 1).map(lambda n: {"seed": str(n)})
        previewed = st.just({"seed": preview["seed"], "pool_hash": preview["pool_hash"]})
        return st.one_of(previewed, seeds).flatmap(lambda body: operation.as_strategy(body=body))
    if path.startswith("/organisations/"):
        with app.app_context():
            ids = st.sampled_from(list(db.session.scalars(select(Organisation.id))))
        pairs = st.tuples(ids, ids)
        return pairs.flatmap(
            lambda pair: operation.as_strategy(
                path_parameters={"org_id": pair[0]},
                **({"body": {"into": pair[1]}} if path.endswith("/merge") else {}),
            )
        )
    return operation.as_strategy()


class Contract:
    """The document loaded from the app itself, a round made, people to draw, every caller."""

    def __init__(self, app, sandbox):
        self.headers = callers(sandbox)
        self.admin = {"Authorization": self.headers["admin"]}
        self.round_id, self.cards = made_round(app, sandbox, self.admin)
        self.schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        self.app = app

    def cases(self, path, method):
        """Return the cases for one operation: real ids, hostile values, the schema's own."""
        operation = self.schema[path][method]
        return st.one_of(
            known(operation, self.app, self.round_id, self.admin),
            hostile(operation, self.cards),
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )


@pytest.fixture
def contract(app, board):
    """A Contract for this test's app and board."""
    return Contract(app, board)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_answer_keeps_to_the_document_and_a_rejection_changes_nothing(
    app, board, contract, path, method
):
    headers = contract.headers

    @BUDGET
    @given(case=contract.cases(path, method), who=WHO)
    def check(case, who):
        """One generated request from one caller."""
        before = state(app, board)
        response = send(case, headers[who])
        case.validate_response(response, checks=CHECKS)
        if 400 <= response.status_code < 500:
            assert state(app, board) == before, (who, response.status_code, response.text)

    check()


@pytest.mark.sqlite_only
def test_the_document_is_served_without_a_token_and_may_be_cached(client):
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.is_json
    assert answer.get_json() == DOCUMENT
    assert "max-age=3600" in answer.headers["Cache-Control"]
    assert "no-store" not in answer.headers["Cache-Control"]


UNKNOWN_PATHS = ["/api", "/api/", "/api/nothing", "/api/rounds/x", "/api/rounds/-1", "/api/cards/"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_an_unknown_api_path_is_a_json_404_in_the_error_shape(client, path):
    answer = client.get(path, headers={"Authorization": "Bearer not.a.jwt"})
    assert answer.status_code == 404 and answer.is_json
    assert answer.get_json() == {
        "error": {"code": "not_found", "message": "There is no such API path."}
    }


def _undocumented_methods():
    """Return (path, method) for each method a documented path does not take."""
    methods = {"get", "put", "post", "delete", "patch"}
    return [
        (path, method)
        for path, item in DOCUMENT["paths"].items()
        if "{" not in path
        for method in sorted(methods - set(item))
    ]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("path", "method"), _undocumented_methods())
def test_a_method_a_path_does_not_take_is_a_json_405_naming_those_it_does(client, path, method):
    answer = client.open("/api" + path, method=method.upper())
    assert answer.status_code == 405 and answer.is_json
    assert answer.get_json()["error"]["code"] == "method_not_allowed"
    allowed = {m.strip().lower() for m in answer.headers["Allow"].split(",")}
    assert set(DOCUMENT["paths"][path]) <= allowed


def test_the_html_pages_keep_their_html_404(client):
    answer = client.get("/no-such-page")
    assert answer.status_code == 404 and not answer.is_json


@pytest.mark.sqlite_only
def test_any_settings_body_is_kept_whole_or_refused_whole(app, client, board):
    admin = {"Authorization": f"Bearer {board.jwt(MEMBERS['admin'])}"}

    @BUDGET
    @given(body=SETTINGS_BODIES)
    def check(body):
        """Either every field sent is kept (200), or nothing changes (400)."""
        before = state(app, board)
        answer = client.put("/api/settings", json=body, headers=admin)
        assert answer.status_code in (200, 400), answer.get_json()
        if answer.status_code == 400:
            assert state(app, board) == before
            assert set(answer.get_json()["error"]["fields"]) <= set(body)

    check()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/rounds/9223372036854775808", 404),
        ("/api/rounds/99999999999999999999999", 404),
        ("/api/cards/%00", 404),
        ("/api/cards/5a4db0a4d0000000000000c1%00", 404),
    ],
)
def test_ids_no_database_column_can_hold_are_not_found(app, client, board, path, status):
    admin = {"Authorization": f"Bearer {board.jwt(MEMBERS['admin'])}"}
    answer = client.get(path, headers=admin)
    assert answer.status_code == status and answer.get_json()["error"]["code"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("days", ["²", "1²", "٢١", "7" * 5000, " 2 1 "])
def test_a_window_int_cannot_read_is_a_field_error(app, client, board, days):
    admin = {"Authorization": f"Bearer {board.jwt(MEMBERS['admin'])}"}
    answer = client.put("/api/settings", json={"meeting_window_days": days}, headers=admin)
    assert answer.status_code == 400
    assert set(answer.get_json()["error"]["fields"]) == {"meeting_window_days"}
