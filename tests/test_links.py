"""Signed links: one person, one purpose, an expiry; anything else is refused."""

import pytest

from app.links import LinkError, make_token, read_token
from tests.signup_helpers import eight_days_on


def test_a_link_opens_for_its_person_and_purpose(app):
    with app.app_context():
        assert read_token(make_token(7, "manage"), "manage")["p"] == 7
        assert read_token(make_token(7, "met", round=3), "met")["round"] == 3


def test_a_link_for_one_purpose_opens_nothing_else(app):
    with app.app_context():
        with pytest.raises(LinkError) as refused:
            read_token(make_token(7, "confirm"), "manage")
    assert refused.value.reason == "invalid"


@pytest.mark.parametrize("token", ["", "x" * 10_000, "eyJwIjo3fQ.abc.def", "../../etc/passwd"])
def test_tampered_or_made_up_links_are_invalid(app, token):
    with app.app_context():
        with pytest.raises(LinkError) as refused:
            read_token(token, "manage")
    assert refused.value.reason == "invalid"


def test_a_link_signed_with_another_key_is_invalid(app):
    with app.app_context():
        token = make_token(7, "manage")
        app.config["SECRET_KEY"] = "another-key"
        with pytest.raises(LinkError):
            read_token(token, "manage")


def test_links_expire_by_purpose_or_as_told(app, monkeypatch):
    with app.app_context():
        confirm, manage = make_token(7, "confirm"), make_token(7, "manage")
        eight_days_on(monkeypatch)
        with pytest.raises(LinkError) as expired:
            read_token(confirm, "confirm")
        assert expired.value.reason == "expired"
        assert read_token(manage, "manage")["p"] == 7
        with pytest.raises(LinkError):
            read_token(manage, "manage", max_age=24 * 3600)


def test_links_signed_before_a_key_rotation_open_while_the_old_key_is_a_fallback(app):
    with app.app_context():
        old = make_token(7, "manage")
        app.config.update(SECRET_KEY="the-new-key", SECRET_KEY_FALLBACKS=["test-secret-key"])
        assert read_token(old, "manage")["p"] == 7
        new = make_token(7, "manage")
        assert new != old and read_token(new, "manage")["p"] == 7
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert read_token(new, "manage")["p"] == 7
        with pytest.raises(LinkError):
            read_token(old, "manage")


def test_a_link_altered_where_base64_would_not_notice_is_invalid(app):
    with app.app_context():
        token = make_token(7, "manage")
        head, rest = token[:4], token[4:]
        for altered in (head + "é" + rest, head + "=" + rest, token + "\n"):
            with pytest.raises(LinkError) as refused:
                read_token(altered, "manage")
            assert refused.value.reason == "invalid"
