"""People in several programmes (issue 16): one address, a participation in each programme, each
with its own card, pauses, rounds and list; their page lists their others with a link to each;
leaving one leaves only that one, leaving all leaves each as its own board does; pages and
mails carry each programme's name and contact; the start page lists the programmes that chose
to be; each programme's feed and report live under its /p/<slug>."""

import re
from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from app.db import db, utcnow
from app.models import Avoidance, OutboxEntry, Person, Programme, programme_by_slug
from tests.programme_helpers import second_programme
from tests.signup_helpers import FORM, mails_to, post_form
from tests.support import drain, set_up_board

ADA = FORM["email"]
SECOND_CONTACT = "organisers@second.example"
_LINK = re.compile(r"https?://\S+/(?:signup/confirm|me)/[A-Za-z0-9_.\-]+")
_HREF = re.compile(r'href="([^"]+)"')
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def two(app, sandbox, monkeypatch):
    """The first programme's board and a second programme ("Second network", /p/second/,
    listed, its own organisers' address), posts from one address not rate-limited; return
    Nia's token for reading the second board."""
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "1000 per minute")
    monkeypatch.setitem(app.config, "PARTICIPANT_RATE_LIMIT", "1000 per minute")
    set_up_board(app, sandbox)
    _board, token, programme_id = second_programme(app, sandbox, webhook=False)
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        programme.settings = {**programme.settings, "contact_email": SECOND_CONTACT}
        db.session.commit()
    return token


def _links(mail):
    """Return a mail's signed links as paths, prefix kept: {'confirm': …, 'manage': …}."""
    found = {}
    for url in _LINK.findall(mail["text"]):
        path = urlsplit(url).path
        found["confirm" if "/signup/confirm/" in path else "manage"] = path
    return found


def _join(app, client, sandbox, prefix="", **changes):
    """Sign up on a programme's form and confirm from the mail; return the manage path."""
    details = {**FORM, **changes}
    assert post_form(client, f"{prefix}/signup", **details).status_code == 200
    drain(app)
    confirm = _links(mails_to(sandbox, details["email"])[-1])["confirm"]
    assert confirm.startswith(f"{prefix}/signup/confirm/")
    assert post_form(client, confirm).status_code == 200
    drain(app)
    return _links(mails_to(sandbox, details["email"])[-1])["manage"]


def _person(app, slug, email=ADA):
    """Return (id, status, card id, programme id) of the address's participation in a programme
    (slug None: the first)."""
    with app.app_context():
        programme = programme_by_slug(slug) if slug else None
        query = select(Person).where(Person.email == email) if email else select(Person)
        for person in db.session.scalars(query):
            if slug is None and person.programme.is_first or programme == person.programme:
                return person.id, person.status, person.trello_card_id, person.programme_id
    return None


def _card(sandbox, card_id, token=None):
    """Return a card as its board's member reads it (token: the second board's member)."""
    params = {"token": token} if token else {}
    return sandbox.api("GET", f"/cards/{card_id}", params=params).json()


def _list_id(app, slug, key):
    """Return the id of a programme's list by key ('signups', 'paused', …)."""
    with app.app_context():
        programme = programme_by_slug(slug) if slug else None
        if programme is None:
            programme = next(p for p in db.session.scalars(select(Programme)) if p.is_first)
        return programme.list_id(key)


def _same(page, address):
    """Return a page with what differs on every answer (its script nonce) and the address the
    visitor typed taken out, to compare two answers by."""
    return re.sub(r'nonce="[^"]*"', "", page).replace(address, "X")


def _text(response):
    """Return a page's HTML as text."""
    return response.get_data(as_text=True)


def test_an_address_in_the_first_programme_signs_up_to_the_second_as_a_new_participation(
    app, client, sandbox, two
):
    _join(app, client, sandbox)
    # What the form answers does not tell that the address is taken elsewhere: the same page
    # as for an address nobody knows, and a mail to confirm, not "you are already signed up".
    known = post_form(client, "/p/second/signup", **FORM)
    stranger = post_form(client, "/p/second/signup", **{**FORM, "email": "new@example.org"})
    assert known.status_code == stranger.status_code == 200
    assert _same(_text(known), ADA) == _same(_text(stranger), "new@example.org")
    drain(app)
    mail = mails_to(sandbox, ADA)[-1]
    assert mail["subject"] == "Confirm your Second network sign-up"
    assert "already" not in mail["text"]

    assert post_form(client, _links(mail)["confirm"]).status_code == 200
    drain(app)
    first, second = _person(app, None), _person(app, "second")
    assert first[0] != second[0] and first[3] != second[3]
    assert first[1] == second[1] == "active"
    # Each has its own card, on its own board.
    assert _card(sandbox, first[2])["idList"] == _list_id(app, None, "signups")
    assert _card(sandbox, second[2], two)["idList"] == _list_id(app, "second", "signups")
    welcome = mails_to(sandbox, ADA)[-1]
    assert welcome["subject"] == "You are signed up to Second network"
    assert SECOND_CONTACT in welcome["text"] and "/p/second/me/" in welcome["text"]


def test_pausing_in_one_programme_leaves_the_other_active_and_lists_stay_apart(
    app, client, sandbox, two
):
    first_page = _join(app, client, sandbox)
    second_page = _join(app, client, sandbox, "/p/second")
    assert second_page.startswith("/p/second/me/")
    back = (utcnow() + timedelta(weeks=6)).date()
    day = {"until-day": back.day, "until-month": back.month, "until-year": back.year}
    assert post_form(client, second_page + "/pause", **day).status_code == 302
    never = post_form(
        client, first_page + "/never-pair", page=first_page, address="tom@example.org"
    )
    assert never.status_code == 302
    drain(app)

    first, second = _person(app, None), _person(app, "second")
    assert (first[1], second[1]) == ("active", "paused")
    assert _card(sandbox, second[2], two)["idList"] == _list_id(app, "second", "paused")
    assert _card(sandbox, first[2])["idList"] == _list_id(app, None, "signups")
    assert "You are in the next draw." in _text(client.get(first_page))
    assert f"You are paused until {back.day} {back:%B %Y}" in _text(client.get(second_page))
    with app.app_context():
        kept = {(a.person_id, a.email) for a in db.session.scalars(select(Avoidance))}
    assert kept == {(first[0], "tom@example.org")}
    assert "tom@example.org" not in _text(client.get(second_page))


def test_the_page_lists_the_other_programmes_of_this_address_only_with_working_links(
    app, client, sandbox, two
):
    first_page = _join(app, client, sandbox)
    # Grace takes part in the second programme only; Ada's sign-up to a third is unconfirmed.
    grace_page = _join(app, client, sandbox, "/p/second", email="grace@example.org")
    page = _text(client.get(first_page))
    assert "Your UnMentoring page" in page and "Your other programmes" not in page
    assert "Leave all" not in page

    assert _join(app, client, sandbox, "/p/second").startswith("/p/second/me/")
    page = _text(client.get(first_page))
    assert "Your other programmes" in page and "Your Second network page" in page
    link = next(h for h in _HREF.findall(page) if "/p/second/me/" in h)
    assert link.startswith(app.config["PUBLIC_URL"] + "/p/second/me/")
    there = client.get(urlsplit(link).path)
    assert there.status_code == 200 and "Your Second network page" in _text(there)
    # The second programme's page lists the first, whose pages have no prefix.
    back = next(h for h in _HREF.findall(_text(there)) if "/me/" in h and "/p/" not in h)
    assert "Your UnMentoring page" in _text(client.get(urlsplit(back).path))
    # The same token does not open under the other programme's pages.
    assert client.get(urlsplit(link).path.removeprefix("/p/second")).status_code == 400
    # Grace's page names nobody else's programme; Ada's names nothing of Grace's.
    assert "Your other programmes" not in _text(client.get(grace_page))
    assert "grace" not in _text(client.get(first_page)).lower()


def _in_a_round_of_the_second(app, client, runner, sandbox):
    """Ada in both programmes, paired with Grace in the second's open round; return Ada's two
    manage paths."""
    first_page = _join(app, client, sandbox)
    second_page = _join(app, client, sandbox, "/p/second")
    _join(app, client, sandbox, "/p/second", email="grace@example.org", name="Grace Hopper")
    result = runner.invoke(args=["pair", "--seed", "5", "--programme", "second"])
    assert result.exit_code == 0, result.output
    drain(app)
    return first_page, second_page


def test_leaving_one_programme_leaves_only_that_one(app, client, runner, sandbox, two):
    first_page, second_page = _in_a_round_of_the_second(app, client, runner, sandbox)
    # Each page shows its own rounds: the second's round and partner are not on the first's.
    assert "Grace Hopper" in _text(client.get(second_page))
    assert "Grace Hopper" not in _text(client.get(first_page))
    leave_page = _text(client.get(first_page + "/leave"))
    assert "This leaves UnMentoring only. You stay in Second network." in leave_page
    assert post_form(client, first_page + "/leave", page=first_page + "/leave").status_code == 200
    drain(app)

    first, second = _person(app, None, None), _person(app, "second")
    assert first[1] == "left" and _card(sandbox, first[2])["closed"] is True
    assert second[1] == "active"
    card = _card(sandbox, second[2], two)
    assert not card["closed"] and card["idList"] == _list_id(app, "second", "matched")
    page = _text(client.get(second_page))
    assert "Grace Hopper" in page and "Your other programmes" not in page
    # Nobody in the second programme was told anything.
    assert not [m for m in mails_to(sandbox, "grace@example.org") if "no longer" in m["subject"]]
    # The kept copies of the second programme's mail to Ada are the second's, and stay.
    with app.app_context():
        second_id = second[3]
        kept = db.session.scalars(
            select(OutboxEntry).where(
                OutboxEntry.programme_id == second_id, OutboxEntry.operation == "mail.send"
            )
        )
        assert any(entry.payload.get("to") == ADA for entry in kept)


def test_leaving_all_leaves_each_programme_as_its_own_board_does(app, client, runner, sandbox, two):
    first_page, second_page = _in_a_round_of_the_second(app, client, runner, sandbox)
    page = _text(client.get(first_page))
    assert "Leave all 2 programmes and delete everything" in page
    confirm = _text(client.get(first_page + "/leave-all"))
    assert "<li>UnMentoring</li>" in confirm and "<li>Second network</li>" in confirm
    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.email == ADA)) is not None
    done = post_form(client, first_page + "/leave-all")
    assert done.status_code == 200
    assert "You have left all your programmes" in _text(done)
    drain(app)

    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.email == ADA)) is None
        ada = [p for p in db.session.scalars(select(Person)) if p.full_name == "(left)"]
        assert {p.status for p in ada} == {"left"} and len(ada) == 2
        cards = {p.programme.is_first: p.trello_card_id for p in ada}
    assert _card(sandbox, cards[True])["closed"] is True
    archived = _card(sandbox, cards[False], two)
    assert archived["closed"] is True and archived["name"] == "(left)"
    # Grace, Ada's partner in the second programme, is told as after any leave, in its words.
    told = [m for m in mails_to(sandbox, "grace@example.org") if "no longer" in m["subject"]]
    assert [m["subject"] for m in told] == [
        "Second network round 1: your partner can no longer meet"
    ]
    assert SECOND_CONTACT in told[0]["text"] and "/p/second/me/" in told[0]["text"]
    assert "UnMentoring" not in told[0]["text"]
    # Both links now say the person has left.
    assert "You have left" in _text(client.get(second_page))
    assert "You have left" in _text(client.get(first_page))


def test_pages_and_mails_carry_each_programmes_name_and_contact(app, client, sandbox, two):
    app.config["ORGANISERS_EMAIL"] = "organisers@first.example"
    first = _text(client.get("/"))
    second = _text(client.get("/p/second/"))
    assert "– UnMentoring</title>" in first and "LocalGov Digital network" in first
    assert "organisers@first.example" in first and SECOND_CONTACT not in first
    assert "– Second network</title>" in second and "Second network pairs you" in second
    assert SECOND_CONTACT in second and "organisers@first.example" not in second
    assert "LocalGov Digital" not in second
    assert 'href="/p/second/signup"' in second  # Start now
    for path in ("/p/second/signup", "/p/second/privacy", "/p/second/report"):
        assert "– Second network</title>" in _text(client.get(path)), path

    _join(app, client, sandbox)
    _join(app, client, sandbox, "/p/second")
    mails = mails_to(sandbox, ADA)
    ours = [m for m in mails if "/p/second/" not in m["text"]]
    theirs = [m for m in mails if "/p/second/" in m["text"]]
    assert len(ours) == len(theirs) == 2  # confirm and welcome each
    for mail in ours:
        assert "UnMentoring" in mail["subject"] and "organisers@first.example" in mail["text"]
        assert "Second network" not in mail["text"] + mail["subject"]
    for mail in theirs:
        assert "Second network" in mail["subject"] and SECOND_CONTACT in mail["text"]
        assert "UnMentoring" not in mail["text"] + mail["subject"]


def test_the_start_page_lists_only_the_programmes_that_chose_to_be_listed(app, client, sandbox):
    set_up_board(app, sandbox)
    assert "Other networks" not in _text(client.get("/"))
    second_programme(
        app, sandbox, slug="hidden", name="Hidden network", listed=False, webhook=False
    )
    assert "Other networks" not in _text(client.get("/"))
    second_programme(app, sandbox, slug="open", name="Open network", webhook=False)
    page = _text(client.get("/"))
    assert "Other networks" in page and "Hidden network" not in page
    assert '<a class="govuk-link" href="/p/open/">Open network</a>' in page
    # Each programme's own start page is its own, and lists no others.
    own = _text(client.get("/p/open/"))
    assert "Open network" in own and "Other networks" not in own
    assert 'href="/p/open/signup"' in own


def test_the_feed_and_report_of_a_second_programme_carry_its_prefix(app, client, sandbox, two):
    public = app.config["PUBLIC_URL"].rstrip("/")
    feed = ET.fromstring(client.get("/p/second/outputs.atom").get_data())
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": f"{public}/p/second/outputs.atom",
        "alternate": f"{public}/p/second/outputs",
    }
    assert feed.find(f"{ATOM}id").text == f"{public}/p/second/outputs.atom"
    assert feed.find(f"{ATOM}title").text == "Second network: shared outputs"
    first = ET.fromstring(client.get("/outputs.atom").get_data())
    assert first.find(f"{ATOM}id").text == f"{public}/outputs.atom"
    assert first.find(f"{ATOM}title").text == "UnMentoring: shared outputs"

    for path in ("/p/second/report", "/p/second/outputs"):
        hrefs = _HREF.findall(_text(client.get(path)))
        assert "/p/second/outputs.atom" in hrefs, path
        assert "/outputs.atom" not in hrefs and "/report" not in hrefs, path
    data = client.get("/p/second/report.json").get_json()
    assert data["title"] == "Second network report: rounds, meetings and outputs"
