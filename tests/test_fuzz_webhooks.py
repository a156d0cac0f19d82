"""Hostile deliveries to the webhook receiver, signed with the real secret: random JSON shapes,
huge and deeply nested bodies, invalid UTF-8, wrong content types, mostly naming participants'
real cards and the board's lists. Never a 5xx; a rejected delivery changes nothing; an
accepted one is recorded at most once and never calls Trello; one in Trello's own shape is
always taken, and its handlers run without failing."""

import hashlib
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db import db
from app.handlers import WEBHOOKS
from app.models import Person, WebhookEvent, current_programme
from app.rounds.service import confirm_round
from app.trello.board import LIST_KEYS
from app.webhooks.receiver import MAX_BODY
from app.webhooks.signature import signature
from tests.fuzz_helpers import HOSTILE_TEXT, budget, changed_tables, rows, state, trello_writes
from tests.round_helpers import add_people
from tests.support import board_id_of, participant_card, payload_bytes, process_webhooks

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


# Hostile text that a database can still store (no NUL, no lone surrogate): all Trello's
# shape allows, so an action made of it passes the receiver's checks and meets the handlers.
STORABLE_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
OUTPUT_LINKS = ["https://weeknotes.example.org/1", "see https://a.example/x, http://b.example"]
PARTICIPANTS = 12  # the first known ids: their cards, in a round


def linky(text):
    """Return a strategy for text that may hold links (a participant's output)."""
    with_link = text.map(lambda t: "https://weeknotes.example.org/" + t)
    return st.one_of(text, st.sampled_from(OUTPUT_LINKS), with_link)


def shaped_part(known_ids, text, closed):
    """Return a strategy for data.card, data.list and the like in Trello's shape, mostly with
    one of the known ids (participants' cards, the board's lists)."""
    ids = st.one_of(st.sampled_from(known_ids), st.sampled_from(known_ids), text)
    optional = {"name": text, "desc": linky(text), "url": linky(text), "closed": closed}
    return st.fixed_dictionaries({"id": ids}, optional=optional)


def parts(known_ids):
    """Return a strategy for data.card, data.list and the like: mostly Trello's shape."""
    shaped = shaped_part(known_ids, HOSTILE_TEXT, st.one_of(st.booleans(), JSON))
    return st.one_of(shaped, shaped, JSON)


def actions(board_id, known_ids):
    """Return a strategy for Trello-like actions on our board: known and unknown types, any data."""
    part = parts(known_ids)
    data = st.fixed_dictionaries(
        {"board": st.fixed_dictionaries({"id": st.just(board_id)})},
        optional={key: part for key in ("card", "list", "listAfter", "listBefore", "old")}
        | {"text": st.one_of(linky(HOSTILE_TEXT), JSON), "attachment": part},
    )
    return st.fixed_dictionaries(
        {
            "id": st.one_of(HOSTILE_TEXT, st.integers(), JSON),
            "type": st.one_of(st.sampled_from(sorted(WEBHOOKS.handlers)), HOSTILE_TEXT),
            "data": data,
        },
        optional={"date": st.one_of(HOSTILE_TEXT, JSON), "memberCreator": JSON},
    )


def payloads(board_id, known_ids):
    """Return delivery bodies as JSON values: mostly an action on our board, then anything."""
    envelope = st.fixed_dictionaries(
        {"action": actions(board_id, known_ids)}, optional={"model": JSON}
    )
    elsewhere = st.fixed_dictionaries(
        {"action": st.fixed_dictionaries({"id": HOSTILE_TEXT, "type": HOSTILE_TEXT, "data": JSON})}
    )
    return st.one_of(
        envelope, envelope, envelope, elsewhere, st.fixed_dictionaries({"action": JSON}), JSON
    )


def handled_types():
    """Return a strategy for the handled action types; a deleted card is no one's any more,
    so deletions come seldom and leave cards for the other handlers."""
    others = [name for name in sorted(WEBHOOKS.handlers) if name != "deleteCard"]
    return st.sampled_from(others * 4 + ["deleteCard"])


def with_own_id(action):
    """Give an action an id made from its content (hypothesis draws the same ids over and
    over, and a repeated id is a repeat delivery): the same id only for the same action."""
    digest = hashlib.sha256(json.dumps(action, sort_keys=True).encode()).hexdigest()
    return {"action": {**action, "id": digest[:24]}}


def trello_shaped(board_id, known_ids):
    """Return delivery bodies exactly in Trello's shape, of a handled type, on a card, with
    any storable text: what Trello may send, so each must be taken and handled. Its card is
    mostly a participant's (the first PARTICIPANTS known ids), as a card action's is."""
    part = shaped_part(known_ids, STORABLE_TEXT, st.booleans())
    card = shaped_part(known_ids[:PARTICIPANTS], STORABLE_TEXT, st.booleans())
    data = st.fixed_dictionaries(
        {"board": st.fixed_dictionaries({"id": st.just(board_id)}), "card": card},
        optional={key: part for key in ("list", "listAfter", "listBefore", "old", "attachment")}
        | {"text": linky(STORABLE_TEXT)},
    )
    action = st.fixed_dictionaries(
        {"type": handled_types(), "data": data}, optional={"date": STORABLE_TEXT}
    )
    return action.map(with_own_id)


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
        """POST these exact bytes with Trello's signature over them (or another secret's); then
        process what the receiver queued."""
        header = signature(secret or self.secret, body, self.callback)
        # A raw input stream: given data=b"" and a form type, the test client writes a form.
        answer = self.client.post(
            "/webhooks/trello",
            input_stream=io.BytesIO(body),
            content_length=len(body),
            headers={"X-Trello-Webhook": header, "Content-Type": content_type},
        )
        process_webhooks(self.app)  # the worker's queue pass, as it would run a moment later
        return answer

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
            new = _new_rows(before["webhook_events"], after["webhook_events"])
            assert len(new) == len(after["webhook_events"]) - len(before["webhook_events"]) <= 1
            if not any(_type_of(row) in WEBHOOKS.handlers for row in new):
                assert changed_tables(before, after) in ([], ["webhook_events"])
        again = self.post(body, content_type)
        assert again.status_code == answer.status_code and rows(self.app) == after
        assert trello_writes(self.sandbox) == writes  # the receiver never calls Trello itself
        return answer


def _new_rows(before, after):
    """Return the rows of a `rows` snapshot's table that were not there before."""
    seen = {repr(row) for row in before}
    return [row for row in after if repr(row) not in seen]


def _type_of(event_row):
    """Return the action type of a webhook_events row, as stored."""
    columns = db.metadata.tables["webhook_events"].columns.keys()
    with_names = dict(zip(columns, event_row, strict=True))
    return with_names["action_type"]


@pytest.fixture
def receiver(app, client, board):
    """A Receiver for this test's app, with the board set up and its programme stored."""
    return Receiver(app, client, board)


@pytest.fixture
def known_ids(app, receiver):
    """Put twelve participants with cards into a round; return their card ids, then the
    board's list ids: what fuzzed actions name, so that the handlers act on someone."""
    ids = add_people(app, receiver.sandbox, PARTICIPANTS)
    with app.app_context():
        programme = current_programme()
        confirm_round(programme, 99)
        cards = [db.session.get(Person, person_id).trello_card_id for person_id in ids]
        lists = [programme.list_id(key) for key in LIST_KEYS]
        db.session.remove()
    return cards + lists


@pytest.mark.sqlite_only
def test_random_json_shapes_signed_are_recorded_once_or_refused_never_a_500(
    app, receiver, known_ids
):
    """The ids in the shapes are mostly real: participants' cards and the board's lists."""

    @budget(250)
    @given(value=payloads(app.config["TRELLO_BOARD_ID"], known_ids), ascii_only=st.booleans())
    def check(value, ascii_only):
        """One signed delivery of a random shape, delivered twice."""
        receiver.deliver_and_check(encoded(value, ascii_only))

    check()


def _handled(app, status="processed"):
    """Return {action type: count} of the webhook actions stored with this status."""
    with app.app_context():
        query = (
            select(WebhookEvent.action_type, func.count())
            .where(WebhookEvent.status == status)
            .group_by(WebhookEvent.action_type)
        )
        handled = dict(db.session.execute(query).all())
        db.session.remove()
    return handled


@pytest.mark.sqlite_only
def test_trello_shaped_actions_with_any_text_on_participants_cards_are_taken_and_handled(
    app, receiver, known_ids
):
    """Every handler runs, on participants' cards among others, and records what it should."""

    @budget(150)
    @given(value=trello_shaped(app.config["TRELLO_BOARD_ID"], known_ids))
    def check(value):
        """One action as Trello could send it, about a participant's card or not."""
        assert receiver.deliver_and_check(encoded(value, False)).status_code == 200

    check()
    handled = _handled(app)
    assert set(handled) == set(WEBHOOKS.handlers), handled  # each handler ran
    # Actions on strangers' cards that name none of the programme's lists are dropped on
    # arrival (tests/test_webhook_queue.py shows they change nothing); most others are kept.
    assert sum(handled.values()) >= 50, handled
    assert _handled(app, "failed") == {}  # no handler raised on an action Trello could send
    assert rows(app)["outputs"], "no fuzzed comment or attachment reached a participant"


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
@pytest.mark.parametrize("name", ["addAttachmentToCard_upload.json", "updateCard_move.json"])
def test_a_real_payload_under_a_wrong_secret_or_content_type_changes_nothing(app, receiver, name):
    participant_card(app, "63d387e699609c7f4bf0e0ce")  # both payloads' card, so it is kept
    body = payload_bytes(name, {board_id_of(name): app.config["TRELLO_BOARD_ID"]})
    before = state(app, receiver.sandbox)
    for content_type in CONTENT_TYPES:
        assert receiver.post(body, content_type, secret="not-the-secret").status_code == 401
    assert state(app, receiver.sandbox) == before
    for content_type in CONTENT_TYPES:
        assert receiver.deliver_and_check(body, content_type).status_code == 200
    assert len(rows(app)["webhook_events"]) == 1
