"""Sandbox-only surface: JWTs, the mail outbox, the pages, reset, persistence and the CLI."""

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
import requests

from trello_sandbox import constants
from trello_sandbox.server import SandboxServer


def _published_keys(sandbox):
    """Return the JWT public-key document, fetched without credentials."""
    return requests.get(f"{sandbox.api_base}/resource/jwt-public-keys", timeout=5).json()


def test_minted_jwt_is_made_as_trellos_and_verifies_against_the_published_pem(sandbox):
    token = sandbox.jwt(constants.NORMAL_MEMBER_ID, state="s1")
    published = _published_keys(sandbox)
    # Trello's document: {"keys": [PEM strings]}; its tokens name no key (t.jwt docs example).
    assert list(published) == ["keys"]
    [pem] = published["keys"]
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT"}
    claims = jwt.decode(token, pem, algorithms=["RS256"], issuer="trello")
    assert claims["idMember"] == constants.NORMAL_MEMBER_ID
    assert (claims["idBoard"], claims["idPlugin"]) == (constants.BOARD_ID, constants.POWERUP_ID)
    assert claims["state"] == "s1" and claims["exp"] - claims["iat"] == 15 * 60


def test_a_rotation_publishes_two_keys_signs_with_the_new_and_a_reset_ends_it(sandbox):
    [old] = _published_keys(sandbox)["keys"]
    before = sandbox.jwt(constants.NORMAL_MEMBER_ID)
    rotated = sandbox.control("jwt-keys", rotate=True)["keys"]
    assert len(rotated) == 2 and rotated[1] == old and _published_keys(sandbox)["keys"] == rotated
    after = sandbox.jwt(constants.NORMAL_MEMBER_ID)
    jwt.decode(before, old, algorithms=["RS256"])
    jwt.decode(after, rotated[0], algorithms=["RS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(after, old, algorithms=["RS256"])
    sandbox.control("reset")
    assert _published_keys(sandbox)["keys"] == rotated[:1]


def test_expired_or_foreign_tokens_fail_verification(sandbox):
    [key] = _published_keys(sandbox)["keys"]
    expired = sandbox.jwt(constants.ADMIN_MEMBER_ID, ttl=-5)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(expired, key, algorithms=["RS256"])
    forged = jwt.encode(
        {"idMember": constants.ADMIN_MEMBER_ID}, "a-guessed-shared-secret-" * 2, algorithm="HS256"
    )
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(forged, key, algorithms=["RS256"])
    refused = requests.post(f"{sandbox.url}/sandbox/jwt", json={}, timeout=5)
    assert refused.status_code == 400


def test_mail_is_kept_newest_first_and_shown_with_clickable_links(sandbox):
    for subject in ("First", "Second"):
        body = {
            "from": "un@localhost",
            "to": "ada@example.org",
            "subject": subject,
            "text": f"{subject}: see https://example.org/me/abc.",
        }
        made = requests.post(f"{sandbox.url}/sandbox/mail/messages", json=body, timeout=5)
        assert made.status_code == 201 and made.json()["id"]
    assert [m["subject"] for m in sandbox.mails()] == ["Second", "First"]
    page = requests.get(f"{sandbox.url}/sandbox/mail", timeout=5).text
    assert page.index("Second") < page.index("First")
    assert '<a href="https://example.org/me/abc">https://example.org/me/abc</a>.' in page
    missing = requests.post(f"{sandbox.url}/sandbox/mail/messages", json={"to": "x"}, timeout=5)
    assert missing.status_code == 400


def _send_mail(sandbox, message_id=None):
    """POST one mail to the sandbox outbox, with a Message-ID header when given."""
    body = {"from": "un@localhost", "to": "ada@example.org", "subject": "Hi", "text": "t"}
    if message_id:
        body["headers"] = {"Message-ID": message_id}
    return requests.post(f"{sandbox.url}/sandbox/mail/messages", json=body, timeout=5)


def test_a_mail_sent_again_is_kept_once_and_every_send_is_counted(sandbox):
    answers = [_send_mail(sandbox, "<one@unmentoring.local>") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.json()["id"] for a in answers}) == 1
    assert [_send_mail(sandbox).status_code for _ in range(2)] == [201, 201]  # no Message-ID
    assert sorted(m["received"] for m in sandbox.mails()) == [1, 1, 3]


def test_the_same_mail_sent_at_once_from_many_workers_is_kept_once(sandbox):
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _send_mail(sandbox, "<race@x>"), range(8)))
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    [kept] = sandbox.mails()
    assert kept["received"] == 8


def test_board_page_renders_cards_and_its_forms_act_as_a_board_member(sandbox):
    lst = sandbox.api(
        "POST", "/lists", json={"name": "Matched", "idBoard": sandbox.board_id}
    ).json()
    partner = sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "Bo <b>"}).json()
    desc = f"Partner: {partner['shortUrl']}"
    card = sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "Al", "desc": desc})
    form = {"member": constants.NORMAL_MEMBER_ID, "card": card.json()["id"], "text": "We met"}
    posted = requests.post(f"{sandbox.url}/sandbox/board/comment", data=form, timeout=5)
    assert posted.status_code == 200  # followed the redirect back to the board

    page = posted.text
    assert "Bo &lt;b&gt;" in page and f'<a href="#card-{partner["shortLink"]}">' in page
    assert "Nia Volunteer" in page and "We met" in page
    [comment] = sandbox.api("GET", f"/cards/{form['card']}/actions").json()
    assert comment["idMemberCreator"] == constants.NORMAL_MEMBER_ID
    form["member"] = constants.OBSERVER_MEMBER_ID
    refused = requests.post(f"{sandbox.url}/sandbox/board/archive", data=form, timeout=5)
    assert "unauthorized permission requested" in refused.text
    version = requests.get(f"{sandbox.url}/sandbox/board.json", timeout=5).json()["version"]
    assert version == comment["id"]


def test_index_links_the_pages_and_shows_the_sandbox_credentials(sandbox):
    page = requests.get(sandbox.url + "/", timeout=5).text
    for text in ("/sandbox/board", "/sandbox/mail", constants.API_KEY, constants.API_SECRET):
        assert text in page


def test_reset_wipes_lists_mail_faults_and_logs(sandbox):
    sandbox.api("POST", "/lists", json={"name": "Temp", "idBoard": sandbox.board_id})
    requests.post(
        f"{sandbox.url}/sandbox/mail/messages",
        json={"from": "a", "to": "b", "subject": "s", "text": "t"},
        timeout=5,
    )
    sandbox.control("faults", status=500, count=5)
    sandbox.control("reset")
    assert sandbox.api("GET", f"/boards/{sandbox.board_id}/lists").json() == []
    assert sandbox.mails() == [] and len(sandbox.requests()) == 1


def test_state_file_survives_a_restart_on_the_same_port(tmp_path):
    state = str(tmp_path / "sandbox.sqlite3")
    first = SandboxServer(state_path=state, rate_limits=False).start()
    port, params = first.port, {"key": constants.API_KEY, "token": constants.API_TOKEN}
    body = {"name": "Kept", "idBoard": constants.BOARD_ID}
    requests.post(f"{first.api_base}/lists", params=params, json=body, timeout=5)
    keys = requests.get(f"{first.api_base}/resource/jwt-public-keys", timeout=5).json()["keys"]
    first.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(first.url + "/", timeout=1)

    second = SandboxServer(port=port, state_path=state).start()
    try:
        lists = requests.get(f"{second.api_base}/boards/{constants.BOARD_ID}/lists", params=params)
        assert [x["name"] for x in lists.json()] == ["Kept"]
        again = requests.get(f"{second.api_base}/resource/jwt-public-keys", timeout=5).json()
        assert again["keys"] == keys
    finally:
        second.stop()


def test_cli_serves_the_sandbox_and_prints_its_urls(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "trello_sandbox",
        "--port",
        str(port),
        "--no-rate-limits",
        "--state",
        str(tmp_path / "cli.sqlite3"),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line
        assert "/sandbox/board" in process.stdout.readline()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/", timeout=1).ok
                break
            except requests.ConnectionError:
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=5)


def _statuses_of_gets(sandbox, count):
    """Return the statuses of count plain board reads."""
    path = f"/boards/{sandbox.board_id}/lists"
    return [sandbox.api("GET", path).status_code for _ in range(count)]


def test_a_seeded_share_of_requests_fails_the_same_way_each_time(sandbox):
    spec = {"rate": 0.3, "seed": 7, "kinds": [429, 500]}
    sandbox.control("faults", **spec)
    first = _statuses_of_gets(sandbox, 40)
    sandbox.control("faults", **spec)
    assert _statuses_of_gets(sandbox, 40) == first
    assert {429, 500, 200} == set(first) and 4 <= len([s for s in first if s != 200]) <= 20
    sandbox.control("faults", clear=True)
    assert set(_statuses_of_gets(sandbox, 10)) == {200}


def _post_list_with_short_timeout(sandbox, name):
    """Create a list as an impatient client; return True when an answer arrived in time."""
    try:
        body = {"name": name, "idBoard": sandbox.board_id}
        sandbox.api("POST", "/lists", json=body, timeout=0.2)
        return True
    except requests.exceptions.ReadTimeout:
        return False


def _list_names(sandbox):
    """Return the names of the board's lists."""
    return [x["name"] for x in sandbox.api("GET", f"/boards/{sandbox.board_id}/lists").json()]


@pytest.mark.parametrize(("kind", "made"), [("timeout", False), ("lost-answer", True)])
def test_a_timeout_either_drops_the_request_or_loses_only_the_answer(sandbox, kind, made):
    sandbox.control("faults", rate=1, seed=1, kinds=[kind], timeout=0.5)
    assert not _post_list_with_short_timeout(sandbox, "Slow")
    sandbox.control("faults", clear=True)
    time.sleep(0.5)  # the sandbox finishes the request after the client has given up
    assert _list_names(sandbox) == (["Slow"] if made else [])
    [post] = [r for r in sandbox.requests() if r["method"] == "POST"]
    assert post["fault"] == kind  # the log names the fault a call met


@pytest.mark.parametrize(
    "spec",
    [
        {"rate": 2},
        {"rate": 0.1, "seed": "x"},
        {"rate": 0.1, "kinds": [418]},
        {"rate": 0.1, "kinds": []},
    ],
)
def test_a_bad_random_fault_spec_is_refused(sandbox, spec):
    answer = requests.post(f"{sandbox.url}/sandbox/control/faults", json=spec, timeout=5)
    assert answer.status_code == 400 and answer.json()["error"]


def test_membership_control_changes_a_role_or_takes_a_member_off_the_board(sandbox):
    admin = constants.ADMIN_MEMBER_ID

    def roles():
        """Return {member id: role} as the board's memberships say."""
        rows = sandbox.api("GET", f"/boards/{sandbox.board_id}/memberships").json()
        return {row["idMember"]: row["memberType"] for row in rows}

    sandbox.control("membership", idMember=admin, memberType="observer")
    assert roles()[admin] == "observer"
    body = {"name": "No", "idBoard": sandbox.board_id}
    assert sandbox.api("POST", "/labels", json=body).status_code == 401
    sandbox.control("membership", idMember=admin, memberType=None)
    assert admin not in roles()
    assert sandbox.api("GET", "/members/me").json()["idBoards"] == []
    bad = requests.post(
        f"{sandbox.url}/sandbox/control/membership",
        json={"idMember": admin, "memberType": "owner"},
        timeout=5,
    )
    assert bad.status_code == 400
    sandbox.control("membership", idMember=admin, memberType="admin")
    assert roles()[admin] == "admin"
    assert sandbox.api("GET", "/members/me").json()["idBoards"] == [sandbox.board_id]
