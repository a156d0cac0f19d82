"""The loop end to end over real HTTP: email link → outbox → Trello → webhook → card and mail."""

import pytest

from tests.followup_helpers import NORMAL, followup_links, lists_of, make_round, round_card
from tests.signup_helpers import mails_to, post_form
from tests.support import drain

pytestmark = pytest.mark.usefixtures("board")
POST = "https://weeknotes.example.org/2026/11/coffee"
BLOG = "https://blog.example.net/what-we-learned"


def _delivered(sandbox, kind, count=1):
    """Wait until the app acknowledged count deliveries of an action type."""
    found = sandbox.wait_for_deliveries(count, seconds=10, type=kind, status=200)
    assert len(found) >= count, sandbox.deliveries()


def test_an_output_added_by_email_link_and_one_commented_on_trello_both_close_the_loop(
    live_app, client, runner, sandbox
):
    result = runner.invoke(args=["register-webhook"])
    assert result.exit_code == 0, result.output
    people = make_round(live_app, runner, sandbox, count=2)
    (first, (card_1, email_1, _)), (second, (card_2, email_2, _)) = people.items()
    intro = mails_to(sandbox, email_1)[-1]
    output_page = followup_links(intro)["output"]

    response = post_form(client, output_page, url=POST)
    assert response.status_code == 200 and "Link added" in response.get_data(as_text=True)
    drain(live_app)  # the worker attaches the link on the board
    _delivered(sandbox, "addAttachmentToCard")
    drain(live_app)  # and carries out what the webhook queued
    lists, cards = lists_of(sandbox)
    assert lists[card_1] == "Shared" and f"Shared: {POST}" in cards[card_1]["desc"]
    [told] = [m for m in mails_to(sandbox, email_2) if "shared what they learned:" in m["text"]]
    assert f"round 1, shared what they learned: {POST} — add yours" in told["text"]
    assert "Progress: 1 of 2 shared" in round_card(live_app, sandbox)["desc"]

    comment = sandbox.api(
        "POST", f"/cards/{card_2}/actions/comments", member=NORMAL, params={"text": f"Mine: {BLOG}"}
    )
    assert comment.status_code == 200
    _delivered(sandbox, "commentCard")
    drain(live_app)
    lists, cards = lists_of(sandbox)
    assert lists[card_2] == "Shared" and f"Shared: {BLOG}" in cards[card_2]["desc"]
    assert "Progress: 2 of 2 shared" in round_card(live_app, sandbox)["desc"]
    assert any(f"shared what they learned: {BLOG}" in m["text"] for m in mails_to(sandbox, email_1))


def test_the_output_page_works_while_trello_is_down_and_attaches_when_it_returns(
    app, client, runner, sandbox
):
    people = make_round(app, runner, sandbox, count=2)
    card_1, email_1, _ = next(iter(people.values()))
    output_page = followup_links(mails_to(sandbox, email_1)[-1])["output"]
    sandbox.control("faults", status=503, count=1000)
    app.config.update(TRELLO_MAX_RETRIES=0)
    from app import trello

    trello.init_app(app)
    response = post_form(client, output_page, url=POST)
    assert response.status_code == 200 and "Link added" in response.get_data(as_text=True)
    drain(app)
    sandbox.control("faults", clear=True)
    from datetime import timedelta

    from app import outbox
    from app.db import utcnow

    with app.app_context():
        outbox.run_due(now=utcnow() + timedelta(hours=2))
    attached = sandbox.api("GET", f"/cards/{card_1}/attachments").json()
    assert [a["url"] for a in attached] == [POST]


@pytest.mark.parametrize(
    "url, problem",
    [
        ("", "Enter the link"),
        ("ftp://example.org/file", "must start with https://"),
        ("https://trello.com/c/abcd1234", "not a Trello link"),
        ("https://localhost/x", "real web address"),
        ("https://example.org/" + "a" * 2100, "2048 characters"),
        ("https://example.org/a\x00b", "real web address"),
    ],
)
def test_the_output_page_refuses_what_is_not_an_output_and_attaches_nothing(
    app, client, runner, sandbox, url, problem
):
    people = make_round(app, runner, sandbox, count=2)
    card_1, email_1, _ = next(iter(people.values()))
    output_page = followup_links(mails_to(sandbox, email_1)[-1])["output"]
    app.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"
    response = post_form(client, output_page, url=url)
    assert response.status_code == 400 and problem in response.get_data(as_text=True)
    drain(app)
    assert sandbox.api("GET", f"/cards/{card_1}/attachments").json() == []
