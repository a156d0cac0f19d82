"""Several sandbox boards, tokens per member, the Power-Up per board and the per-key limit,
all over real HTTP as Trello answers them."""

import json
import sqlite3

import pytest
import requests

from trello_sandbox import constants
from trello_sandbox.server import SandboxServer
from trello_sandbox.webhooks.payload import sign

ADMIN, NORMAL = constants.ADMIN_MEMBER_ID, constants.NORMAL_MEMBER_ID
OBSERVER, OUTSIDER = constants.OBSERVER_MEMBER_ID, constants.OUTSIDER_MEMBER_ID


def _post(sandbox, path, body):
    """POST a control call; return the raw answer."""
    return requests.post(f"{sandbox.url}/sandbox/control/{path}", json=body, timeout=10)


def second_board(sandbox, **extra):
    """Make a private board whose admin is Nia (not the service token's Ada); return it."""
    body = {"name": "Second network", "members": {NORMAL: "admin", OBSERVER: "normal"}, **extra}
    answer = _post(sandbox, "boards", body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def token_for(sandbox, member, **extra):
    """Issue a token to a member as the sandbox's consent page would; return it."""
    answer = _post(sandbox, "tokens", {"idMember": member, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def as_token(sandbox, token, method, path, **kwargs):
    """Call /1/ with another token of the sandbox key."""
    return sandbox.api(method, path, params={"token": token, **kwargs.pop("params", {})}, **kwargs)


def test_a_new_board_has_its_own_members_roles_labels_and_idboards(sandbox):
    board = second_board(sandbox)
    assert board["powerUp"] is False and board["permissionLevel"] == "private"
    nia = token_for(sandbox, NORMAL)
    rows = as_token(sandbox, nia, "GET", f"/boards/{board['id']}/memberships").json()
    assert {r["idMember"]: r["memberType"] for r in rows} == {NORMAL: "admin", OBSERVER: "normal"}
    labels = as_token(sandbox, nia, "GET", f"/boards/{board['id']}/labels").json()
    assert [label["color"] for label in labels] == list(constants.DEFAULT_LABEL_COLORS)
    me = as_token(sandbox, nia, "GET", "/members/me").json()
    assert me["id"] == NORMAL and me["idBoards"] == [constants.BOARD_ID, board["id"]]
    listed = requests.get(f"{sandbox.url}/sandbox/control/boards", timeout=10).json()
    assert [b["id"] for b in listed] == [constants.BOARD_ID, board["id"]]
    assert listed[0]["powerUp"] is True and listed[0]["permissionLevel"] == "org"


@pytest.mark.parametrize(
    "body",
    [
        {"members": {NORMAL: "admin"}},
        {"name": "x", "members": {}},
        {"name": "x", "members": {NORMAL: "normal"}},
        {"name": "x", "members": {NORMAL: "admin", OBSERVER: "owner"}},
        {"name": "x", "members": {"0" * 24: "admin"}},
        {"name": "x", "members": {NORMAL: "admin"}, "permissionLevel": "team"},
        {"name": "x", "members": {NORMAL: "admin"}, "powerUp": "yes"},
    ],
)
def test_a_bad_board_is_refused(sandbox, body):
    answer = _post(sandbox, "boards", body)
    assert answer.status_code == 400 and answer.json()["error"]


def test_a_private_board_is_read_and_written_only_by_its_members(sandbox):
    board = second_board(sandbox)
    path = f"/boards/{board['id']}"
    # Ada (the default token's member) is not on it: Trello's 401 for reads and writes.
    for answer in (
        sandbox.api("GET", path),
        sandbox.api("GET", f"{path}/lists"),
        sandbox.api("POST", "/lists", json={"name": "x", "idBoard": board["id"]}),
    ):
        assert (answer.status_code, answer.text) == (401, "unauthorized permission requested")
    nia, oscar = token_for(sandbox, NORMAL), token_for(sandbox, OBSERVER)
    made = as_token(sandbox, nia, "POST", "/lists", json={"name": "Joined", "idBoard": board["id"]})
    assert made.status_code == 200
    card = as_token(
        sandbox, oscar, "POST", "/cards", json={"idList": made.json()["id"], "name": "c"}
    )
    assert card.status_code == 200  # a normal member of this board, though an observer of the first
    # Cards and lists of the board are refused to a non-member too, not only the board.
    for answer in (
        sandbox.api("GET", f"/cards/{card.json()['id']}"),
        sandbox.api("GET", f"/lists/{made.json()['id']}/cards"),
    ):
        assert (answer.status_code, answer.text) == (401, "unauthorized permission requested")
    # Nia is a normal member of the first board, which stays as it was.
    assert as_token(sandbox, nia, "GET", f"/boards/{constants.BOARD_ID}/lists").status_code == 200
    assert sandbox.api("GET", "/boards/not-an-id").text == "invalid id"


def test_membership_control_names_the_board_and_idboards_follow(sandbox):
    board = second_board(sandbox)
    sandbox.control("membership", idBoard=board["id"], idMember=ADMIN, memberType="normal")
    assert sandbox.api("GET", f"/boards/{board['id']}/lists").status_code == 200
    assert sandbox.api("GET", "/members/me").json()["idBoards"] == [constants.BOARD_ID, board["id"]]
    sandbox.control("membership", idBoard=board["id"], idMember=ADMIN, memberType=None)
    assert sandbox.api("GET", f"/boards/{board['id']}/lists").status_code == 401
    assert sandbox.api("GET", "/members/me").json()["idBoards"] == [constants.BOARD_ID]
    unknown = _post(
        sandbox, "membership", {"idBoard": "0" * 24, "idMember": ADMIN, "memberType": "normal"}
    )
    assert unknown.status_code == 400


def test_each_token_answers_for_its_own_member(sandbox):
    nia = token_for(sandbox, NORMAL, scope="read,write", expiration="30days")
    me = as_token(sandbox, nia, "GET", "/members/me").json()
    assert (me["id"], me["email"]) == (NORMAL, "niavolunteer@sandbox.invalid")
    about = as_token(sandbox, nia, "GET", f"/tokens/{nia}").json()
    assert list(about) == [
        "id",
        "identifier",
        "idMember",
        "dateCreated",
        "dateExpires",
        "permissions",
    ]
    assert about["idMember"] == NORMAL and about["dateExpires"] > about["dateCreated"]
    assert about["permissions"][0] == {
        "idModel": "*",
        "modelType": "Board",
        "read": True,
        "write": True,
    }
    assert as_token(sandbox, nia, "GET", f"/tokens/{nia}/member").json()["id"] == NORMAL
    default = sandbox.api("GET", f"/tokens/{sandbox.token}").json()
    assert default["idMember"] == ADMIN and default["dateExpires"] is None
    # One member's token does not show another member's.
    refused = as_token(sandbox, nia, "GET", f"/tokens/{sandbox.token}")
    assert (refused.status_code, refused.text) == (401, "invalid token")


def test_a_read_only_token_cannot_write(sandbox):
    reader = token_for(sandbox, ADMIN, scope="read")
    assert as_token(sandbox, reader, "GET", f"/boards/{sandbox.board_id}/lists").status_code == 200
    refused = as_token(
        sandbox, reader, "POST", "/lists", json={"name": "x", "idBoard": sandbox.board_id}
    )
    assert (refused.status_code, refused.text) == (401, "unauthorized permission requested")
    assert _post(sandbox, "tokens", {"idMember": ADMIN, "scope": "admin"}).status_code == 400
    assert _post(sandbox, "tokens", {"idMember": ADMIN, "expiration": "1week"}).status_code == 400


def test_each_boards_webhook_is_its_tokens_and_revoking_the_token_deletes_it(
    sandbox, webhook_receiver
):
    board = second_board(sandbox)
    nia = token_for(sandbox, NORMAL)
    first = sandbox.api(
        "POST", "/webhooks", json={"callbackURL": webhook_receiver.url, "idModel": sandbox.board_id}
    ).json()
    second = as_token(
        sandbox,
        nia,
        "POST",
        "/webhooks",
        json={"callbackURL": webhook_receiver.url, "idModel": board["id"]},
    ).json()
    # Ada's token may not watch a private board she is not on.
    refused = sandbox.api(
        "POST", "/webhooks", json={"callbackURL": webhook_receiver.url, "idModel": board["id"]}
    )
    assert (refused.status_code, refused.text) == (401, "unauthorized permission requested")
    assert [h["id"] for h in as_token(sandbox, nia, "GET", f"/tokens/{nia}/webhooks").json()] == [
        second["id"]
    ]
    about = as_token(sandbox, nia, "GET", f"/tokens/{nia}", params={"webhooks": "true"}).json()
    assert [h["id"] for h in about["webhooks"]] == [second["id"]]
    as_token(sandbox, nia, "POST", "/lists", json={"name": "Second's", "idBoard": board["id"]})
    [delivery] = webhook_receiver.wait(1, "createList")
    body = json.loads(delivery["body"])
    assert body["model"]["id"] == board["id"] and body["webhook"]["id"] == second["id"]
    assert delivery["headers"]["X-Trello-Webhook"] == sign(
        constants.API_SECRET, delivery["body"], webhook_receiver.url
    )

    revoked = as_token(sandbox, nia, "DELETE", f"/tokens/{nia}")
    assert (revoked.status_code, revoked.json()) == (200, {"_value": None})
    after = as_token(sandbox, nia, "GET", "/members/me")
    assert (after.status_code, after.text) == (401, "invalid token")
    # Its webhook went with it; the first board's, made by another token, stays.
    assert [h["id"] for h in sandbox.api("GET", f"/tokens/{sandbox.token}/webhooks").json()] == [
        first["id"]
    ]
    sandbox.control("membership", idBoard=board["id"], idMember=ADMIN, memberType="normal")
    sandbox.api("POST", "/lists", json={"name": "After", "idBoard": board["id"]})
    sandbox.api("POST", "/lists", json={"name": "First's", "idBoard": sandbox.board_id})
    webhook_receiver.wait(2, "createList")
    names = [
        json.loads(d["body"])["action"]["data"]["list"]["name"]
        for d in webhook_receiver.deliveries("createList")
    ]
    assert names == ["Second's", "First's"]


def test_a_token_may_revoke_another_of_its_members_but_not_someone_elses(sandbox):
    old, new = token_for(sandbox, NORMAL), token_for(sandbox, NORMAL)
    assert as_token(sandbox, new, "DELETE", f"/tokens/{old}").status_code == 200
    assert as_token(sandbox, old, "GET", "/members/me").status_code == 401
    assert as_token(sandbox, new, "DELETE", f"/tokens/{sandbox.token}").status_code == 401
    assert sandbox.api("GET", "/members/me").status_code == 200


def test_the_power_up_is_enabled_per_board(sandbox):
    board = second_board(sandbox)
    nia = token_for(sandbox, NORMAL)
    plugins = sandbox.api("GET", f"/boards/{sandbox.board_id}/boardPlugins").json()
    assert [p["idPlugin"] for p in plugins] == [constants.POWERUP_ID]
    assert as_token(sandbox, nia, "GET", f"/boards/{board['id']}/boardPlugins").json() == []
    assert sandbox.control("power-up", idBoard=board["id"], enabled=True)["powerUp"] is True
    plugins = as_token(sandbox, nia, "GET", f"/boards/{board['id']}/boardPlugins").json()
    assert [(p["idBoard"], p["idPlugin"]) for p in plugins] == [(board["id"], constants.POWERUP_ID)]
    assert (
        sandbox.control("power-up", idBoard=constants.BOARD_ID, enabled=False)["powerUp"] is False
    )
    assert sandbox.api("GET", f"/boards/{sandbox.board_id}/boardPlugins").json() == []
    assert _post(sandbox, "power-up", {"idBoard": board["id"]}).status_code == 400
    sandbox.control("reset")
    assert [
        b["id"] for b in requests.get(f"{sandbox.url}/sandbox/control/boards", timeout=10).json()
    ] == [constants.BOARD_ID]


def test_disabling_the_power_up_delivers_disable_plugin_to_the_boards_webhooks(
    sandbox, webhook_receiver
):
    board = second_board(sandbox, powerUp=True)
    nia = token_for(sandbox, NORMAL)
    hook = {"callbackURL": webhook_receiver.url, "idModel": board["id"]}
    as_token(sandbox, nia, "POST", "/webhooks", json=hook)
    sandbox.control("power-up", idBoard=board["id"], enabled=True)  # already on: no action
    form = {"board": board["id"], "member": NORMAL, "enabled": "false"}
    requests.post(f"{sandbox.url}/sandbox/board/power-up", data=form, timeout=5)
    sandbox.control("power-up", idBoard=board["id"], enabled=False)  # already off: no action
    [delivery] = webhook_receiver.wait(1, "disablePlugin")
    action = json.loads(delivery["body"])["action"]
    assert action["idMemberCreator"] == NORMAL
    assert action["data"]["board"]["id"] == board["id"]
    assert action["data"]["plugin"]["id"] == constants.POWERUP_ID
    assert action["display"]["translationKey"] == "action_disable_plugin"
    # Deliveries keep the actions' order: once a later action arrived, no second one is coming.
    as_token(sandbox, nia, "POST", "/lists", json={"name": "Later", "idBoard": board["id"]})
    webhook_receiver.wait(1, "createList")
    assert len(webhook_receiver.deliveries("disablePlugin")) == 1
    hooks = requests.get(f"{sandbox.url}/sandbox/control/webhooks", timeout=5).json()
    assert [(h["idModel"], h["active"]) for h in hooks] == [(board["id"], True)]


def test_a_new_member_can_be_added_and_given_a_board(sandbox):
    answer = _post(sandbox, "members", {"fullName": "Bea Board", "username": "beaboard"})
    assert answer.status_code == 201
    bea = answer.json()["id"]
    assert (
        _post(sandbox, "members", {"fullName": "Again", "username": "beaboard"}).status_code == 400
    )
    made = _post(sandbox, "boards", {"name": "Bea's network", "members": {bea: "admin"}}).json()
    token = token_for(sandbox, bea)
    me = as_token(sandbox, token, "GET", "/members/me").json()
    assert (me["fullName"], me["idBoards"]) == ("Bea Board", [made["id"]])


def test_tokens_have_their_own_window_and_share_the_keys(sandbox):
    # Four members' tokens; the key allows 300 per 10 s across all of them.
    tokens = [sandbox.token] + [token_for(sandbox, m) for m in (NORMAL, OBSERVER, NORMAL)]
    path = f"/boards/{sandbox.board_id}/labels"
    for token in tokens[:3]:
        seen = [as_token(sandbox, token, "GET", path) for _ in range(100)]
        assert [r.status_code for r in seen] == [200] * 100
        assert seen[0].headers["x-rate-limit-api-token-remaining"] == "99"
    over = as_token(sandbox, tokens[0], "GET", path)
    assert over.status_code == 429
    # The fourth token has its whole window, but the key has none left.
    refused = as_token(sandbox, tokens[3], "GET", path)
    assert refused.status_code == 429
    assert refused.json() == {"error": "API_KEY_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    assert refused.headers["x-rate-limit-api-key-max"] == "300"
    assert refused.headers["x-rate-limit-api-key-interval-ms"] == "10000"
    assert refused.headers["x-rate-limit-api-key-remaining"] == "0"
    assert refused.headers["x-rate-limit-api-token-remaining"] == "100"


def test_the_key_window_counts_every_tokens_calls(sandbox):
    nia = token_for(sandbox, NORMAL)
    path = f"/boards/{sandbox.board_id}/labels"
    for _ in range(3):
        sandbox.api("GET", path)
    answer = as_token(sandbox, nia, "GET", path)
    assert answer.headers["x-rate-limit-api-token-remaining"] == "99"
    assert answer.headers["x-rate-limit-api-key-remaining"] == "296"


def test_the_home_page_lists_boards_and_adds_a_second_with_one_click(sandbox):
    page = requests.get(sandbox.url + "/", timeout=5).text
    assert constants.BOARD_NAME in page and "Add a second board" in page
    added = requests.post(f"{sandbox.url}/sandbox/boards", timeout=5)
    assert "<h1>Second network (sandbox)</h1>" in added.text and "Enable UnMentoring" in added.text
    [_, second] = requests.get(f"{sandbox.url}/sandbox/control/boards", timeout=5).json()
    roles = {m["idMember"]: m["memberType"] for m in second["memberships"]}
    assert roles == {NORMAL: "admin", OUTSIDER: "normal", OBSERVER: "normal"}
    page = requests.get(sandbox.url + "/", timeout=5).text
    assert f"/sandbox/board?board={second['id']}" in page and "Add another board" in page


def test_the_second_boards_page_and_forms_act_on_that_board(sandbox):
    board = second_board(sandbox)
    form = {"board": board["id"], "member": NORMAL, "name": "Second's list"}
    page = requests.post(f"{sandbox.url}/sandbox/board/add-list", data=form, timeout=5)
    assert f"board={board['id']}" in page.url  # back on the board the form acted on
    assert "Second&#39;s list" in page.text and "<h1>Second network</h1>" in page.text
    nia = token_for(sandbox, NORMAL)
    assert [
        x["name"] for x in as_token(sandbox, nia, "GET", f"/boards/{board['id']}/lists").json()
    ] == ["Second's list"]
    assert sandbox.api("GET", f"/boards/{sandbox.board_id}/lists").json() == []
    view = requests.get(
        f"{sandbox.url}/sandbox/board.json", params={"board": board["id"]}, timeout=5
    )
    assert view.json()["board"]["id"] == board["id"]
    missing = requests.get(f"{sandbox.url}/sandbox/board", params={"board": "0" * 24}, timeout=5)
    assert missing.status_code == 404


def test_the_board_page_hosts_the_power_up_only_where_it_is_enabled(sandbox):
    board = second_board(sandbox)
    app = "http://127.0.0.1:9/"
    params = {"board": board["id"], "as": NORMAL, "app": app}
    page = requests.get(f"{sandbox.url}/sandbox/board", params=params, timeout=5).text
    assert "powerup-host.js" not in page and "UnMentoring is <strong>not enabled</strong>" in page
    form = {"board": board["id"], "member": OBSERVER, "enabled": "true"}
    refused = requests.post(f"{sandbox.url}/sandbox/board/power-up", data=form, timeout=5)
    assert "Only the board&#39;s admins can add or remove Power-Ups." in refused.text
    form["member"] = NORMAL
    done = requests.post(
        f"{sandbox.url}/sandbox/board/power-up", params={"app": app}, data=form, timeout=5
    )
    assert "powerup-host.js" in done.text and "Disable UnMentoring" in done.text
    first = requests.get(f"{sandbox.url}/sandbox/board", params={"app": app}, timeout=5).text
    assert "powerup-host.js" in first  # the first board has it enabled from the start


@pytest.mark.parametrize(
    "query, said",
    [
        ({"key": "nope"}, "invalid key"),
        ({"scope": "admin"}, "invalid scope"),
        ({"expiration": "1week"}, "invalid expiration"),
        ({"return_url": "javascript:alert(1)"}, "invalid return_url"),
    ],
)
def test_the_consent_page_refuses_a_bad_request(sandbox, query, said):
    good = {
        "key": constants.API_KEY,
        "name": "UnMentoring",
        "scope": "read,write",
        "expiration": "never",
        "return_url": "http://127.0.0.1:5000",
        "member": NORMAL,
    }
    answer = requests.get(f"{sandbox.url}/sandbox/authorize", params={**good, **query}, timeout=5)
    assert answer.status_code == 400 and said in answer.text


def test_the_consent_page_issues_a_token_only_on_allow_and_only_to_a_signed_in_member(sandbox):
    query = {
        "key": constants.API_KEY,
        "name": "UnMentoring",
        "scope": "read",
        "expiration": "1day",
        "return_url": "http://127.0.0.1:5000/x",
    }
    url = f"{sandbox.url}/sandbox/authorize"
    signed_out = requests.get(url, params=query, timeout=5).text
    assert "Log in to Trello" in signed_out and "Allow</button>" not in signed_out
    shown = requests.get(url, params={**query, "member": NORMAL}, timeout=5).text
    assert "Allow UnMentoring to read your boards" in shown and "for 1 day" in shown
    denied = requests.post(url, data={**query, "member": NORMAL, "decision": "deny"}, timeout=5)
    assert '"error": "Authorization denied"' in denied.text and "ATTA" not in denied.text
    allowed = requests.post(url, data={**query, "member": NORMAL, "decision": "allow"}, timeout=5)
    token = allowed.text.split('"token": "')[1].split('"')[0]
    assert '"http://127.0.0.1:5000"' in allowed.text  # posted to the opener's origin only
    about = as_token(sandbox, token, "GET", f"/tokens/{token}").json()
    assert about["idMember"] == NORMAL and about["permissions"][0]["write"] is False
    assert [t["id"] for t in as_token(sandbox, token, "GET", "/members/me/tokens").json()] == [
        about["id"]
    ]
    nobody = requests.post(url, data={**query, "decision": "allow"}, timeout=5)
    assert nobody.status_code == 400


def test_a_state_kept_before_tokens_were_stored_still_takes_the_default_token(tmp_path):
    state = str(tmp_path / "sandbox.sqlite3")
    first = SandboxServer(state_path=state, rate_limits=False).start()
    first.stop()
    with sqlite3.connect(state) as db:  # as an older sandbox left it: no tokens, no boardPlugins
        db.execute("DELETE FROM docs WHERE kind IN ('token', 'boardPlugin')")
    second = SandboxServer(state_path=state, rate_limits=False).start()
    try:
        params = {"key": constants.API_KEY, "token": constants.API_TOKEN}
        me = requests.get(f"{second.api_base}/members/me", params=params, timeout=5)
        assert me.json()["id"] == ADMIN
        path = f"{second.api_base}/boards/{constants.BOARD_ID}/boardPlugins"
        assert len(requests.get(path, params=params, timeout=5).json()) == 1
    finally:
        second.stop()
