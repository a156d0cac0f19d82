"""Trello's authorisation flow stood in for, in a real browser: a second board added with one
click, UnMentoring enabled from its Power-Ups menu, the gear's "Authorize Account" (from
authorization-status and show-authorization), t.getRestApi().authorize() and the consent
window, with a tiny Power-Up of the test's own (the app's does not authorise yet)."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
import requests
from playwright.sync_api import expect

from trello_sandbox import constants

NORMAL, OBSERVER = constants.NORMAL_MEMBER_ID, constants.OBSERVER_MEMBER_ID
CONNECTOR = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<script src="{sandbox}/sandbox/power-up.min.js"></script></head><body><script>
TrelloPowerUp.initialize({{
  'authorization-status': function (t) {{
    return t.getRestApi().isAuthorized().then(function (yes) {{ return {{ authorized: yes }}; }});
  }},
  'show-authorization': function (t) {{
    return t.popup({{ title: 'Authorise UnMentoring', url: './authorize.html', height: 140 }});
  }}
}}, {{ appKey: '{key}', appName: 'UnMentoring' }});
</script></body></html>"""
AUTHORISE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<script src="{sandbox}/sandbox/power-up.min.js"></script></head><body>
<button id="go">Authorise</button><button id="forget">Forget</button><p id="result"></p>
<script>
var result = document.getElementById('result');
try {{ TrelloPowerUp.iframe().getRestApi(); }} catch (e) {{ result.dataset.bare = e.message; }}
var t = TrelloPowerUp.iframe({{ appKey: '{key}', appName: 'UnMentoring' }});
document.getElementById('go').addEventListener('click', function () {{
  t.getRestApi().authorize({{ scope: 'read,write', expiration: 'never' }}).then(function (token) {{
    return t.getRestApi().getToken().then(function (kept) {{
      result.textContent = 'token ' + token + ' kept ' + (kept === token);
    }});
  }}, function (error) {{ result.textContent = 'refused: ' + error.message; }});
}});
document.getElementById('forget').addEventListener('click', function () {{
  t.getRestApi().clearToken().then(function () {{ return t.getRestApi().isAuthorized(); }})
    .then(function (yes) {{ result.textContent = 'authorized ' + yes; }});
}});
</script></body></html>"""


class _Quiet(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_powerup(sandbox, tmp_path):
    """Serve the test's Power-Up (connector and authorise page) on an origin of its own."""
    folder = tmp_path / "powerup"
    folder.mkdir()
    fill = {"sandbox": sandbox.url, "key": constants.API_KEY}
    (folder / "index.html").write_text(CONNECTOR.format(**fill))
    (folder / "authorize.html").write_text(AUTHORISE.format(**fill))
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def board_page(page, sandbox, board_id, member, app):
    """Open a board's page acting as member, hosting the app's Power-Up if enabled there."""
    page.goto(f"{sandbox.url}/sandbox/board?board={board_id}&as={member}&app={quote(app)}")


def authorise(page, answer):
    """From the board's Power-Ups gear, authorise and answer the consent window; return the
    consent window's text and the Power-Up popup's frame."""
    page.locator("#power-ups summary").click()
    page.get_by_role("button", name="UnMentoring settings").click()
    page.get_by_role("button", name="Authorize Account").click()
    frame = page.frame_locator(".pu-popup iframe")
    with page.expect_popup() as opened:
        frame.get_by_role("button", name="Authorise").click()
    consent = opened.value
    consent.wait_for_load_state()
    said = consent.locator("main").inner_text()
    consent.get_by_role("button", name=answer).click()
    return said, frame


def test_a_member_authorises_the_power_up_on_a_second_board(page, sandbox, tiny_powerup):
    page.goto(sandbox.url + "/")
    page.get_by_role("button", name="Add a second board").click()
    expect(page.locator("main.board h1")).to_have_text("Second network (sandbox)")
    [_, second] = requests.get(f"{sandbox.url}/sandbox/control/boards", timeout=5).json()
    assert second["powerUp"] is False
    board_page(page, sandbox, second["id"], NORMAL, tiny_powerup)
    expect(page.locator("#power-ups")).to_contain_text("UnMentoring is not enabled")
    assert page.locator("iframe[title='UnMentoring Power-Up connector']").count() == 0

    # Nia, the board's admin, enables it from the Power-Ups menu: the board now hosts it.
    page.locator("#power-ups summary").click()
    page.get_by_role("button", name="Enable UnMentoring").click()
    expect(page.locator("body")).to_have_attribute("data-powerup", "ready")
    said, frame = authorise(page, "Allow")
    assert "Allow UnMentoring to read and write your boards" in said
    assert "Nia Volunteer" in said and "until you revoke it" in said
    result = frame.locator("#result")
    expect(result).to_contain_text("kept true")
    token = result.inner_text().split()[1]
    expect(result).to_have_attribute(
        "data-bare",
        "The REST API client needs appKey and appName"
        " in TrelloPowerUp.initialize() or TrelloPowerUp.iframe()",
    )

    # The token is Nia's, for the app, and reads her private board.
    params = {"key": constants.API_KEY, "token": token}
    me = requests.get(f"{sandbox.api_base}/members/me", params=params, timeout=5).json()
    assert me["id"] == NORMAL
    about = requests.get(f"{sandbox.api_base}/tokens/{token}", params=params, timeout=5).json()
    assert about["identifier"] == "UnMentoring" and about["dateExpires"] is None
    lists = requests.get(
        f"{sandbox.api_base}/boards/{second['id']}/lists", params=params, timeout=5
    )
    assert lists.status_code == 200

    # authorization-status now says authorised: the gear offers no "Authorize Account".
    page.get_by_role("button", name="Close Authorise UnMentoring").click()
    page.get_by_role("button", name="UnMentoring settings").click()
    expect(page.locator(".pu-auth")).to_have_attribute("data-status", "authorized")


def test_denying_rejects_authorize_and_issues_no_token(page, sandbox, tiny_powerup):
    second = requests.post(
        f"{sandbox.url}/sandbox/control/boards",
        json={"name": "Other", "members": {NORMAL: "admin", OBSERVER: "normal"}, "powerUp": True},
        timeout=5,
    ).json()
    board_page(page, sandbox, second["id"], OBSERVER, tiny_powerup)
    expect(page.locator("body")).to_have_attribute("data-powerup", "ready")
    said, frame = authorise(page, "Deny")
    assert "Oscar Observer" in said
    expect(frame.locator("#result")).to_have_text("refused: Authorization denied")
    # Oscar's only token is the one this test now asks the sandbox for.
    asked = requests.post(
        f"{sandbox.url}/sandbox/control/tokens", json={"idMember": OBSERVER}, timeout=5
    ).json()["token"]
    params = {"key": constants.API_KEY, "token": asked}
    held = requests.get(f"{sandbox.api_base}/members/me/tokens", params=params, timeout=5).json()
    assert len(held) == 1
    page.get_by_role("button", name="Close Authorise UnMentoring").click()
    page.get_by_role("button", name="UnMentoring settings").click()
    expect(page.locator(".pu-auth")).to_have_attribute("data-status", "unauthorized")


def test_clear_token_forgets_the_token_in_the_browser(page, sandbox, tiny_powerup):
    board_page(page, sandbox, constants.BOARD_ID, NORMAL, tiny_powerup)
    expect(page.locator("body")).to_have_attribute("data-powerup", "ready")
    _, frame = authorise(page, "Allow")
    expect(frame.locator("#result")).to_contain_text("kept true")
    frame.get_by_role("button", name="Forget").click()
    expect(frame.locator("#result")).to_have_text("authorized false")
    page.get_by_role("button", name="Close Authorise UnMentoring").click()
    page.get_by_role("button", name="UnMentoring settings").click()
    expect(page.locator(".pu-auth")).to_have_attribute("data-status", "unauthorized")


def test_only_a_board_admin_may_enable_the_power_up(page, sandbox, tiny_powerup):
    board_page(page, sandbox, constants.BOARD_ID, OBSERVER, tiny_powerup)
    page.locator("#power-ups summary").click()
    page.get_by_role("button", name="Disable UnMentoring").click()
    expect(page.locator("p.error")).to_contain_text("Only the board's admins can add or remove")
    expect(page.locator("body")).to_have_attribute("data-powerup", "ready")
