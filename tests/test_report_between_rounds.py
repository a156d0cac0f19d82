"""Outputs between rounds in the report and the feed: a link counts once, in its round if it has
one (the figures' independent counts against the seeded history are in test_report.py)."""

from datetime import date, timedelta

import feedparser
from sqlalchemy import select

from app.db import db
from app.models import Output, Person, Round, current_programme
from app.rounds.life import grace_days
from tests.followup_helpers import attach_link, followup_links
from tests.report_helpers import draw_round, prepare_board, sign_up_by_service
from tests.signup_helpers import mails_to, post_form, signed_up_and_confirmed
from tests.support import drain
from tests.test_report import page_cells

NAMED = {"name": "Marigold Thistlewaite", "email": "marigold@example.org"}
LINK = "https://weeknotes.example.net/2026/what-the-coffee-taught-me"


def _one_long_closed_round(app, client, sandbox):
    """Six people (one opted in to be named in the feed) in a round drawn 220 days ago, which
    closed long before its grace period ended; return the named person's card id."""
    prepare_board(app, sandbox)
    signed_up_and_confirmed(app, client, sandbox, credit="yes", organisation="NHS Leeds", **NAMED)
    for n, org in enumerate(["Leeds City Council", "Nesta", "Clarion Housing", "Nesta", "Kent"]):
        sign_up_by_service(app, f"Between Person {n}", org, n)
    drain(app)
    draw_round(app, 1)
    with app.app_context():
        closes_on = db.session.scalar(select(Round.closes_on))
        assert closes_on + timedelta(days=grace_days(current_programme())) < date.today()
        person = db.session.scalar(select(Person).where(Person.email == NAMED["email"]))
        return person.trello_card_id


def _feed_entries(client, link):
    """Return the feed's entries for one link."""
    feed = feedparser.parse(client.get("/outputs.atom").data)
    assert not feed.bozo, feed.get("bozo_exception")
    return [entry for entry in feed.entries if entry.link == link]


def test_a_link_added_on_the_board_after_the_round_closed_is_shared_between_rounds(
    app, client, sandbox
):
    card = _one_long_closed_round(app, client, sandbox)
    assert attach_link(app, client, card, LINK) == 200
    cells = page_cells(client)
    assert cells[("1", "shared")] == "0"
    # Outputs are public posts: counted in full, however few.
    assert cells[("all", "outputs_between_rounds")] == "1"
    assert cells[("all", "sharers_between_rounds")] == "1"
    page = client.get("/report").text
    assert "after the person's round had closed and before their next one" in page
    [entry] = _feed_entries(client, LINK)
    assert entry.title.startswith("Between rounds output: weeknotes.example.net/2026/")
    assert entry.author == NAMED["name"] and entry.tags[0].term == "between-rounds"
    assert entry.summary == f"Shared between rounds by {NAMED['name']}."
    outputs = client.get("/outputs").text
    section = outputs.split('id="between-rounds"', 1)[1]
    assert "Between rounds" in section and NAMED["name"] in section
    assert "weeknotes.example.net/2026/what-the-coffee-taught-me" in section


def test_the_same_link_then_given_for_the_round_counts_there_only(app, client, sandbox):
    card = _one_long_closed_round(app, client, sandbox)
    assert attach_link(app, client, card, LINK) == 200
    # The person then gives that link through their round's email link: it is the round's.
    intro = next(m for m in reversed(mails_to(sandbox, NAMED["email"])) if followup_links(m))
    response = post_form(client, followup_links(intro)["output"], url=LINK)
    assert response.status_code == 200 and "Link added" in response.text
    drain(app)
    cells = page_cells(client)
    assert cells[("1", "shared")] == "1"
    assert cells[("all", "outputs_between_rounds")] == "0"
    assert cells[("all", "sharers_between_rounds")] == "0"
    document = client.get("/report.json").get_json()
    assert document["all_rounds"]["outputs_between_rounds"] == 0
    [entry] = _feed_entries(client, LINK)
    assert entry.title.startswith("Round 1 output: ") and entry.tags[0].label == "Round 1"
    with app.app_context():  # one output, moved into the round the email link names
        rounds = [o.round_id for o in db.session.scalars(select(Output))]
        assert rounds == [db.session.scalar(select(Round.id))]
