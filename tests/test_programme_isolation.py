"""Isolation between programmes: every way in that names another board's things (its API, its
deliveries, its people's signed links, its commands) is refused or ignored, and changes nothing.

Two programmes: A, the first board (Ada its admin, not on B), and B, a second board (Nia its
admin). Sam takes part in both with one address. Each test starts from a round drawn on each
board, with a check-in and an output recorded on each."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import db, utcnow
from app.links import confirm_email_url
from app.models import Avoidance, OutboxEntry, Person, Round
from app.powerup_api.views import bp as api_blueprint
from app.worker.jobs import run_timed_jobs
from tests.isolation_helpers import (
    OUTPUT,
    PEOPLE,
    SAM,
    SLUG,
    action,
    board_cards,
    board_view,
    changed_tables,
    deliver,
    mailed_paths,
    rows_of,
    sign_up_and_confirm,
    snapshot,
    two_programmes,
)
from tests.signup_helpers import csrf_token
from tests.support import drain_until_done
from trello_sandbox import constants

ADA, NIA = constants.ADMIN_MEMBER_ID, constants.NORMAL_MEMBER_ID
UNKNOWN_CARD, UNKNOWN_ID = "5a4db0a4d0000000000ffff1", 999_999
# A set-up as a board admin would send it; the token is made up (the board answers first).
TOKEN = "ATTA" + "0" * 60
SET_UP = {
    "name": "Taken over",
    "slug": "taken-over",
    "contact_email": "x@example.org",
    "listed": True,
    "token": TOKEN,
}
PUBLIC_API = {"powerup_api.openapi_document"}  # needs no token and names no board


@pytest.fixture
def sides(app, client, runner, sandbox):
    """Programmes A and B, each with people, a round, a check-in and an output."""
    return two_programmes(app, client, runner, sandbox)


def _headers(sandbox, member, side):
    """Return the headers of a Power-Up call by a member from a side's board."""
    return {"Authorization": f"Bearer {sandbox.jwt(member, idBoard=side.board_id)}"}


def api_calls(side, other=None):
    """Return {endpoint: (method, path, JSON body)}: one call of every /api/ route, naming the
    side's board, card, round and organisations (merged into `other`'s, when given)."""
    org, into = sorted(side.organisations.values())[:2]
    into = sorted((other or side).organisations.values())[0] if other else into
    card = side.cards[PEOPLE[side.name][0][1]]
    return {
        "powerup_api.board_cards": ("GET", f"/api/boards/{side.board_id}/cards", None),
        "powerup_api.card_story": ("GET", f"/api/cards/{card}", None),
        "powerup_api.organisations_list": ("GET", "/api/organisations", None),
        "powerup_api.organisations_merge": (
            "POST",
            f"/api/organisations/{org}/merge",
            {"into": into},
        ),
        "powerup_api.organisations_unmerge": ("POST", f"/api/organisations/{org}/unmerge", None),
        "powerup_api.rounds_create": ("POST", "/api/rounds", {"seed": "9", "close_open": True}),
        "powerup_api.rounds_preview": ("GET", "/api/rounds/preview", None),
        "powerup_api.rounds_progress": ("GET", f"/api/rounds/{side.round_id}", None),
        "powerup_api.rounds_close": ("POST", f"/api/rounds/{side.round_id}/close", None),
        "powerup_api.rounds_rescue": ("POST", f"/api/rounds/{side.round_id}/rescue", None),
        "powerup_api.settings_read": ("GET", "/api/settings", None),
        "powerup_api.settings_write": ("PUT", "/api/settings", {"odd": "sit_out"}),
        "powerup_api.programme_read": ("GET", "/api/programme", None),
        "powerup_api.programme_set_up": ("POST", "/api/programme", SET_UP),
        "powerup_api.programme_authorise": ("PUT", "/api/programme/token", {"token": TOKEN}),
        "powerup_api.programme_deauthorise": ("DELETE", "/api/programme/token", None),
    }


def _call(client, headers, method, path, body):
    """Make one API call; return the response."""
    return client.open(path, method=method, json=body, headers=headers)


def test_every_api_route_is_covered_by_these_tests(app, sides):
    routes = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert routes == set(api_calls(sides["A"])) | PUBLIC_API
    assert all(e.startswith(f"{api_blueprint.name}.") for e in routes)


def test_a_member_of_board_a_gets_403_for_every_route_of_board_b(app, client, sandbox, sides):
    a, b = sides["A"], sides["B"]
    headers = _headers(sandbox, ADA, b)  # Ada: admin of A, not on B
    before = snapshot(app)
    for endpoint, (method, path, body) in api_calls(b).items():
        answer = _call(client, headers, method, path, body)
        assert answer.status_code == 403, (endpoint, answer.get_json())
        assert answer.get_json()["error"]["code"] == "not_a_member", endpoint
    for endpoint, (method, path, body) in api_calls(a).items():
        answer = _call(client, headers, method, path, body)
        assert answer.status_code == 403, (endpoint, answer.get_json())
    assert changed_tables(before, snapshot(app)) == {}


@pytest.mark.parametrize("caller, home, away", [(ADA, "A", "B"), (NIA, "B", "A")])
def test_an_admin_naming_the_other_boards_things_gets_404_and_nothing_changes(
    app, client, sandbox, sides, caller, home, away
):
    home, away = sides[home], sides[away]
    headers = _headers(sandbox, caller, home)
    # The same admin can use every one of these routes on their own board's things.
    own = api_calls(home)
    assert _call(client, headers, *own["powerup_api.rounds_progress"]).status_code == 200
    assert _call(client, headers, *own["powerup_api.card_story"]).get_json()["kind"] == (
        "participant"
    )
    before = snapshot(app)
    named = {
        **api_calls(away),
        "merge into theirs": api_calls(home, other=away)["powerup_api.organisations_merge"],
    }
    unknown = {
        "powerup_api.board_cards": f"/api/boards/{UNKNOWN_CARD}/cards",
        "powerup_api.card_story": f"/api/cards/{UNKNOWN_CARD}",
        "powerup_api.organisations_merge": f"/api/organisations/{UNKNOWN_ID}/merge",
        "powerup_api.organisations_unmerge": f"/api/organisations/{UNKNOWN_ID}/unmerge",
        "powerup_api.rounds_progress": f"/api/rounds/{UNKNOWN_ID}",
        "powerup_api.rounds_close": f"/api/rounds/{UNKNOWN_ID}/close",
        "powerup_api.rounds_rescue": f"/api/rounds/{UNKNOWN_ID}/rescue",
    }
    for endpoint, path in unknown.items():
        method, _, body = named[endpoint]
        answer = _call(client, headers, method, named[endpoint][1], body)
        # Their thing is answered exactly as a thing that does not exist: no hint it is there.
        nothing = _call(client, headers, method, path, body)
        assert (answer.status_code, answer.get_json()) == (
            nothing.status_code,
            nothing.get_json(),
        ), endpoint
        assert answer.status_code in (404, 200), endpoint
        if answer.status_code == 200:
            assert answer.get_json() == {"kind": "none"}, endpoint
    theirs = _call(client, headers, "GET", f"/api/cards/{away.round_card_id}", None)
    assert theirs.get_json() == {"kind": "none"}  # their round card is no card of ours
    answer = _call(client, headers, *named["merge into theirs"])
    assert answer.status_code == 404, answer.get_json()
    assert changed_tables(before, snapshot(app)) == {}


def test_nothing_the_power_up_shows_a_boards_organisers_names_anyone_of_the_other_board(
    client, sandbox, sides
):
    for side, other in ((sides["A"], sides["B"]), (sides["B"], sides["A"])):
        headers = _headers(sandbox, ADA if side.name == "A" else NIA, side)
        reads = [
            path
            for method, path, _ in api_calls(side).values()
            if method == "GET" and "/cards/" not in path
        ]
        reads += [f"/api/cards/{card}" for card in side.cards.values()]
        reads.append(f"/api/cards/{side.round_card_id}")
        answers = [client.get(path, headers=headers) for path in reads]
        assert all(answer.status_code == 200 for answer in answers), reads
        badges = answers[0].get_json()["cards"]
        assert set(badges) == set(side.cards.values())
        text = " ".join(answer.get_data(as_text=True) for answer in answers)
        assert SAM in text  # contact details are shown to organisers who edit: this is the page
        for name, email, organisation in PEOPLE[other.name]:
            if email != SAM:
                assert name not in text and email not in text and organisation not in text
                assert not re.search(rf"\b{name.split()[0]}\b", text)  # badges: "With Bo"


# Webhooks


def test_a_delivery_from_board_b_naming_board_as_cards_changes_nothing_of_a(app, client, sides):
    a, b = sides["A"], sides["B"]
    card = a.cards[PEOPLE["A"][1][1]]
    before = rows_of(app, a.programme_id)
    acts = [
        action(
            "updateCard",
            b.board_id,
            card,
            listBefore={"id": a.lists["matched"]},
            listAfter={"id": a.lists[target]},
        )
        for target in ("shared", "paused", "signups")
    ]
    acts += [
        action("updateCard", b.board_id, card, old={"closed": False}),
        action("addAttachmentToCard", b.board_id, card, attachment={"url": OUTPUT["B"] + "/x"}),
        action("commentCard", b.board_id, card, text=f"See {OUTPUT['B']}/y"),
        action("createCard", b.board_id, card, list={"id": a.lists["signups"]}),
        action("deleteCard", b.board_id, card),
    ]
    acts[3]["data"]["card"]["closed"] = True
    for act in acts:
        assert deliver(app, client, act) == 200
    assert changed_tables(before, rows_of(app, a.programme_id)) == {}


def test_a_hand_move_on_board_b_reaches_b_through_its_own_webhook_and_only_b(
    live_app, client, runner, sandbox, sides
):
    a, b = sides["A"], sides["B"]
    assert runner.invoke(args=["register-webhook", "--programme", SLUG]).exit_code == 0
    before = rows_of(live_app, a.programme_id)
    ben = PEOPLE["B"][1][1]
    moved = sandbox.api(
        "PUT", f"/cards/{b.cards[ben]}", member=NIA, params={"idList": b.lists["paused"]}
    )
    assert moved.status_code == 200, moved.text
    found = sandbox.wait_for_deliveries(1, seconds=10, type="updateCard", status=200)
    assert found, sandbox.deliveries()
    with live_app.app_context():
        assert db.session.get(Person, b.people[ben]).status == "paused"
    assert changed_tables(before, rows_of(live_app, a.programme_id)) == {}


def test_a_delivery_naming_a_board_no_programme_runs_is_acknowledged_and_not_kept(
    app, client, sides
):
    a = sides["A"]
    before = snapshot(app)
    card = a.cards[PEOPLE["A"][1][1]]
    act = action("addAttachmentToCard", UNKNOWN_CARD, card, attachment={"url": OUTPUT["A"]})
    assert deliver(app, client, act) == 200
    assert changed_tables(before, snapshot(app)) == {}


def test_board_bs_delivery_on_its_own_card_changes_only_b(app, client, sides):
    a, b = sides["A"], sides["B"]
    before = rows_of(app, a.programme_id)
    b_before = rows_of(app, b.programme_id)
    card = b.cards[PEOPLE["B"][1][1]]
    url = "https://b.example.org/second-thoughts"
    act = action("addAttachmentToCard", b.board_id, card, attachment={"url": url})
    assert deliver(app, client, act) == 200
    assert changed_tables(before, rows_of(app, a.programme_id)) == {}
    b_after = rows_of(app, b.programme_id)
    assert any(url in row[4] for row in b_after["outputs"] if row not in b_before["outputs"])


# Pages


# Which signed link each personal route takes (the purpose its token was made for).
LINK_OF = {
    "participant.overview": "manage",
    "participant.details": "manage",
    "participant.leave": "manage",
    "participant.leave_all": "manage",
    "participant.pause": "manage",
    "participant.resume": "manage",
    "participant.skip": "manage",
    "never_pair.add": "manage",
    "never_pair.remove": "manage",
    "followup.back": "back",
    "followup.check_in": "checkin",
    "followup.output_form": "output",
    "email_change.confirm": "email",
    "signup.confirm": "confirm",
}


def personal_routes(app, links):
    """Return [(endpoint, path, its methods)]: every route that takes a signed link, with the
    person's token of the right purpose in it."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<token>" not in rule.rule:
            continue
        link = links[LINK_OF[rule.endpoint]]
        token = re.search(r"/(?:me|signup/confirm)/([^/]+)", link).group(1)
        path = rule.rule.replace("<token>", token).replace("<int:entry_id>", "1")
        found.append((rule.endpoint, path, sorted(rule.methods & {"GET", "POST"})))
    return found


def test_every_personal_link_route_is_covered_by_these_tests(app, sides):
    with_tokens = {r.endpoint for r in app.url_map.iter_rules() if "<token>" in r.rule}
    assert with_tokens == set(LINK_OF)


@pytest.mark.parametrize("owner, used_under", [("A", "/p/second"), ("B", "")])
def test_one_programmes_personal_links_open_nothing_under_the_other_programmes_pages(
    app, client, sides, owner, used_under
):
    side = sides[owner]
    people = (PEOPLE[owner][1][1], SAM)
    routes = {email: personal_routes(app, side.links[email]) for email in people}
    for email in people:
        for endpoint, path, methods in routes[email]:  # each works on its own pages
            if "GET" in methods:
                assert client.get(side.prefix + path).status_code == 200, (email, endpoint)
            else:  # answered (here refused for want of the form's token), not 404
                assert client.post(side.prefix + path).status_code != 404, (email, endpoint)
    csrf = csrf_token(client, f"{used_under}/signup")
    form = {"csrf_token": csrf, "url": OUTPUT["A"], "email": "someone@example.org"}
    before = snapshot(app)
    for email in people:
        for endpoint, path, methods in routes[email]:
            answers = [client.open(used_under + path, method=m, data=form) for m in methods]
            for answer in answers:
                assert answer.status_code in (400, 404), (email, endpoint)
                text = answer.get_data(as_text=True)
                assert answer.status_code == 404 or "This link does not work" in text
    assert changed_tables(before, snapshot(app)) == {}


def test_what_sam_does_in_b_leaves_sams_place_in_a_as_it_was(app, client, sides):
    a, b = sides["A"], sides["B"]
    alma = PEOPLE["A"][0][1]  # in A only
    before = rows_of(app, a.programme_id)
    manage = b.links[SAM]["manage"]
    with app.app_context():
        sam_in_b = db.session.get(Person, b.people[SAM])
        change = confirm_email_url(sam_in_b, alma)[len(app.config["PUBLIC_URL"]) :]
    form = {"csrf_token": csrf_token(client, f"{b.prefix}/signup")}
    back = utcnow().date() + timedelta(days=30)
    steps = [
        (
            f"{manage}/pause",
            {"until-day": back.day, "until-month": back.month, "until-year": back.year},
        ),
        (f"{manage}/resume", {}),
        (f"{manage}/skip", {"skip": "yes"}),
        (f"{manage}/never-pair", {"address": alma}),
        (change, {}),  # Alma's address is free in B: it is in A only
        (f"{manage}/leave", {}),
    ]
    for path, data in steps:
        answer = client.post(path, data={**form, **data})
        assert answer.status_code in (200, 302, 303), (path, answer.get_data(as_text=True)[:300])
    drain_until_done(app)
    assert changed_tables(before, rows_of(app, a.programme_id)) == {}
    with app.app_context():
        gone = db.session.get(Person, b.people[SAM])
        avoided = db.session.scalars(select(Avoidance.avoided_person_id)).all()
    assert gone.status == "left" and a.people[alma] not in avoided


def test_signing_up_on_a_with_an_address_b_has_is_a_new_participation_in_a(
    app, client, sandbox, sides
):
    a, b = sides["A"], sides["B"]
    bea = PEOPLE["B"][0][1]
    before = rows_of(app, b.programme_id)
    sign_up_and_confirm(app, client, sandbox, "", "Bea Birch", bea, "Bolton Council")
    assert changed_tables(before, rows_of(app, b.programme_id)) == {}
    with app.app_context():
        found = db.session.scalars(select(Person).where(Person.email == bea)).all()
    assert {(p.programme_id, p.status) for p in found} == {
        (a.programme_id, "active"),
        (b.programme_id, "active"),
    }
    subjects = [m["subject"] for m in sandbox.mails() if m["to"] == bea]
    assert not any("already" in subject.lower() for subject in subjects), subjects


def test_a_name_as_sign_up_form_offers_is_never_offered_on_bs(app, client, sandbox, sides):
    organisation = "Avon Fire Authority"  # one person in A gave it; four more make it public
    for n in range(4):
        email = f"avon{n}@a.example.org"
        sign_up_and_confirm(app, client, sandbox, "", f"Avon Person {n}", email, organisation)
    assert organisation in client.get("/signup").get_data(as_text=True)
    assert organisation not in client.get(f"/p/{SLUG}/signup").get_data(as_text=True)
    manage = sides["B"].links[PEOPLE["B"][0][1]]["manage"]
    assert organisation not in client.get(f"{manage}/details").get_data(as_text=True)


def test_a_delivery_from_b_cannot_import_a_hand_made_sign_up_card_of_a(app, client, sandbox, sides):
    a, b = sides["A"], sides["B"]
    desc = "Email: hand.made@a.example.org\nPhone: 020 7946 0999"
    made = sandbox.api(
        "POST", "/cards", params={"idList": a.lists["signups"], "name": "Hana Hand · Avon"}
    )
    card = made.json()["id"]
    sandbox.api("PUT", f"/cards/{card}", params={"desc": desc})
    before, a_before = snapshot(app), rows_of(app, a.programme_id)
    b_people = rows_of(app, b.programme_id)["people"]
    signups = {"id": b.lists["signups"]}  # B's own list named, A's card id
    assert deliver(app, client, action("createCard", b.board_id, card, list=signups)) == 200
    act = action("updateCard", b.board_id, card, list=signups, old={"desc": ""})
    act["data"]["card"]["desc"] = desc
    assert deliver(app, client, act) == 200
    drain_until_done(app)
    assert rows_of(app, b.programme_id)["people"] == b_people
    changed = changed_tables(before, snapshot(app))
    assert set(changed) <= {"webhook_events", "outbox_entries"}, changed
    assert changed_tables(a_before, rows_of(app, a.programme_id)) == {}
    assert sandbox.api("GET", f"/cards/{card}").json()["desc"] == desc  # B wrote nothing on it


def test_each_programmes_report_and_outputs_show_only_its_own(client, runner, sides):
    for side, other in ((sides["A"], sides["B"]), (sides["B"], sides["A"])):
        pages = {
            path: client.get(f"{side.prefix}{path}")
            for path in ("/report", "/report.csv", "/report.json", "/outputs", "/outputs.atom")
        }
        assert all(answer.status_code == 200 for answer in pages.values())
        texts = {path: answer.get_data(as_text=True) for path, answer in pages.items()}
        assert (
            OUTPUT[side.name] in texts["/outputs"] and OUTPUT[side.name] in texts["/outputs.atom"]
        )
        people, pairs = len(PEOPLE[side.name]), len(PEOPLE[side.name]) // 2
        everyone = pages["/report.json"].get_json()["all_rounds"]
        assert (everyone["people_in_pool"], everyone["pairs"]) == (people, pairs)
        [csv_all] = [row for row in csv.DictReader(io.StringIO(texts["/report.csv"]))][-1:]
        assert (csv_all["people_in_pool"], csv_all["pairs"]) == (str(people), str(pairs))
        args = ["report"] + (["--programme", SLUG] if side.prefix else [])
        printed = runner.invoke(args=args).output
        texts["flask report"] = printed
        assert f"Groups drawn: {pairs} (0 trios)" in printed
        for where, text in texts.items():
            assert OUTPUT[other.name] not in text, where
            for name, email, organisation in PEOPLE[other.name]:
                if email != SAM:
                    assert name not in text and organisation not in text, where


# Commands


def test_commands_for_programme_b_find_nobody_of_a_and_change_nothing_of_a(app, runner, sides):
    a, b = sides["A"], sides["B"]
    before = rows_of(app, a.programme_id)
    a_only = PEOPLE["A"][1][1]
    refused = runner.invoke(args=["erase", "--programme", SLUG, "--email", a_only, "--yes"])
    assert refused.exit_code == 1 and "Nobody with that address." in refused.output
    refused = runner.invoke(args=["erase", "--programme", SLUG, "--card", a.cards[a_only], "--yes"])
    assert refused.exit_code == 1 and "Nobody with that card." in refused.output
    for args in (["rescue"], ["reconcile"], ["close-round", "--number", "1"]):
        result = runner.invoke(args=[*args, "--programme", SLUG])
        assert result.exit_code == 0, result.output
    erased = runner.invoke(args=["erase", "--programme", SLUG, "--email", SAM, "--yes"])
    assert erased.exit_code == 0, erased.output
    assert changed_tables(before, rows_of(app, a.programme_id)) == {}
    with app.app_context():
        closed = {r.programme_id: r.closed_at for r in db.session.scalars(select(Round))}
    assert closed[a.programme_id] is None and closed[b.programme_id] is not None
    unknown = runner.invoke(args=["pair", "--programme", "nobody", "--dry-run"])
    assert unknown.exit_code != 0 and "nobody" in unknown.output


def test_drawing_for_b_leaves_as_round_waiting_for_as_worker(app, client, runner, sandbox, sides):
    a, b = sides["A"], sides["B"]
    headers = _headers(sandbox, ADA, a)
    b_before = rows_of(app, b.programme_id)
    made = client.post("/api/rounds", json={"seed": "9", "close_open": True}, headers=headers)
    assert made.status_code == 201, made.get_json()
    assert changed_tables(b_before, rows_of(app, b.programme_id)) == {}
    a_board = board_cards(sandbox, a.board_id)
    before = rows_of(app, a.programme_id)
    result = runner.invoke(args=["pair", "--programme", SLUG, "--seed", "7", "--close-open"])
    assert result.exit_code == 0, result.output
    assert changed_tables(before, rows_of(app, a.programme_id)) == {}
    assert board_cards(sandbox, a.board_id) == a_board
    with app.app_context():
        waiting = db.session.scalars(
            select(OutboxEntry.programme_id).where(
                OutboxEntry.operation == "round.apply", OutboxEntry.status == "pending"
            )
        )
        assert list(waiting) == [a.programme_id]
    assert "Round 2 · " in " ".join(board_cards(sandbox, b.board_id))


# The worker


def test_the_worker_keeps_each_boards_cards_and_mails_to_its_own_people(app, sandbox, sides):
    with app.app_context():
        counts = run_timed_jobs(utcnow() + timedelta(days=60))
    assert counts.get("rounds closed") == 2, counts
    drain_until_done(app)
    for side in sides.values():
        names = {name for name, _, _ in PEOPLE[side.name]}
        cards = board_cards(sandbox, side.board_id)
        people_cards = {card.split(" · ")[0] for card in cards if not card.startswith("Round ")}
        assert people_cards == names, side.name
        cards = board_view(sandbox, side.board_id)
        own = {card["shortLink"] for card in cards}
        text = json.dumps(cards)
        assert set(re.findall(r"trello\.com/c/(\w+)", text)) <= own, side.name
        assert OUTPUT[side.name] in text and OUTPUT[other_than(side.name)] not in text
    for key, side in sides.items():
        others = [p for p in PEOPLE[other_than(key)] if p[1] != SAM]
        for _, email, _ in PEOPLE[key]:
            # Sam's mails from each programme are told apart by the pages their links go to.
            mails = " ".join(
                m["subject"] + m["text"]
                for m in sandbox.mails()
                if m["to"] == email and (f"/p/{SLUG}/" in m["text"]) == bool(side.prefix)
            )
            assert mails and not any(name in mails or org in mails for name, _, org in others)
            if email == SAM:
                continue
            paths = mailed_paths(sandbox, email)
            assert paths and all(
                p.startswith(f"{side.prefix}/") for p in paths if "/me/" in p or "/signup" in p
            ), (email, paths)
            if side.prefix == "":
                assert not any(p.startswith("/p/") for p in paths), email


def other_than(name):
    """Return the other programme's key."""
    return "B" if name == "A" else "A"
