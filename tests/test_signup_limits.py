"""Sign-up limits that fit how councils connect (issue 17, acceptance 4): a sign-up drive of 200
people behind one address gets through; 50 posts of one email address in a minute, or a
thousand posts from one address in an hour, get the "Too many attempts" page; with Redis the
counts are one across processes. Time is the limiter's own clock moved on, never slept."""

import time
import types

import pytest
from sqlalchemy import select

from app import create_app
from app.db import db
from app.links import email_fingerprint
from app.models import Person
from tests.conftest import _dispose, _test_config
from tests.participant_helpers import add_person, manage_path
from tests.signup_helpers import FORM, count_people, csrf_token

REDIS_URL = "redis://127.0.0.1:6379/2"  # this helper's own logical database


@pytest.fixture
def clock(monkeypatch):
    """Stop the limiter's clock (its counts live in memory, timed by time.time) and let a test
    move it on: only simulated seconds pass, however long the posts take."""
    from limits.storage import memory

    now = [time.time()]
    monkeypatch.setattr(memory, "time", types.SimpleNamespace(time=lambda: now[0]))
    return lambda seconds: now.__setitem__(0, now[0] + seconds)


def _post(client, token, address="203.0.113.7", **changes):
    """Post the sign-up form from a client address with FORM's values changed as given."""
    data = {**FORM, **changes, "csrf_token": token}
    return client.post("/signup", data=data, environ_base={"REMOTE_ADDR": address})


def _words(response):
    """Return a page's text with its white space run together."""
    return " ".join(response.get_data(as_text=True).split())


def test_a_sign_up_drive_of_200_people_behind_one_address_all_get_through(
    app, client, board, clock
):
    token = csrf_token(client)
    statuses = []
    for n in range(200):  # 200 people at one council, one every 3 seconds: 10 minutes
        statuses.append(_post(client, token, email=f"staff.{n}@council.example").status_code)
        clock(3)
    assert statuses == [200] * 200
    with app.app_context():
        pending = db.session.scalars(select(Person.status)).all()
    assert pending == ["pending"] * 200
    # Half of them correcting a mistake, posting the form again, still fits.
    for n in range(100):
        assert _post(client, token, email=f"staff.{n}@council.example", name="").status_code == 400
    # The honeypot stays: a bot's post looks like success and stores nothing.
    bot = _post(client, token, email="bot@spam.example", website="http://spam.example")
    assert "Check your email" in bot.get_data(as_text=True)
    assert count_people(app) == 200


# The counts live in the limiter's storage, not the database: one database is enough.
@pytest.mark.sqlite_only
def test_a_thousand_posts_from_one_address_in_an_hour_are_refused_with_the_page(
    app, client, board, clock
):
    token = csrf_token(client)
    statuses = []
    for n in range(1000):  # one every 3.6 s: under the 10-minute count, over the hour's
        # Every tenth a real sign-up; the others fill the honeypot, which the limit counts as
        # any post but which store nothing, so the test stays quick.
        bot = {} if n % 10 == 0 else {"website": "http://spam.example"}
        statuses.append(_post(client, token, email=f"p{n}@bulk.example", **bot).status_code)
        clock(3.6)
    assert statuses[:600] == [200] * 600
    assert set(statuses[600:]) == {429}
    assert count_people(app) == 60, "a refused sign-up saves nothing"
    refused = _post(client, token, email="one.more@bulk.example")
    assert refused.status_code == 429
    words = _words(refused)
    assert "Too many attempts" in words
    assert (
        "a lot of requests from your connection in a short time. Nothing has been saved." in words
    )
    assert "Wait an hour, then go back and try again." in words
    elsewhere = _post(client, token, address="198.51.100.9", email="one.more@bulk.example")
    assert elsewhere.status_code == 200, "another address has its own count"


def test_a_burst_of_posts_from_one_address_is_refused_within_ten_minutes(app, client, board, clock):
    token = csrf_token(client)
    # Bots' posts (the honeypot filled): counted as any post is, and quick, as they store nothing.
    bot = {"website": "http://spam.example"}
    statuses = [
        _post(client, token, email=f"q{n}@bulk.example", **bot).status_code for n in range(301)
    ]
    assert statuses[:300] == [200] * 300 and statuses[300] == 429
    assert "Wait 10 minutes, then go back and try again." in _words(
        _post(client, token, email="r@bulk.example")
    )
    clock(601)
    assert _post(client, token, email="r@bulk.example").status_code == 200


def test_fifty_posts_of_one_email_address_in_a_minute_are_refused_from_any_address(
    app, client, board, clock
):
    token = csrf_token(client)
    # As the form normalises them, these are one address.
    spellings = ["ada@example.org", "  Ada@Example.ORG ", "ADA@example.org"]
    statuses = []
    for n in range(50):  # from 50 addresses, one post every second
        spelling = spellings[n % 3]
        statuses.append(_post(client, token, f"192.0.2.{n + 1}", email=spelling).status_code)
        clock(1)
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    refused = _post(client, token, "192.0.2.99", email="ada@example.org")
    words = _words(refused)
    assert refused.status_code == 429 and "Too many attempts" in words
    assert "sent with the same email address a lot of times in a short time" in words
    assert "Wait a minute, then go back and try again." in words
    assert count_people(app) == 1
    assert _post(client, token, "192.0.2.99", email="grace@example.org").status_code == 200
    # A minute on, the address is taken again, ten times a minute, up to 50 in a day.
    for minute in range(4):
        clock(61)
        posts = [
            _post(client, token, f"192.0.2.{minute}", email="ada@example.org") for _ in range(10)
        ]
        assert {p.status_code for p in posts} == {200}
    clock(61)
    later = _post(client, token, "192.0.2.100", email="ada@example.org")
    assert later.status_code == 429 and "Wait a day, then go back" in _words(later)


def test_one_email_address_has_its_own_count_on_each_form(app, client, board, clock):
    person = add_person(app, board, email="ada@example.org")
    details = manage_path(app, person) + "/details"
    token = csrf_token(client)
    assert [_post(client, token, email="ada@example.org").status_code for _ in range(11)][-1] == 429
    form = {**FORM, "csrf_token": csrf_token(client, details)}
    posts = [
        client.post(details, data=form, environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
        for n in range(1, 12)
    ]
    assert {p.status_code for p in posts[:10]} == {302}, "its details were changed ten times"
    assert posts[10].status_code == 429
    assert "the same email address" in _words(posts[10])


def test_posts_without_a_valid_address_are_left_to_the_per_address_count(app, client, board, clock):
    token = csrf_token(client)
    statuses = [
        _post(client, token, f"192.0.2.{n + 1}", email="not an address").status_code
        for n in range(30)
    ]
    assert statuses == [400] * 30


def _redis_or_skip():
    """Return a client of this test's Redis database, flushed, or skip saying why."""
    redis = pytest.importorskip("redis", reason="the redis package is not installed")
    store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        store.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: start redis-server to run this test")
    store.flushdb()
    return store


@pytest.fixture
def two_processes(app, sandbox, monkeypatch):
    """Two app instances on one database whose limiters count in Redis, as two web processes
    would (each builds its own limiter and storage)."""
    store = _redis_or_skip()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    apps = []
    for _ in range(2):
        config = {
            **_test_config(uri, sandbox, app.config["PUBLIC_URL"]),
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "SIGNUP_RATE_LIMIT": "6 per minute",
            "EMAIL_RATE_LIMIT": "3 per minute",
        }
        apps.append(create_app(config))
    yield apps, store
    for each in apps:
        _dispose(each)
    store.flushdb()


def test_with_redis_two_processes_share_the_counts(two_processes, board):
    apps, store = two_processes
    clients = [each.test_client() for each in apps]
    tokens = [csrf_token(c) for c in clients]

    def post(i, **changes):
        """Post the form through process i."""
        return _post(clients[i], tokens[i], **changes)

    # Three posts of one address, across both processes, fill its count of three.
    assert [post(i % 2, email="ada@example.org").status_code for i in range(3)] == [200] * 3
    assert post(1, email="ada@example.org").status_code == 429
    assert post(0, email="ada@example.org").status_code == 429
    # The client address posted five times so far; one more fills its count of six.
    assert post(1, email="grace@example.org").status_code == 200
    refused = post(0, email="mary@example.org")
    assert refused.status_code == 429
    assert "from your connection" in _words(refused)
    assert post(1, address="198.51.100.9", email="mary@example.org").status_code == 200
    # The counts are under a keyed hash of the address, never the address itself.
    keys = [key.decode() for key in store.keys("*")]
    with apps[0].test_request_context():
        fingerprint = email_fingerprint("ada@example.org")
    assert any(fingerprint in key for key in keys)
    assert not [key for key in keys if "example.org" in key or "@" in key]
