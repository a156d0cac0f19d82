"""The Power-Up's JSON API: Trello JWTs checked, members' roles respected, rounds and settings."""

import time
from datetime import date

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from app import outbox
from app.db import db
from app.followup.checkins import record_check_in
from app.models import Person, Round, current_programme
from tests.round_helpers import add_people
from trello_sandbox import constants

ADMIN, NORMAL = constants.ADMIN_MEMBER_ID, constants.NORMAL_MEMBER_ID
OBSERVER, OUTSIDER = constants.OBSERVER_MEMBER_ID, constants.OUTSIDER_MEMBER_ID
# Every Power-Up enabled on a board can get Trello-signed tokens for the board's members.
ANOTHER_POWERUP = "5a4db0a4d00000000000beef"


def bearer(token):
    """Return the header t.jwt()'s token travels in."""
    return {"Authorization": f"Bearer {token}"}


def as_member(sandbox, member, **claims):
    """Return headers for a member's Power-Up call, with a token minted as Trello would."""
    return bearer(sandbox.jwt(member, **claims))


def forged_token(sandbox, member):
    """Return a token with Trello's claims and header but signed by a key Trello never published."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    now = int(time.time())
    claims = {"idMember": member, "idBoard": sandbox.board_id, "iss": "trello"}
    claims.update(idPlugin=constants.POWERUP_ID, iat=now, exp=now + 600)
    return jwt.encode(claims, pem, algorithm="RS256")


def test_tokens_made_as_trello_makes_them_admit_members_during_a_key_rotation(client, board):
    before = as_member(board, NORMAL)
    board.control("jwt-keys", rotate=True)  # both keys published, as {"keys": [PEM, PEM]}
    after = as_member(board, NORMAL)  # signed by the new key, with no kid
    assert jwt.get_unverified_header(after["Authorization"][7:]) == {"alg": "RS256", "typ": "JWT"}
    for headers in (after, before, as_member(board, ADMIN)):
        assert client.get("/api/settings", headers=headers).status_code == 200


def test_a_key_document_that_cannot_be_fetched_answers_503_json_and_changes_nothing(client, board):
    board.control("faults", status=503, count=50)
    answer = client.put("/api/settings", json={"odd": "sit_out"}, headers=as_member(board, ADMIN))
    assert answer.status_code == 503 and answer.is_json
    assert answer.get_json()["error"]["code"] == "keys_unavailable"
    board.control("faults", clear=True)
    assert client.get("/api/settings", headers=as_member(board, ADMIN)).status_code == 200


def test_without_its_power_up_id_the_service_admits_no_token_and_says_why(
    app, client, board, caplog
):
    app.config["TRELLO_POWERUP_ID"] = None
    answer = client.get("/api/settings", headers=as_member(board, ADMIN))
    assert answer.status_code == 503
    # The organiser is told in words, the operator is told which setting in the log.
    message = answer.get_json()["error"]["message"]
    assert "not fully set up" in message and "TRELLO_POWERUP_ID" not in message
    assert "TRELLO_POWERUP_ID is not set" in caplog.text


def round_count(app):
    """Return how many rounds are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count(Round.id)))


def stored_settings(app):
    """Return the programme's stored settings."""
    with app.app_context():
        return dict(current_programme().settings or {})


def test_preview_shows_groups_with_organisations_seed_and_pool_hash(app, client, board):
    add_people(app, board, 5)
    answer = client.get("/api/rounds/preview", headers=as_member(board, NORMAL))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["pool_size"] == 5 and body["round"] == 1
    assert isinstance(body["seed"], str) and body["seed"].isdigit() and body["pool_hash"]
    assert sorted(len(g) for g in body["groups"]) == [2, 3]  # odd count: one trio by default
    named = {p["name"]: p["organisation"] for g in body["groups"] for p in g}
    assert named["Person 000"] == "Leeds City Council" and len(named) == 5
    assert body["sits_out"] is None and body["waiting"] == [] and body["bent"] == []
    assert round_count(app) == 0


def test_confirming_the_previewed_seed_makes_that_round_once_and_reports_progress(
    app, client, board
):
    add_people(app, board, 4)
    headers = as_member(board, NORMAL)
    preview = client.get("/api/rounds/preview", headers=headers).get_json()
    body = {"seed": preview["seed"], "pool_hash": preview["pool_hash"]}
    made = client.post("/api/rounds", json=body, headers=headers)
    again = client.post("/api/rounds", json=body, headers=headers)
    assert (made.status_code, again.status_code) == (201, 200)
    assert made.get_json()["id"] == again.get_json()["id"] and round_count(app) == 1
    assert made.get_json()["status"] == "applying" and made.get_json()["cards_total"] == 4
    with app.app_context():
        outbox.run_due()
        stored = db.session.scalar(select(Round))
        assert stored.seed == preview["seed"] and stored.created_by == NORMAL
    progress = client.get(f"/api/rounds/{made.get_json()['id']}", headers=headers).get_json()
    assert (progress["status"], progress["cards_done"], progress["cards_total"]) == (
        "applied",
        4,
        4,
    )


def test_a_pool_changed_since_the_preview_is_refused_with_409_and_nothing_made(app, client, board):
    ids = add_people(app, board, 5)
    headers = as_member(board, ADMIN)
    preview = client.get("/api/rounds/preview", headers=headers).get_json()
    with app.app_context():  # someone pauses while the organiser reads the preview
        db.session.get(Person, ids[4]).status = "paused"
        db.session.commit()
    answer = client.post(
        "/api/rounds",
        json={"seed": preview["seed"], "pool_hash": preview["pool_hash"]},
        headers=headers,
    )
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "pool_changed"
    assert round_count(app) == 0


@pytest.mark.parametrize("seed", ["not a seed", "-3", ""])
def test_an_unreadable_seed_is_refused_with_400(app, client, board, seed):
    add_people(app, board, 4)
    answer = client.post("/api/rounds", json={"seed": seed}, headers=as_member(board, ADMIN))
    assert answer.status_code == 400
    assert set(answer.get_json()["error"]) >= {"code", "message"}
    assert round_count(app) == 0


def test_a_pool_too_small_is_explained_not_drawn(app, client, board):
    add_people(app, board, 1)
    answer = client.get("/api/rounds/preview", headers=as_member(board, ADMIN))
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "pool_too_small"


CALLERS = {
    "no token": (lambda sb: {}, 401),
    "not a bearer token": (lambda sb: {"Authorization": "Basic YTpi"}, 401),
    "garbage": (lambda sb: bearer("not.a.jwt"), 401),
    "signed by another key": (lambda sb: bearer(forged_token(sb, ADMIN)), 401),
    "another Power-Up": (lambda sb: as_member(sb, ADMIN, idPlugin=ANOTHER_POWERUP), 401),
    "expired": (lambda sb: as_member(sb, ADMIN, ttl=-300), 401),
    "another board": (lambda sb: as_member(sb, ADMIN, idBoard="5a4db0a4d0000000000000b2"), 403),
    "not on the board": (lambda sb: as_member(sb, OUTSIDER), 403),
    "observer": (lambda sb: as_member(sb, OBSERVER), 403),
}


@pytest.mark.parametrize("who", list(CALLERS))
def test_callers_without_the_right_token_or_role_change_nothing(app, client, board, who):
    add_people(app, board, 4)
    preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
    before = stored_settings(app)
    make_headers, status = CALLERS[who]
    made = client.post(
        "/api/rounds",
        json={"seed": preview["seed"], "pool_hash": preview["pool_hash"]},
        headers=make_headers(board),
    )
    saved = client.put("/api/settings", json={"odd": "sit_out"}, headers=make_headers(board))
    for answer in (made, saved):
        assert answer.status_code == status, answer.get_json()
        assert answer.is_json and answer.get_json()["error"]["message"]
    assert round_count(app) == 0 and stored_settings(app) == before


@pytest.mark.parametrize("who", ["no token", "expired", "another board", "not on the board"])
def test_reading_needs_a_board_member_too(app, client, board, who):
    make_headers, status = CALLERS[who]
    for path in ("/api/rounds/preview", "/api/settings", "/api/cards/5a4db0a4d0000000000000c1"):
        assert client.get(path, headers=make_headers(board)).status_code == status


def _pair_two(app, client, board):
    """Make a round of two people through the API; return the first person's id and card id."""
    ids = add_people(app, board, 2)
    headers = as_member(board, ADMIN)
    preview = client.get("/api/rounds/preview", headers=headers).get_json()
    client.post("/api/rounds", json={"seed": preview["seed"]}, headers=headers)
    with app.app_context():
        return ids[0], db.session.get(Person, ids[0]).trello_card_id


def test_a_card_shows_its_partner_and_contact_details_only_to_members_who_edit(app, client, board):
    _, card_id = _pair_two(app, client, board)
    seen = {}
    for member in (ADMIN, NORMAL, OBSERVER):
        answer = client.get(f"/api/cards/{card_id}", headers=as_member(board, member))
        assert answer.status_code == 200
        seen[member] = answer.get_json()
    story = seen[NORMAL]
    assert story["person"]["name"] == "Person 000" and story["round"]["number"] == 1
    assert [p["first_name"] for p in story["partners"]] == ["Person"]
    assert story["partners"][0]["name"] == "Person 001"
    assert story["status"] == {
        "state": "in_round",
        "met": False,
        "shared": False,
        "paused": False,
        "stranded": False,
        "rescued": False,
        "skipping": None,
    }
    assert story["history"] == []
    # Each detail carries the label every page and mail uses for its channel; a UK number is
    # written as people in the UK write it.
    assert story["contact"] == [
        {"channel": "email", "label": "Email", "value": "p0@example.org"},
        {"channel": "phone", "label": "Telephone", "value": "070 0000 0000"},
    ]
    assert seen[ADMIN]["contact"] == story["contact"]
    assert "contact" not in seen[OBSERVER]
    assert "p0@example.org" not in str(seen[OBSERVER])
    assert story["check_in"] is None


def test_a_cards_check_in_carries_the_answer_as_its_mail_link_words_it(app, client, board):
    person_id, card_id = _pair_two(app, client, board)
    with app.app_context():
        person = db.session.get(Person, person_id)
        record_check_in(person, db.session.scalar(select(Round)), "not_met", learned="Try again")
        db.session.commit()
    story = client.get(f"/api/cards/{card_id}", headers=as_member(board, OBSERVER)).get_json()
    assert story["check_in"] == {
        "answer": "not_met",
        "label": "We couldn't meet",
        "learned": "Try again",
    }


def test_a_card_that_is_no_participants_says_so_and_the_round_card_gives_its_tally(
    app, client, board
):
    _pair_two(app, client, board)
    with app.app_context():
        outbox.run_due()
        round_card = db.session.scalar(select(Round.round_card_id))
    headers = as_member(board, OBSERVER)
    other = client.get("/api/cards/5a4db0a4d0000000000000c1", headers=headers)
    assert other.status_code == 200 and other.get_json() == {"kind": "none"}
    story = client.get(f"/api/cards/{round_card}", headers=headers).get_json()
    assert (story["kind"], story["round"]["number"]) == ("round", 1)
    assert story["tally"] == "Progress: 0 of 2 shared, 0 of 2 met"
    not_an_id = client.get("/api/cards/not-a-card", headers=headers)
    assert not_an_id.status_code == 404


def test_one_request_gives_the_badges_of_every_participants_card_and_no_other(app, client, board):
    ids = add_people(app, board, 7)
    with app.app_context():  # five skip this round, so two are paired
        for pid in ids[:5]:
            db.session.get(Person, pid).skip_next_round = True
        db.session.commit()
    admin = as_member(board, ADMIN)
    preview = client.get("/api/rounds/preview", headers=admin).get_json()
    client.post("/api/rounds", json={"seed": preview["seed"]}, headers=admin)
    with app.app_context():
        outbox.run_due()
        drawn = [db.session.get(Person, pid) for pid in ids[5:]]
        record_check_in(drawn[0], db.session.scalar(select(Round)), "met")
        db.session.get(Person, ids[0]).status = "paused"
        db.session.commit()
        cards = {p.id: p.trello_card_id for p in db.session.scalars(select(Person))}
        round_card = db.session.scalar(select(Round.round_card_id))
    answer = client.get(f"/api/boards/{board.board_id}/cards", headers=as_member(board, OBSERVER))
    assert answer.status_code == 200
    shown = answer.get_json()["cards"]
    assert set(shown) == set(cards.values()) and round_card not in shown
    first, second = drawn
    assert [b["text"] for b in shown[first.trello_card_id]] == [
        f"With {second.full_name.split()[0]}",
        "Met ✓",
    ]
    assert shown[cards[ids[0]]] == [{"kind": "paused", "text": "Paused", "color": "yellow"}]
    # Skipping keeps the card in Sign-ups, and its badge says which round it sits out.
    assert shown[cards[ids[1]]] == [{"kind": "skipping", "text": "Skipping round 1"}]
    assert "@" not in answer.get_data(as_text=True)  # no contact details in badges


def test_the_board_badges_are_for_members_of_this_board_only(app, client, board):
    assert client.get(f"/api/boards/{board.board_id}/cards").status_code == 401
    outsider = as_member(board, OUTSIDER)
    assert client.get(f"/api/boards/{board.board_id}/cards", headers=outsider).status_code == 403
    other = client.get(
        "/api/boards/5a4db0a4d0000000000000b2/cards", headers=as_member(board, ADMIN)
    )
    assert other.status_code == 404


def test_settings_say_whether_the_caller_may_change_them(app, client, board):
    seen = {
        member: client.get("/api/settings", headers=as_member(board, member)).get_json()
        for member in (ADMIN, NORMAL, OBSERVER)
    }
    assert [seen[m]["editable"] for m in (ADMIN, NORMAL, OBSERVER)] == [True, False, False]


def test_settings_need_a_board_admin_and_valid_values(app, client, board):
    normal = client.put("/api/settings", json={"odd": "sit_out"}, headers=as_member(board, NORMAL))
    assert normal.status_code == 403
    bad = client.put(
        "/api/settings",
        json={"meeting_window_days": 2, "odd": "pairs of five", "same_org": "avoid"},
        headers=as_member(board, ADMIN),
    )
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {"meeting_window_days", "odd"}
    assert "same_org" not in stored_settings(app)
    good = client.put(
        "/api/settings",
        json={"meeting_window_days": "21", "odd": "sit_out", "same_org": "allow"},
        headers=as_member(board, ADMIN),
    )
    assert good.status_code == 200
    shown = client.get("/api/settings", headers=as_member(board, OBSERVER)).get_json()
    assert (shown["meeting_window_days"], shown["odd"], shown["same_org"]) == (
        21,
        "sit_out",
        "allow",
    )
    assert shown["lists"][1] == {"key": "matched", "label": "Matched", "name": "Matched"}


def test_settings_saved_are_used_by_the_next_preview(app, client, board):
    add_people(app, board, 5)
    admin = as_member(board, ADMIN)
    before = client.get("/api/rounds/preview", headers=admin).get_json()
    assert before["sits_out"] is None
    client.put("/api/settings", json={"odd": "sit_out", "meeting_window_days": 14}, headers=admin)
    after = client.get("/api/rounds/preview", headers=admin).get_json()
    assert after["sits_out"] is not None and all(len(g) == 2 for g in after["groups"])
    assert after["policy"]["odd"] == "sit_out"
    window = date.fromisoformat(after["meet_by"]) - date.fromisoformat(after["round_date"])
    assert window.days == 14


def test_power_up_pages_may_be_framed_by_trello_and_load_the_deployments_library(app, client):
    answer = client.get("/powerup/index.html")
    csp = answer.headers["Content-Security-Policy"]
    assert answer.status_code == 200
    assert "frame-ancestors https://trello.com " + app.config["SANDBOX_URL"] in csp
    html = answer.get_data(as_text=True)
    assert app.config["SANDBOX_URL"] + "/sandbox/power-up.min.js" in html
    assert "p.trellocdn.com" not in html and "js/client.js" in html
    assert client.get("/powerup/js/client.js").status_code == 200
    assert client.get("/powerup/../app/config.py").status_code == 404


def test_outside_sandbox_mode_the_connector_loads_trellos_own_library(app, client):
    app.config["SANDBOX"] = False
    answer = client.get("/powerup/make-pairs.html")
    assert '<script src="https://p.trellocdn.com/power-up.min.js">' in answer.get_data(as_text=True)
    csp = answer.headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors https://trello.com")
    assert "script-src 'self' https://p.trellocdn.com" in csp
