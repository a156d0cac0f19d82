"""Hostile deliveries to the webhook receiver, signed with the real secret: random JSON shapes,
huge and deeply nested bodies, invalid UTF-8, wrong content types. Never a 5xx; a rejected
delivery changes nothing; an accepted one is recorded at most once and never calls Trello."""

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import events
from app.board import LIST_KEYS
from app.db import db
from app.programmes import current_programme
from app.webhooks import MAX_BODY, signature
from tests.fuzz_helpers import HOSTILE_TEXT, budget, changed_tables, rows, state, trello_writes
from tests.helpers import PAYLOADS, board_id_of, payload_bytes

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**80), 2**80),
    st.floats(),  # NaN and the infinities too: json.dumps writes them, JSON has no such thing
    HOSTILE_TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "",
]


def parts(list_ids):
    """Return a strategy for data.card, data.list and the like: mostly Trello's shape."""
    ids = st.one_of(HOSTILE_TEXT, st.sampled_from(list_ids))
    shaped = st.fixed_dictionaries(
        {"id": ids},
        optional={"name": HOSTILE_TEXT, "desc": HOSTILE_TEXT, "closed": JSON, "url": HOSTILE_TEXT},
    )
    return st.one_of(shaped, shaped, JSON)


def actions(board_id, list_ids):
    """Return a strategy for Trello-like actions on our board: known and unknown types, any data."""
    part = parts(list_ids)
    data = st.fixed_dictionaries(
        {"board": st.fixed_dictionaries({"id": st.just(board_id)})},
        optional={key: part for key in ("card", "list", "listAfter", "listBefore", "old")}
        | {"text": JSON, "attachment": part},
    )
    return st.fixed_dictionaries(
        {
            "id": st.one_of(HOSTILE_TEXT, st.integers(), JSON),
            "type": st.one_of(st.sampled_from(sorted(events.HANDLERS)), HOSTILE_TEXT),
            "data": data,
        },
        optional={"date": st.one_of(HOSTILE_TEXT, JSON), "memberCreator": JSON},
    )


def payloads(board_id, list_ids):
    """Return delivery bodies as JSON values: mostly an action on our board, then anything."""
    envelope = st.fixed_dictionaries(
        {"action": actions(board_id, list_ids)}, optional={"model": JSON}
    )
    elsewhere = st.fixed_dictionaries(
        {"action": st.fixed_dictionaries({"id": HOSTILE_TEXT, "type": HOSTILE_TEXT, "data": JSON})}
    )
    return st.one_of(
        envelope, envelope, envelope, elsewhere, st.fixed_dictionaries({"action": JSON}), JSON
    )


def encoded(value, ascii_only):
    """Return JSON text as bytes; without ASCII escapes, lone surrogates become invalid UTF-8."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


class Receiver:
    """Posts signed deliveries to one app and reads what they changed."""

    def __init__(self, app, client, sandbox):
        self.app, self.client, self.sandbox = app, client, sandbox
        self.secret = app.config["TRELLO_API_SECRET"]
        self.callback = app.config["PUBLIC_URL"] + "/webhooks/trello"

    def post(self, body, content_type="application/json", secret=None):
        """POST these exact bytes with Trello's signature over them (or another secret's)."""
        header = signature(secret or self.secret, body, self.callback)
        # A raw input stream: given data=b"" and a form type, the test client writes a form.
        return self.client.post(
            "/webhooks/trello",
            input_stream=io.BytesIO(body),
            content_length=len(body),
            headers={"X-Trello-Webhook": header, "Content-Type": content_type},
        )

    def deliver_and_check(self, body, content_type="application/json"):
        """Deliver twice; assert no 5xx, rejection changes nothing, acceptance records once."""
        before = rows(self.app)
        writes = trello_writes(self.sandbox)
        answer = self.post(body, content_type)
        assert answer.status_code in (200, 400), answer.status_code
        after = rows(self.app)
        if answer.status_code == 400:
            assert after == before
        else:
            grown = len(after["webhook_events"]) - len(before["webhook_events"])
            assert grown in (0, 1)
            if not grown or _type_of(after["webhook_events"][-1]) not in events.HANDLERS:
                assert changed_tables(before, after) in ([], ["webhook_events"])
        again = self.post(body, content_type)
        assert again.status_code == answer.status_code and rows(self.app) == after
        assert trello_writes(self.sandbox) == writes  # the receiver never calls Trello itself
        return answer


def _type_of(event_row):
    """Return the action type of a webhook_events row, as stored."""
    columns = db.metadata.tables["webhook_events"].columns.keys()
    with_names = dict(zip(columns, event_row, strict=True))
    return with_names["action_type"]


@pytest.fixture
def receiver(app, client, board):
    """A Receiver for this test's app, with the board set up and its programme stored."""
    return Receiver(app, client, board)


@pytest.mark.sqlite_only
def test_random_json_shapes_signed_are_recorded_once_or_refused_never_a_500(app, receiver):
    board_id = app.config["TRELLO_BOARD_ID"]
    with app.app_context():
        list_ids = [current_programme().list_id(key) for key in LIST_KEYS]

    @budget(250)
    @given(value=payloads(board_id, list_ids), ascii_only=st.booleans())
    def check(value, ascii_only):
        """One signed delivery of a random shape, delivered twice."""
        receiver.deliver_and_check(encoded(value, ascii_only))

    check()


@pytest.mark.sqlite_only
def test_random_bytes_and_wrong_content_types_signed_are_never_a_500(app, receiver):
    @budget(60)
    @given(body=st.binary(max_size=200), content_type=st.sampled_from(CONTENT_TYPES))
    def check(body, content_type):
        """Signed bytes that are seldom JSON, under any content type."""
        receiver.deliver_and_check(body, content_type)

    check()


def _nested(depth, board_id):
    """Return a delivery whose action is well formed but holds a list nested depth deep."""
    deep = "[" * depth + "]" * depth
    head = '{"action": {"id": "5a4db0a4d0000000000000f1", "type": "commentCard", "data": '
    return (head + f'{{"board": {{"id": "{board_id}"}}, "deep": {deep}}}}}}}').encode()


@pytest.mark.parametrize("depth", [40, 990, 5_000, 100_000])
def test_deeply_nested_json_signed_is_refused_and_changes_nothing(app, receiver, depth):
    body = _nested(depth, app.config["TRELLO_BOARD_ID"])
    assert receiver.deliver_and_check(body).status_code == 400
    bare = b"[" * depth + b"]" * depth
    assert receiver.deliver_and_check(bare).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b'{"action": {"id": "a1", "type": "x", "data": {"board": {"id": NaN}}}}',
        b'{"action": {"id": "a1", "type": "x", "n": 1e400}}',
        b'{"action": {"id": "a1\\u0000", "type": "commentCard", "data": {"board": {"id": "B"}}}}',
        b'{"action": {"id": "a1", "type": "t\\ud800", "data": {"board": {"id": "B"}}}}',
        b'{"action": {"id": "a1", "type": "t", "data": {"board": {"id": "B\\u0000"}}}}',
        b'{"action": {"id": "a1", "type": "t", "date": "\\udfff", "data": {"board": {"id": "B"}}}}',
        b'\xff\xfe{"action": 1}',
        b'{"action": {"id": "\xc3\x28", "type": "t"}}',
    ],
)
def test_json_that_no_database_can_store_is_refused_and_changes_nothing(app, receiver, body):
    body = body.replace(b'"B', ('"' + app.config["TRELLO_BOARD_ID"]).encode())
    assert receiver.deliver_and_check(body).status_code == 400


@pytest.mark.sqlite_only
def test_a_body_over_the_limit_is_refused_unread_and_one_at_it_is_read(app, receiver):
    over = b'{"pad": "' + b"x" * MAX_BODY + b'"}'
    before = state(app, receiver.sandbox)
    assert receiver.post(over).status_code == 413 and state(app, receiver.sandbox) == before
    at_limit = b'{"pad": "' + b"x" * (MAX_BODY - 12) + b'"}'
    assert len(at_limit) <= MAX_BODY
    assert receiver.deliver_and_check(at_limit).status_code == 400  # signed JSON, no action


@pytest.mark.sqlite_only
@pytest.mark.skipif(not PAYLOADS.exists(), reason="../shared/trello-payloads absent")
@pytest.mark.parametrize("name", ["addAttachmentToCard_upload.json", "updateCard_move.json"])
def test_a_real_payload_under_a_wrong_secret_or_content_type_changes_nothing(app, receiver, name):
    body = payload_bytes(name, {board_id_of(name): app.config["TRELLO_BOARD_ID"]})
    before = state(app, receiver.sandbox)
    for content_type in CONTENT_TYPES:
        assert receiver.post(body, content_type, secret="not-the-secret").status_code == 401
    assert state(app, receiver.sandbox) == before
    for content_type in CONTENT_TYPES:
        assert receiver.deliver_and_check(body, content_type).status_code == 200
    assert len(rows(app)["webhook_events"]) == 1
