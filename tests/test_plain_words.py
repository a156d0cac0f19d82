"""Plain words wherever people read (issue 15, acceptance 3): no page, no mail and no Power-Up
page shows a date as digits (2026-12-30) or our own words for things ("seed", `LIST_*`), for
people in every state a scheme puts them in: signing up, mid-round with earlier rounds,
paused until a date, paused as quiet, changing address; and on every page a POST shows (form
errors, what a form sends back, error pages): every page template is shown and checked.
Dates read "30 December 2026". The
round card keeps its seed line, so organisers can draw the same pairs again."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import request, request_finished, template_rendered
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import app as app_package
from app.db import db, utcnow
from app.links import email_fingerprint, make_token
from app.models import Group, Person, Round
from app.worker.jobs import run_timed_jobs
from tests.followup_helpers import round_card
from tests.participant_helpers import add_person, share_on_card
from tests.signup_helpers import FORM, post_form, sign_up, signed_up_and_confirmed
from tests.support import drain
from tests.test_powerup_api import ADMIN, as_member
from tests.test_powerup_browser import add_people, list_cards, open_board, open_menu_item, worker
from tests.test_powerup_roles import card_back
from tests.test_security import SAMPLES

__all__ = ["worker"]  # the fixture, used by name

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
OUR_WORDS = re.compile(r"LIST_|\bseeds?\b", re.IGNORECASE)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
LONG_DATE = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b")
TEMPLATES = Path(app_package.__file__).parent / "templates"
MAIL_TEMPLATES = TEMPLATES / "mail"
# What a template names with extends, include, import or from: parts of pages, not pages.
PART_OF = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")
SEED_LINE = re.compile(r"^Seed: \d+$", re.MULTILINE)


class _VisibleText(HTMLParser):
    """Collect what a reader sees or hears of a page: text outside scripts and styles, and the
    attributes read aloud or shown (alt, title, aria-label, placeholder, button values)."""

    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attrs = dict(attrs)
        self.parts += [attrs[name] for name in self.SPOKEN if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html):
    """Return the text a reader meets in an HTML page or mail part."""
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems(where, text):
    """Return a line for each digits date or word of ours in text, with where it was seen."""
    found = []
    for pattern in (ISO_DATE, OUR_WORDS):
        for hit in pattern.finditer(text):
            around = text[max(0, hit.start() - 50) : hit.end() + 50]
            found.append(f"{where}: {hit.group(0)!r} in …{around}…")
    return found


def _check_in(app, client, person_ids, round_number):
    """These people answer "We met" for a round, with the one-click link from their mail."""
    with app.app_context():
        round_id = db.session.scalar(select(Round.id).where(Round.number == round_number))
        tokens = [make_token(pid, "checkin", r=round_id, a="met") for pid in person_ids]
    for token in tokens:
        assert client.get(f"/me/{token}/checkin").status_code == 200


def _groups(app, round_number):
    """Return the person ids of each group drawn in a round, in order."""
    with app.app_context():
        query = select(Group).join(Round).where(Round.number == round_number)
        return [g.person_ids for g in db.session.scalars(query.order_by(Group.position))]


def _pair(runner, seed, *more):
    """Draw and store a round from the command line; return what it printed."""
    result = runner.invoke(args=["pair", "--seed", seed, *more])
    assert result.exit_code == 0, result.output
    return result.output


def _a_scheme_in_its_third_round(app, client, runner, board):
    """Live through three rounds as a scheme does, so that every mail is sent once at least;
    return the people whose pages show each state."""
    ada_page = signed_up_and_confirmed(app, client, board)  # confirm, welcome
    sign_up(client)  # "already": the address is signed up
    grace_page = signed_up_and_confirmed(
        app, client, board, email="grace@example.org", name="Grace Hopper"
    )
    post_form(client, ada_page + "/details", **{**FORM, "email": "grace@example.org"})  # taken
    post_form(client, ada_page + "/details", **{**FORM, "email": "countess@example.org"})
    drain(app)
    with app.app_context():
        ada = db.session.scalar(select(Person).where(Person.email == FORM["email"]))
        change = make_token(
            ada.id, "email_change", e="countess@example.org", o=email_fingerprint(ada.email)
        )
    assert post_form(client, f"/me/{change}/email").status_code == 200  # email_changed
    others = [add_person(app, board, organisation=org) for org in ("Kent", "Wigan", "Camden")]
    others.append(add_person(app, board, organisation="Hackney"))
    assert grace_page and others

    dry_run = _pair(runner, "5", "--dry-run")
    _pair(runner, "5")  # 6 people: introductions
    drain(app)
    with app.app_context():
        start = utcnow()
        assert run_timed_jobs(now=start + timedelta(days=15))  # nudges
        assert run_timed_jobs(now=start + timedelta(days=29))  # check-ins
    drain(app)
    first = _groups(app, 1)
    sharer, silent = first[0][0], first[0][1]
    share_on_card(app, client, sharer, "https://example.org/weeknote-1")  # output_shared
    _check_in(app, client, [pid for group in first for pid in group if pid != silent], 1)

    add_person(app, board, organisation="Bristol")  # 7 people, and one trio
    _pair(runner, "6", "--close-open")
    drain(app)
    second = _groups(app, 2)
    trio = next(group for group in second if len(group) == 3)
    leaver = next(pid for pid in trio if pid != silent)
    with app.app_context():
        leave = "/me/" + make_token(leaver, "manage") + "/leave"
    # Before anyone in the trio says they met: the two left are told (partner_left).
    assert post_form(client, leave).status_code == 200
    _check_in(
        app, client, [pid for group in second for pid in group if pid not in (silent, leaver)], 2
    )

    settings = client.put("/api/settings", json={"odd": "sit_out"}, headers=as_member(board, ADMIN))
    assert settings.status_code == 200
    for org in ("Leeds City Council", "Wigan"):  # 8, less the quiet one: one sits out
        add_person(app, board, organisation=org)
    _pair(runner, "7", "--close-open")  # the silent one is paused and asked
    drain(app)
    third = _groups(app, 3)
    mid_round = next(pid for group in third for pid in group if pid in (sharer,) + tuple(others))
    paused = next(pid for group in third for pid in group if mid_round not in group)
    with app.app_context():
        pause_page = "/me/" + make_token(paused, "manage") + "/pause"
    day = (utcnow() + timedelta(weeks=6)).date()
    fields = {"until-day": day.day, "until-month": day.month, "until-year": day.year}
    assert post_form(client, pause_page, **fields).status_code == 302
    drain(app)
    return {"mid-round": mid_round, "paused": paused, "quiet": silent, "ada": ada.id}, dry_run


def _tokens(app, person_id, round_id):
    """Return the signed tokens SAMPLES names, for one person and round."""
    with app.app_context():
        person = db.session.get(Person, person_id)
        pending = Person(
            programme_id=person.programme_id,
            full_name=f"Not Yet {person_id}",
            email=f"not.yet.{person_id}@example.org",
            organisation="Kent",
        )
        db.session.add(pending)
        db.session.commit()
        return {
            "confirm": make_token(pending.id, "confirm"),
            "manage": make_token(person_id, "manage"),
            "output": make_token(person_id, "output", r=round_id),
            "checkin": make_token(person_id, "checkin", r=round_id, a="met"),
            "back": make_token(person_id, "back"),
            "email_change": make_token(
                person_id, "email_change", e="new@example.net", o=email_fingerprint(person.email)
            ),
        }


def _every_page(app, client, person_id, round_id):
    """Return (tokens, {path: visible text}) of every HTML page a GET of each URL rule gives,
    with one person's links (and a missing page); SAMPLES, shared with the security test, must
    name every rule."""
    tokens, missing, pages = _tokens(app, person_id, round_id), [], {}
    for rule in app.url_map.iter_rules():
        if rule.rule not in SAMPLES:
            missing.append(rule.rule)
        elif "GET" in rule.methods:
            path = SAMPLES[rule.rule].format(**tokens)
            response = client.get(path)
            if response.mimetype == "text/html":
                pages[path] = visible_text(response.get_data(as_text=True))
    assert not missing, f"add a sample path to tests/test_security.py SAMPLES for {missing}"
    pages["/no-such-page"] = visible_text(client.get("/no-such-page").get_data(as_text=True))
    return tokens, pages


def page_templates():
    """Return every template that is a page of its own: all but mails and the parts pages are
    made of (the layout, macros, and what a page includes), which are checked within them."""
    names = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")}
    parts = {part for name in names for part in PART_OF.findall((TEMPLATES / name).read_text())}
    return {name for name in names if not name.startswith("mail/")} - parts


def _pages_only_after_a_post(app, client, monkeypatch, tokens):
    """Show the pages a GET never gives: each form's errors and what a form sends back, pages
    for links that open nothing, and the error pages (an expired form, too many posts, a
    database that stays busy, a crash)."""
    me = f"/me/{tokens['manage']}"
    assert post_form(client, "/signup", name="", email="not an address").status_code == 400
    assert post_form(client, me + "/details", name="", email="no").status_code == 400
    assert post_form(client, me + "/pause", **{"until-day": "31", "until-month": "2"}).status_code
    assert post_form(client, me + "/never-pair", page=me, address="not an address").status_code
    output = f"/me/{tokens['output']}/output"
    assert post_form(client, output, url="not a link").status_code == 400
    added = post_form(client, output, url="https://example.org/weeknote-3")
    assert added.status_code == 200
    check_in = f"/me/{tokens['checkin']}/checkin"
    assert post_form(client, check_in, learned="Plenty", challenged="3").status_code == 200
    assert post_form(client, f"/me/{tokens['back']}/back").status_code == 200
    # Links that open nothing: a made-up one, and an address change already used.
    assert client.get("/me/not-a-link").status_code == 400
    assert client.get(f"/me/{tokens['used_email_change']}/email").status_code == 400
    assert client.get(f"/me/{tokens['taken_email_change']}/email").status_code == 400

    assert client.post("/signup", data={"name": "No Token"}).status_code == 400  # form expired
    app.config["SIGNUP_RATE_LIMIT"] = "1 per day"
    post_form(client, "/signup", name="")
    assert post_form(client, "/signup", name="").status_code == 429
    app.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"

    def busy(programme):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr("app.signup.views.offered", busy)
    assert client.get("/signup").status_code == 503

    def crash(programme):
        raise RuntimeError("a bug")

    monkeypatch.setattr("app.signup.views.offered", crash)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert client.get("/signup").status_code == 500


def test_no_page_mail_or_card_shows_a_digits_date_or_our_words(
    app, client, runner, board, monkeypatch, roomy
):
    rendered, served = [], []
    monkeypatch.setitem(app.config, "PARTICIPANT_RATE_LIMIT", "1000 per minute")

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    def keep(sender, response, **extra):
        if response.mimetype == "text/html":
            where = f"page {request.method} {request.path} ({response.status_code})"
            served.append((where, visible_text(response.get_data(as_text=True))))

    template_rendered.connect(note, app)
    request_finished.connect(keep, app)
    try:
        found = _everything_people_read(app, client, runner, board, monkeypatch, rendered)
    finally:
        template_rendered.disconnect(note, app)
        request_finished.disconnect(keep, app)
    # Every page template was shown, after a GET or a POST, and every page shown was checked.
    pages = {name for name in rendered if not name.startswith("mail/")}
    assert pages == page_templates()
    for where, text in served:
        found += problems(where, text)
    assert not found, "\n".join(found)


def _everything_people_read(app, client, runner, board, monkeypatch, rendered):
    """Live through a scheme, show every page, and check every mail and card; return the
    problems found so far (the pages shown are checked by the caller)."""
    people, dry_run = _a_scheme_in_its_third_round(app, client, runner, board)

    # Every mail template was sent, so none is left out of the check below.
    sent = {name for name in rendered if name.startswith("mail/")}
    assert sent == {f"mail/{name}" for name in os.listdir(MAIL_TEMPLATES)}
    found, mails = [], board.mails()
    for mail in mails:
        where = f"mail {mail['subject']!r} to {mail['to']}"
        found += problems(where, mail["subject"] + "\n" + mail["text"])
        found += problems(where + " (HTML)", visible_text(mail.get("html") or ""))
    introductions = [m for m in mails if "round 3: meet" in m["subject"]]
    assert introductions and all(LONG_DATE.search(m["text"]) for m in introductions)

    with app.app_context():
        round_id = db.session.scalar(select(Round.id).where(Round.number == 3))
    own_page, tokens_of = {}, {}
    for state, person_id in people.items():
        tokens_of[state], pages = _every_page(app, client, person_id, round_id)
        own_page[state] = pages[f"/me/{tokens_of[state]['manage']}"]
    with app.app_context():
        person = db.session.get(Person, people["mid-round"])
        other = db.session.scalar(
            select(Person.email).where(Person.id != person.id, Person.status == "active")
        )
        tokens_of["mid-round"] |= {
            "used_email_change": make_token(
                person.id, "email_change", e="new.address@example.org", o="0" * 16
            ),
            "taken_email_change": make_token(
                person.id, "email_change", e=other, o=email_fingerprint(person.email)
            ),
        }
    _pages_only_after_a_post(app, client, monkeypatch, tokens_of["mid-round"])

    # The CLI organisers use (it keeps --seed, its own word), and every card on the board but
    # the round card's seed line.
    found += [f"flask pair --dry-run: {hit}" for hit in ISO_DATE.findall(dry_run)]
    for card in board.api("GET", f"/boards/{board.board_id}/cards").json():
        text = card["name"] + "\n" + SEED_LINE.sub("", card["desc"])
        found += problems(f"card {card['name']!r}", text)
    card = round_card(app, board)
    # The dates are there, in words: meet by (twice) and earlier rounds; paused until.
    assert len(LONG_DATE.findall(own_page["mid-round"])) >= 4
    assert re.search("until " + LONG_DATE.pattern, own_page["paused"])
    assert LONG_DATE.search(card["name"]) and SEED_LINE.search(card["desc"])
    return found


def test_a_flash_after_pausing_says_the_date_in_words(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    day = (utcnow() + timedelta(weeks=6)).date()
    fields = {"until-day": day.day, "until-month": day.month, "until-year": day.year}
    assert post_form(client, manage + "/pause", **fields).status_code == 302
    page = visible_text(client.get(manage).get_data(as_text=True))
    assert f"You are paused until {day.day} {day:%B %Y}" in page
    assert not problems(manage, page)


def test_the_draw_says_which_rules_bent_in_sentences_and_names_no_setting(
    app, client, runner, board
):
    people = [("Ada Lovelace", "Kent"), ("Tom Reid", "Kent"), ("Grace Hopper", "Wigan")]
    for name, org in people:
        add_person(app, board, full_name=name, organisation=org)
    _pair(runner, "5")
    drain(app)
    # Round 2 of the same three: everyone has met everyone, and two are from Kent.
    shown = _pair(runner, "6", "--dry-run", "--close-open").splitlines()
    said = {line.strip() for line in shown}
    for first, second in (("Ada Lovelace", "Tom Reid"), ("Ada Lovelace", "Grace Hopper")):
        assert f"{first} and {second} meet again: there was no other way." in said
    assert (
        "Two people from Kent had to be paired, Ada Lovelace and Tom Reid: there was no other way."
        in said
    )
    assert "Kent has 2 of the 3 people drawn." in said
    assert not [line for line in shown if "no_repeat" in line or "different_org" in line]
    preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
    sentences = [s for bend in preview["bent"] for s in bend["sentences"]]
    assert "Kent has 2 of the 3 people drawn." in sentences
    assert not problems("preview sentences", " ".join(sentences))

    # The round card says the same, with the people's cards as links.
    _pair(runner, "6", "--close-open")
    drain(app)
    desc = round_card(app, board)["desc"]
    assert len(re.findall(r"^\S+ and \S+ meet again: there was no other way\.$", desc, re.M)) == 3
    assert re.search(
        r"^Two people from Kent had to be paired, https://\S+ and https://\S+:", desc, re.M
    )
    assert SEED_LINE.search(desc) and "Had to bend" not in desc


def test_the_preview_says_why_someone_waits_in_words(app, client, runner, board):
    for name in ("Ada Lovelace", "Tom Reid"):
        add_person(app, board, full_name=name, organisation=name.split()[1])
    add_person(app, board, full_name="Grace Hopper", skip_next_round=True)
    shown = _pair(runner, "5", "--dry-run")
    assert "Not in this round: Grace Hopper (skipping this round)" in shown
    preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
    assert [(p["name"], p["reason"]) for p in preview["waiting"]] == [
        ("Grace Hopper", "skipping this round")
    ]


def test_a_flask_command_prints_only_its_own_output(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "INSTANCE_PATH": str(tmp_path),
        "LOG_LEVEL": "INFO",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "routes"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(app_package.__file__).parent.parent,
        timeout=120,
        check=True,
    )
    assert "setup plugin" not in done.stderr and "alembic" not in done.stderr


@pytest.mark.sqlite_only
def test_no_power_up_page_shows_a_digits_date_or_our_words(page, live_app, runner, board, worker):
    add_people(live_app, board, 3)
    _pair(runner, "5")
    drain(live_app)
    open_board(page, board, live_app)
    found = []

    # Round 2 of the same three: everyone has met everyone before.
    open_menu_item(page, "Make pairs")
    modal = page.frame_locator(".pu-modal iframe")
    expect(modal.get_by_role("status")).to_have_text(
        "Preview ready: check the pairs, then confirm."
    )
    expect(modal.locator("#bent")).to_contain_text("meet again: there was no other way.")
    expect(modal.locator("#open-text")).to_contain_text(LONG_DATE)
    assert modal.locator("#draw-number").inner_text().isdigit()
    found += problems("make pairs", modal.locator("body").inner_text())
    modal.get_by_role("button", name="Cancel").click()

    for item in ("Settings", "Report"):
        open_menu_item(page, item)
        popup = page.frame_locator(".pu-popup iframe")
        expect(popup.locator("body")).not_to_contain_text("Loading…")
        found += problems(item, popup.locator("body").inner_text())
        page.keyboard.press("Escape")

    section = card_back(page, "Matched", "Amara Okafor")
    expect(section.locator("#round")).to_contain_text(LONG_DATE)
    found += problems("card-back of a participant", section.locator("body").inner_text())
    page.locator(".pu-detail").get_by_role("button", name="Add output link").click()
    output = page.frame_locator(".pu-popup iframe")
    expect(output.get_by_role("button", name="Add link")).to_be_visible()
    found += problems("add output link", output.locator("body").inner_text())
    page.keyboard.press("Escape")
    page.locator(".pu-detail").get_by_role("button", name="Close Amara Okafor").click()

    section = card_back(page, "Matched", "Round 1 · ")
    expect(section.locator("#status")).to_contain_text(LONG_DATE)
    found += problems("card-back of the round card", section.locator("body").inner_text())
    for list_name in ("Sign-ups", "Matched"):
        for text in list_cards(page, list_name).all_inner_texts():
            found += problems(f"a card in {list_name}", SEED_LINE.sub("", text))
    assert not found, "\n".join(found)
    # The round card keeps the seed, so the same pairs can be drawn again.
    assert SEED_LINE.search(round_card(live_app, board)["desc"])


def test_cards_written_with_digits_dates_are_rewritten_in_words_by_the_next_reconcile(
    app, runner, board
):
    # A board written before dates were in words: the round card and a member's card.
    ids = [add_person(app, board, organisation=org) for org in ("Kent", "Wigan")]
    _pair(runner, "5")
    drain(app)
    card = round_card(app, board)
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        drawn, meet_by = round_.round_date, round_.meet_by
        member = db.session.get(Person, ids[0]).trello_card_id
    words, digits = _long(meet_by), meet_by.isoformat()
    old = {
        "name": f"Round 1 · {drawn.isoformat()} · 1 pairs",
        "desc": card["desc"].replace(f"Meet by: {words}", f"Meet by: {digits}"),
    }
    board.api("PUT", f"/cards/{card['id']}", json=old)
    member_desc = board.api("GET", f"/cards/{member}").json()["desc"]
    board.api("PUT", f"/cards/{member}", json={"desc": member_desc.replace(words, digits)})
    assert ISO_DATE.search(board.api("GET", f"/cards/{member}").json()["desc"])

    assert runner.invoke(args=["reconcile"]).exit_code == 0
    drain(app)
    renamed = board.api("GET", f"/cards/{card['id']}").json()
    assert renamed["name"] == f"Round 1 · {_long(drawn)} · 1 pair"
    assert f"Meet by: {words}" in renamed["desc"] and SEED_LINE.search(renamed["desc"])
    assert not ISO_DATE.search(board.api("GET", f"/cards/{member}").json()["desc"])


def _long(day):
    """Return a date as people read it, written out here rather than by the code under test."""
    return f"{day.day} {day:%B} {day.year}"
