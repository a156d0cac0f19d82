"""Rate limits: personal links per client address, a page that says so, and never on webhooks."""

import time
import types

import pytest

from app.links import make_token
from tests.test_security import assert_secure


@pytest.fixture
def tight(app):
    """Allow three requests a minute to personal links from one address."""
    app.config["PARTICIPANT_RATE_LIMIT"] = "3 per minute"
    return app


@pytest.fixture
def clock(monkeypatch):
    """Let a test move the limiter's clock on (its counts live in memory, timed by time.time)."""
    from limits.storage import memory

    offset = [0.0]
    fake = types.SimpleNamespace(time=lambda: time.time() + offset[0])
    monkeypatch.setattr(memory, "time", fake)
    return lambda seconds: offset.__setitem__(0, offset[0] + seconds)


def _links(app):
    """Return link paths of different kinds for a person who need not exist."""
    with app.app_context():
        return [
            f"/me/{make_token(1, 'manage')}",
            f"/signup/confirm/{make_token(1, 'confirm')}",
            f"/me/{make_token(1, 'output')}/output",
            f"/me/{make_token(2, 'manage')}/pause",
        ]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_personal_links_share_one_limit_per_address_and_say_so_in_a_page(
    tight, client, clock, scheme
):
    base = f"{scheme}://localhost"
    for path in _links(tight)[:3]:
        assert client.get(path, base_url=base).status_code != 429
    response = client.get(_links(tight)[3], base_url=base)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert_secure(response, scheme == "https")
    assert response.headers["Cache-Control"] == "no-store"
    refused = client.post(_links(tight)[0], base_url=base, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert refused.status_code != 429, "another address has its own count"


@pytest.mark.sqlite_only
def test_the_count_starts_again_after_the_minute(tight, client, clock):
    path = _links(tight)[0]
    assert [client.get(path).status_code for _ in range(4)][-1] == 429
    clock(61)
    assert client.get(path).status_code != 429


@pytest.mark.sqlite_only
def test_public_pages_and_webhooks_are_not_counted_as_links(tight, client, clock):
    for _ in range(10):
        assert client.get("/").status_code == 200
        assert client.get("/signup").status_code == 200
        assert client.head("/webhooks/trello").status_code == 200
        assert client.post("/webhooks/trello", data=b"{}").status_code == 401
    assert client.get(_links(tight)[0]).status_code != 429


@pytest.mark.sqlite_only
def test_webhook_deliveries_are_never_limited_even_when_every_limit_is_tiny(app, client):
    app.config.update(PARTICIPANT_RATE_LIMIT="1 per day", SIGNUP_RATE_LIMIT="1 per day")
    statuses = {client.post("/webhooks/trello", data=b"{}").status_code for _ in range(30)}
    assert statuses == {401}
