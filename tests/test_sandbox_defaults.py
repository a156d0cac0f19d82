"""Sandbox mode's defaults in app/config.py are the sandbox's own identities, so the two agree."""

import pytest

from app.config import SANDBOX_DEFAULTS, Config
from trello_sandbox import constants

SETTINGS = ("SANDBOX_URL", "TRELLO_API_BASE", *SANDBOX_DEFAULTS)


def test_the_apps_sandbox_defaults_are_the_sandboxs_published_identities():
    assert SANDBOX_DEFAULTS == {
        "SANDBOX_PORT": constants.DEFAULT_PORT,
        "TRELLO_API_KEY": constants.API_KEY,
        "TRELLO_TOKEN": constants.API_TOKEN,
        "TRELLO_API_SECRET": constants.API_SECRET,
        "TRELLO_BOARD_ID": constants.BOARD_ID,
        "TRELLO_POWERUP_ID": constants.POWERUP_ID,
    }


@pytest.fixture
def empty_environment(monkeypatch):
    """Unset every Trello and sandbox setting, as on a fresh checkout."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("empty_environment")
def test_an_empty_environment_calls_the_sandbox_with_its_credentials():
    config = Config()
    assert config.SANDBOX
    assert config.TRELLO_API_BASE == f"http://127.0.0.1:{constants.DEFAULT_PORT}/1"
    assert (config.TRELLO_API_KEY, config.TRELLO_TOKEN) == (constants.API_KEY, constants.API_TOKEN)
    assert (config.TRELLO_API_SECRET, config.TRELLO_BOARD_ID) == (
        constants.API_SECRET,
        constants.BOARD_ID,
    )


@pytest.mark.usefixtures("empty_environment")
def test_a_real_trello_key_leaves_no_sandbox_credential_behind(monkeypatch):
    monkeypatch.setenv("TRELLO_API_KEY", "a-real-key")
    config = Config()
    assert not config.SANDBOX and config.TRELLO_API_BASE == "https://api.trello.com/1"
    left = (config.TRELLO_TOKEN, config.TRELLO_API_SECRET, config.TRELLO_BOARD_ID)
    assert left + (config.TRELLO_POWERUP_ID,) == (None,) * 4
