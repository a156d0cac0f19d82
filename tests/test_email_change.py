"""Changing one's email address: nothing changes until the new address opens its link and
confirms; then the same person (id, card, rounds, outputs) has the new address and the old one
is told. Expired, tampered and used links, and an address someone else has, change nothing."""

import logging
import re

import pytest
from sqlalchemy import select

from app.db import db
from app.models import OutboxEntry, Output, current_programme
from app.people.avoidances import avoid_map
from tests.participant_helpers import add_person, manage_path, people_in_round, share_on_card
from tests.signup_helpers import (
    FORM,
    eight_days_on,
    mails_to,
    people,
    post_form,
    sign_up,
    signed_up_and_confirmed,
)
from tests.support import drain

pytestmark = pytest.mark.usefixtures("roomy")
OLD, NEW = "ada@example.org", "countess.new@example.org"
_CHANGE_LINK = re.compile(r"https?://\S+(/me/[A-Za-z0-9_.\-]+/email)\b")
_ANY_PERSONAL_LINK = re.compile(r"/me/[A-Za-z0-9_.\-]+")


def _ask(client, manage, email, **changes):
    """Send the change-details form with a new address (and any other changes)."""
    return post_form(client, manage + "/details", **{**FORM, **changes, "email": email})


def _change_link(sandbox, address):
    """Return the path of the latest change link mailed to an address."""
    [path] = _CHANGE_LINK.findall(mails_to(sandbox, address)[-1]["text"])
    return path


def _only_person(app):
    """Return the only participant's row."""
    [person] = people(app)
    return person


def test_a_new_address_changes_nothing_until_it_confirms_then_the_old_one_is_told(
    app, client, board
):
    manage = signed_up_and_confirmed(app, client, board)
    before = _only_person(app)
    response = _ask(client, manage, NEW, topics="Counting engines")
    assert response.status_code == 200
    assert f"We sent a link to <strong><bdi>{NEW}</bdi></strong>" in response.get_data(as_text=True)
    assert _only_person(app)["email"] == OLD, "the old address stays until the new one confirms"
    assert _only_person(app)["topics"] == "Counting engines", "other changes are saved at once"
    drain(app)
    [mail] = mails_to(board, NEW)
    link = _change_link(board, NEW)
    # Whoever reads the new address has not proved to be the person yet: no link to their page.
    assert _ANY_PERSONAL_LINK.findall(mail["text"]) == [link.removesuffix("/email")]
    assert before["full_name"] not in mail["text"]

    opened = client.get(link)  # what a mail scanner does
    assert opened.status_code == 200 and "Use this address" in opened.get_data(as_text=True)
    assert _only_person(app)["email"] == OLD

    confirmed = post_form(client, link)
    assert confirmed.status_code == 200
    assert "Your email address has changed" in confirmed.get_data(as_text=True)
    after = _only_person(app)
    assert after["email"] == NEW
    assert (after["id"], after["trello_card_id"]) == (before["id"], before["trello_card_id"])
    drain(app)
    [notice] = [m for m in mails_to(board, OLD) if "changed" in m["subject"]]
    assert "was changed to c***@example.org" in notice["text"]
    assert "If this wasn't you, reply to this email" in notice["text"]
    assert NEW not in notice["text"]
    assert NEW in client.get(manage).get_data(as_text=True), "the same page, the new address"


def test_after_the_change_the_person_keeps_their_round_partner_and_outputs(
    app, client, runner, board
):
    details = [
        {"full_name": "Ada Lovelace", "email": OLD, "organisation": "Camden"},
        {"full_name": "Grace Hopper", "email": "grace@example.org", "organisation": "Kent"},
    ]
    ada, _ = people_in_round(app, runner, board, details)
    share_on_card(app, client, ada, "https://weeknotes.example.org/ada-1")
    manage = manage_path(app, ada)
    page_before = client.get(manage).get_data(as_text=True)
    _ask(client, manage, NEW, name="Ada Lovelace", organisation="Camden")
    drain(app)
    post_form(client, _change_link(board, NEW))
    page_after = client.get(manage).get_data(as_text=True)
    for kept in ("Round 1: meet by", "Grace Hopper", "https://weeknotes.example.org/ada-1"):
        assert kept in page_before and kept in page_after
    with app.app_context():
        assert db.session.scalars(select(Output.person_id)).all() == [ada]
    # From now on the new address is the person's: signing up with it again finds them.
    sign_up(client, email=NEW)
    drain(app)
    assert any("already signed up" in m["subject"] for m in mails_to(board, NEW))
    assert [p["id"] for p in people(app) if p["email"] == NEW] == [ada]


def test_expired_tampered_and_used_links_are_refused_and_change_nothing(
    app, client, board, monkeypatch
):
    manage = signed_up_and_confirmed(app, client, board)
    _ask(client, manage, NEW)
    drain(app)
    link = _change_link(board, NEW)
    tampered = link[:-16] + ("A" if link[-16] != "A" else "B") + link[-15:]
    for method in (client.get, lambda path: post_form(client, path, page=manage)):
        refused = method(tampered)
        assert refused.status_code == 400 and "does not work" in refused.get_data(as_text=True)
    assert _only_person(app)["email"] == OLD

    with monkeypatch.context() as later:
        eight_days_on(later, days=8)
        expired = client.get(link)
        assert expired.status_code == 400 and "has expired" in expired.get_data(as_text=True)
    assert _only_person(app)["email"] == OLD

    assert post_form(client, link).status_code == 200
    for method in (client.get, lambda path: post_form(client, path, page=manage)):
        replayed = method(link)
        assert replayed.status_code == 400 and "does not work" in replayed.get_data(as_text=True)
    assert _only_person(app)["email"] == NEW


def test_a_link_stops_working_once_the_address_has_changed_another_way(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    _ask(client, manage, "first.choice@example.org")
    _ask(client, manage, "second.choice@example.org")
    drain(app)
    first = _change_link(board, "first.choice@example.org")
    second = _change_link(board, "second.choice@example.org")
    assert post_form(client, second).status_code == 200
    assert post_form(client, first, page=manage).status_code == 400
    assert _only_person(app)["email"] == "second.choice@example.org"


def test_an_address_another_participant_has_is_refused_and_the_form_does_not_say_so(
    app, client, board
):
    manage = signed_up_and_confirmed(app, client, board)
    signed_up_and_confirmed(app, client, board, email="grace@example.org", name="Grace Hopper")
    taken = _ask(client, manage, "grace@example.org")
    free = _ask(client, manage, NEW)
    # The same page either way, as after signing up: the form never tells who is signed up.
    assert taken.status_code == free.status_code == 200
    for response in (taken, free):
        assert "We sent a link to" in response.get_data(as_text=True)
    drain(app)
    [note] = [m for m in mails_to(board, "grace@example.org") if "already" in m["subject"]]
    assert "nothing has changed" in note["text"] and "Ada" not in note["text"]
    assert not _CHANGE_LINK.findall(note["text"])
    assert [p["email"] for p in people(app)] == [OLD, "grace@example.org"]


def test_a_link_to_an_address_taken_since_it_was_sent_is_refused_clearly(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    _ask(client, manage, NEW)
    drain(app)
    link = _change_link(board, NEW)
    signed_up_and_confirmed(app, client, board, email=NEW, name="Someone Else")
    for response in (client.get(link), post_form(client, link, page=manage)):
        assert response.status_code == 400
        assert "already belongs to another" in response.get_data(as_text=True)
    assert [p["email"] for p in people(app)] == [OLD, NEW]


def test_leaving_cancels_an_unsent_change_link_and_blanks_the_kept_mails(app, client, board):
    manage = signed_up_and_confirmed(app, client, board)
    _ask(client, manage, NEW)
    post_form(client, manage + "/leave")
    drain(app)
    assert mails_to(board, NEW) == []
    with app.app_context():
        kept = " ".join(str(e.payload) for e in db.session.scalars(select(OutboxEntry)))
    assert NEW not in kept and OLD not in kept


def test_neither_address_reaches_the_logs(app, client, board, caplog):
    caplog.set_level(logging.DEBUG)
    manage = signed_up_and_confirmed(app, client, board)
    _ask(client, manage, NEW)
    _ask(client, manage, "grace@example.org")
    drain(app)
    post_form(client, _change_link(board, NEW))
    drain(app)
    logged = "\n".join(logging.Formatter().format(record) for record in caplog.records)
    assert caplog.records, "the flow did log"
    for address in (OLD, NEW, "grace@example.org", "c***@example.org"):
        assert address not in logged


def test_a_never_pair_rule_naming_the_old_address_still_holds_after_the_change(app, client, board):
    details = [
        {"full_name": "Ada Lovelace", "email": OLD, "organisation": "Camden"},
        {"full_name": "Grace Hopper", "email": "grace@example.org", "organisation": "Kent"},
    ]
    ada, grace = [add_person(app, board, **person) for person in details]
    grace_page = manage_path(app, grace)
    post_form(client, grace_page + "/never-pair", page=grace_page, address=OLD)
    _ask(client, manage_path(app, ada), NEW, name="Ada Lovelace", organisation="Camden")
    drain(app)
    post_form(client, _change_link(board, NEW))
    with app.app_context():
        assert avoid_map(current_programme().id) == {ada: {grace}, grace: {ada}}
    # Grace's list still shows the address she typed, never Ada's new one.
    page = client.get(grace_page).get_data(as_text=True)
    assert OLD in page and NEW not in page
