"""A round's life in the Power-Up, in a real browser on the sandbox board: while a round is
open, Make pairs says how far it got, re-matches stranded people, and closes it before the
next draw."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.db import db, utcnow
from app.links import make_token
from app.models import Person
from tests.signup_helpers import post_form
from tests.support import drain
from tests.test_powerup_browser import add_people, open_menu_item, partners_of, shoot, worker
from tests.test_powerup_browser import open_board as open_board_page

__all__ = ["worker"]  # the fixture, used by name


def _pause(app, client, person_id):
    """Pause someone from their own page for six weeks."""
    with app.app_context():
        page = f"/me/{make_token(person_id, 'manage')}/pause"
    day = (utcnow() + timedelta(weeks=6)).date()
    fields = {"until-day": day.day, "until-month": day.month, "until-year": day.year}
    assert post_form(client, page, **fields).status_code == 302


def test_make_pairs_rescues_the_stranded_then_closes_the_open_round_and_draws_the_next(
    page, live_app, client, runner, board, worker
):
    add_people(live_app, board, 4)
    assert runner.invoke(args=["pair", "--seed", "5"]).exit_code == 0
    drain(live_app)
    leavers = []
    for first in ("Amara", "Bethan", "Callum", "Dev"):
        if first not in leavers and not set(partners_of(live_app, first)) & set(leavers):
            leavers.append(first)  # one from each pair
    with live_app.app_context():
        ids = {p.full_name.split()[0]: p.id for p in db.session.scalars(select(Person))}
    for first in leavers:
        _pause(live_app, client, ids[first])

    open_board_page(page, board, live_app)
    open_menu_item(page, "Make pairs")
    modal = page.frame_locator(".pu-modal iframe")
    expect(modal.get_by_role("status")).to_have_text(
        "Preview ready: check the pairs, then confirm."
    )
    expect(modal.locator("#open-round h2")).to_have_text("Round 1 is still open")
    expect(modal.locator("#open-text")).to_contain_text("0 of 4 have met and 0 of 4 have shared")
    expect(modal.locator("#stranded-text")).to_have_text(
        "2 people lost their partners and wait to be re-matched."
    )
    shoot(page, "make-pairs-open-round.png")

    modal.get_by_role("button", name="Re-match stranded people now").click()
    expect(modal.get_by_role("status")).to_have_text(
        "Re-matched 1 group(s); introductions are on their way."
    )
    expect(modal.locator("#rescued li")).to_have_count(1)
    stranded = [first for first in ids if first not in leavers]
    for first in stranded:
        expect(modal.locator("#rescued")).to_contain_text(first)

    modal.get_by_role("button", name="Close round 1 and draw round 2").click()
    expect(modal.get_by_role("status")).to_have_text("Done: round 2 is on the board.")
