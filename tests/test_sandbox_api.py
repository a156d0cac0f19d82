"""The REST subset: Trello's errors, auth, shapes, batch, actions and the request log."""

import requests

from trello_sandbox import constants


def _list(sandbox, name="Sign-ups"):
    """Create a list; return it."""
    return sandbox.api("POST", "/lists", json={"name": name, "idBoard": sandbox.board_id}).json()


def test_unknown_route_malformed_id_and_unknown_object_answer_as_trello_does(sandbox):
    nope = sandbox.api("GET", "/nope")
    assert (nope.status_code, nope.text) == (404, "Cannot GET /1/nope")
    assert nope.headers["Content-Type"].startswith("text/plain")
    malformed = sandbox.api("GET", "/cards/not-an-id!")
    assert (malformed.status_code, malformed.text) == (400, "invalid id")
    unknown = sandbox.api("GET", "/cards/" + "0" * 24)
    assert (unknown.status_code, unknown.text) == (404, "The requested resource was not found.")
    assert sandbox.api("PATCH", "/cards/" + "0" * 24).status_code == 404


def test_bad_json_body_is_refused_with_400(sandbox):
    bad = sandbox.api(
        "POST", "/lists", data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert bad.status_code == 400
    assert sandbox.api("GET", f"/boards/{sandbox.board_id}/lists").json() == []


def test_get_with_a_body_is_refused_with_403(sandbox):
    refused = sandbox.api("GET", f"/boards/{sandbox.board_id}", json={"fields": "name"})
    assert refused.status_code == 403 and refused.text == "GET requests may not have a body"
    assert sandbox.requests()[-1]["had_body"] is True


def test_wrong_key_or_token_is_refused_with_401(sandbox):
    url = f"{sandbox.api_base}/members/me"
    wrong_key = requests.get(url, params={"key": "x", "token": sandbox.token}, timeout=5)
    assert (wrong_key.status_code, wrong_key.text) == (401, "invalid key")
    no_key = requests.get(url, params={"token": sandbox.token}, timeout=5)
    assert (no_key.status_code, no_key.text) == (401, "invalid key")
    wrong_token = requests.get(url, params={"key": sandbox.key, "token": "nope"}, timeout=5)
    assert (wrong_token.status_code, wrong_token.text) == (401, "invalid token")
    header = f'OAuth oauth_consumer_key="{sandbox.key}", oauth_token="{sandbox.token}"'
    oauth = requests.get(url, headers={"Authorization": header}, timeout=5)
    assert oauth.status_code == 200 and oauth.json()["id"] == constants.ADMIN_MEMBER_ID


def test_card_creation_needs_a_known_list(sandbox):
    missing = sandbox.api("POST", "/cards", json={"name": "Orphan"})
    assert (missing.status_code, missing.text) == (400, "invalid value for idList")
    unknown = sandbox.api("POST", "/cards", json={"name": "Orphan", "idList": "0" * 24})
    assert (unknown.status_code, unknown.text) == (400, "invalid value for idList")
    lst = _list(sandbox)
    form = sandbox.api("POST", "/cards", data={"idList": lst["id"], "name": "Form-encoded"})
    assert form.status_code == 200 and form.json()["name"] == "Form-encoded"


def test_attachments_take_http_links_only_with_names_up_to_256(sandbox):
    lst = _list(sandbox)
    card = sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "C"}).json()
    path = f"/cards/{card['id']}/attachments"
    assert sandbox.api("POST", path, json={"url": "javascript:alert(1)"}).status_code == 400
    assert (
        sandbox.api("POST", path, json={"url": "https://x.org", "name": "n" * 257}).status_code
        == 400
    )
    made = sandbox.api("POST", path, json={"url": "https://x.org/a"}).json()
    assert set(made) >= {
        "id",
        "bytes",
        "date",
        "edgeColor",
        "idMember",
        "isUpload",
        "mimeType",
        "name",
        "previews",
        "url",
        "pos",
        "fileName",
    }
    assert made["name"] == "https://x.org/a" and made["idMember"] == constants.ADMIN_MEMBER_ID


def test_the_whole_board_comes_in_one_call_with_lists_cards_attachments_and_labels(sandbox):
    lst = _list(sandbox)
    card = sandbox.api(
        "POST", "/cards", json={"idList": lst["id"], "name": "C", "pos": "top"}
    ).json()
    sandbox.api("POST", f"/cards/{card['id']}/attachments", json={"url": "https://x.org/a"})
    board = sandbox.api(
        "GET",
        f"/boards/{sandbox.board_id}",
        params={"lists": "open", "cards": "open", "card_attachments": "true", "labels": "all"},
    ).json()
    assert [x["name"] for x in board["lists"]] == ["Sign-ups"]
    assert [a["url"] for a in board["cards"][0]["attachments"]] == ["https://x.org/a"]
    assert [lbl["color"] for lbl in board["labels"]] == list(constants.DEFAULT_LABEL_COLORS)
    only = sandbox.api("GET", f"/boards/{sandbox.board_id}", params={"fields": "name,url"}).json()
    assert set(only) == {"id", "name", "url"}


def test_one_put_changes_several_fields_and_records_separate_actions(sandbox):
    first, second = _list(sandbox, "Matched"), _list(sandbox, "Shared")
    card = sandbox.api("POST", "/cards", json={"idList": first["id"], "name": "C"}).json()
    sandbox.api("POST", "/cards", json={"idList": second["id"], "name": "Already there"})
    label = sandbox.api(
        "POST", "/labels", json={"name": "Round 1", "color": "green", "idBoard": sandbox.board_id}
    ).json()
    changed = sandbox.api(
        "PUT",
        f"/cards/{card['id']}",
        json={"idList": second["id"], "desc": "done", "idLabels": label["id"], "pos": "top"},
    ).json()
    assert (changed["idList"], changed["desc"], changed["idLabels"]) == (
        second["id"],
        "done",
        [label["id"]],
    )
    actions = sandbox.api("GET", f"/boards/{sandbox.board_id}/actions", params={"limit": 4}).json()
    move = next(a for a in actions if "listAfter" in a["data"])
    assert move["data"]["old"] == {"idList": first["id"]}
    assert move["data"]["listBefore"] == {"id": first["id"], "name": "Matched"}
    assert [a["type"] for a in actions] == [
        "addLabelToCard",
        "updateCard",
        "updateCard",
        "updateCard",
    ]
    bad = sandbox.api("PUT", f"/cards/{card['id']}", json={"idList": "0" * 24, "name": "x"})
    assert (
        bad.status_code == 400 and sandbox.api("GET", f"/cards/{card['id']}").json()["name"] == "C"
    )


def test_board_actions_filter_by_type_since_before_and_limit(sandbox):
    lst = _list(sandbox)
    made = [
        sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": n}).json() for n in "ABC"
    ]
    path = f"/boards/{sandbox.board_id}/actions"
    created = sandbox.api("GET", path, params={"filter": "createCard"}).json()
    assert [a["data"]["card"]["name"] for a in created] == ["C", "B", "A"]
    since = sandbox.api("GET", path, params={"filter": "createCard", "since": created[2]["id"]})
    assert [a["data"]["card"]["id"] for a in since.json()] == [made[2]["id"], made[1]["id"]]
    before = sandbox.api("GET", path, params={"before": created[1]["id"], "limit": 1}).json()
    assert [a["id"] for a in before] == [created[2]["id"]]
    assert sandbox.api("GET", path, params={"limit": 1001}).status_code == 400


def test_batch_answers_each_route_in_order_and_counts_once(sandbox):
    lst = _list(sandbox)
    urls = f"/boards/{sandbox.board_id}/lists,/cards/{'0' * 24},/lists/{lst['id']}"
    before = int(sandbox.api("GET", "/members/me").headers["x-rate-limit-api-token-remaining"])
    answer = sandbox.api("GET", "/batch", params={"urls": urls})
    assert answer.status_code == 200
    [lists, missing, one] = answer.json()
    assert [x["name"] for x in lists["200"]] == ["Sign-ups"]
    assert missing == {"404": "The requested resource was not found."}
    assert one["200"]["id"] == lst["id"]
    assert int(answer.headers["x-rate-limit-api-token-remaining"]) == before - 1
    eleven = ",".join([f"/lists/{lst['id']}"] * 11)
    assert sandbox.api("GET", "/batch", params={"urls": eleven}).status_code == 400


def test_request_log_names_method_path_status_and_hides_credentials(sandbox):
    sandbox.api("GET", f"/boards/{sandbox.board_id}/lists", params={"filter": "all"})
    [entry] = sandbox.requests()
    assert (entry["method"], entry["path"], entry["status"]) == (
        "GET",
        f"/1/boards/{sandbox.board_id}/lists",
        200,
    )
    assert entry["query"] == {"filter": "all"} and entry["had_body"] is False


def test_py_trello_paths_with_trailing_slashes_and_value_setters_work(sandbox):
    lst = _list(sandbox)
    card = sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "C"}).json()
    assert sandbox.api("PUT", f"/cards/{card['id']}/closed", json={"value": True}).json()["closed"]
    assert sandbox.api("GET", f"/boards/{sandbox.board_id}/cards/", params={"filter": "all"}).ok
    renamed = sandbox.api("PUT", f"/lists/{lst['id']}/name", json={"value": "Signed up"}).json()
    assert renamed["name"] == "Signed up"
    by_short_link = sandbox.api("GET", f"/cards/{card['shortLink']}").json()
    assert by_short_link["id"] == card["id"]


def test_deleting_a_card_records_a_delete_card_action_without_its_name(sandbox):
    lst = _list(sandbox)
    card = sandbox.api("POST", "/cards", json={"idList": lst["id"], "name": "Private name"}).json()
    assert sandbox.api("DELETE", f"/cards/{card['id']}").status_code == 200
    assert sandbox.api("GET", f"/cards/{card['id']}").status_code == 404
    [deleted] = sandbox.api(
        "GET", f"/boards/{sandbox.board_id}/actions", params={"filter": "deleteCard"}
    ).json()
    assert deleted["data"]["card"] == {k: card[k] for k in ("id", "idShort", "shortLink")}
    assert deleted["display"]["translationKey"] == "action_delete_card"
    assert "Private name" not in str(deleted)


def test_archiving_a_list_hides_it_from_the_open_filter_and_records_update_list(sandbox):
    lst = _list(sandbox, "Paused")
    closed = sandbox.api("PUT", f"/lists/{lst['id']}", json={"closed": True}).json()
    assert closed["closed"] is True
    path = f"/boards/{sandbox.board_id}/lists"
    assert sandbox.api("GET", path).json() == []
    assert [x["id"] for x in sandbox.api("GET", path, params={"filter": "all"}).json()] == [
        lst["id"]
    ]
    [update] = sandbox.api(
        "GET", f"/boards/{sandbox.board_id}/actions", params={"filter": "updateList"}
    ).json()
    assert update["data"]["old"] == {"closed": False} and update["data"]["list"]["closed"] is True
    assert update["display"]["translationKey"] == "action_archived_list"


def test_deleting_a_label_takes_it_off_the_board_and_its_cards_and_observers_cannot(sandbox):
    card = sandbox.api("POST", "/cards", json={"idList": _list(sandbox)["id"], "name": "C"}).json()
    body = {"name": "Gone soon", "idBoard": sandbox.board_id}
    label = sandbox.api("POST", "/labels", json=body).json()
    sandbox.api("PUT", f"/cards/{card['id']}", json={"idLabels": label["id"]})
    refused = sandbox.api("DELETE", f"/labels/{label['id']}", member=constants.OBSERVER_MEMBER_ID)
    assert (refused.status_code, refused.text) == (401, "unauthorized permission requested")
    deleted = sandbox.api("DELETE", f"/labels/{label['id']}")
    assert (deleted.status_code, deleted.json()) == (200, {"limits": {}})
    labels = sandbox.api("GET", f"/boards/{sandbox.board_id}/labels").json()
    assert label["id"] not in [each["id"] for each in labels]
    assert sandbox.api("GET", f"/cards/{card['id']}").json()["idLabels"] == []
    again = sandbox.api("DELETE", f"/labels/{label['id']}")
    assert (again.status_code, again.text) == (404, "The requested resource was not found.")
