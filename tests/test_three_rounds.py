"""Three rounds as a real network lives them, with every person's list and badges read off the
sandbox board after each step: waiting, skipping, paused, in round, shared, stranded,
rescued, quiet and left each look like one thing only."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import db, utcnow
from app.links import make_token
from app.models import Group, Person
from tests.followup_helpers import followup_links, lists_of
from tests.round_helpers import add_people
from tests.signup_helpers import mails_to, post_form
from tests.support import drain
from tests.test_powerup_api import ADMIN, as_member

pytestmark = pytest.mark.usefixtures("board")

# What each state looks like: the card's list, and the kinds of its badges.
LOOKS = {
    "waiting": ("Sign-ups", set()),
    "skipping": ("Sign-ups", {"skipping"}),
    "paused": ("Paused", {"paused"}),
    "quiet": ("Paused", {"quiet"}),
    "in round": ("Matched", {"partners"}),
    "met": ("Matched", {"partners", "met"}),
    "shared": ("Shared", {"partners", "met", "shared"}),
    "stranded": ("Matched", {"stranded"}),
    "rescued": ("Matched", {"partners", "rescued"}),
    "left": (None, None),  # archived: off the board, no badges
}


class Network:
    """The test's own record of who should be in which state, beside the app's board."""

    def __init__(self, app, client, sandbox, ids):
        self.app, self.client, self.sandbox = app, client, sandbox
        self.state = dict.fromkeys(ids, "waiting")
        with app.app_context():
            people = db.session.scalars(select(Person).where(Person.id.in_(ids)))
            self.cards = {p.id: p.trello_card_id for p in people}
            self.email = {p.id: p.email for p in db.session.scalars(select(Person))}
        self.seen = set()

    def page(self, pid, tail=""):
        """Return a person's own page (or one of its actions)."""
        with self.app.app_context():
            return f"/me/{make_token(pid, 'manage')}{tail}"

    def check(self, step):
        """Compare every card's list and badges with what each person's state looks like."""
        drain(self.app)
        lists, _ = lists_of(self.sandbox)
        headers = as_member(self.sandbox, ADMIN)
        answer = self.client.get(f"/api/boards/{self.sandbox.board_id}/cards", headers=headers)
        badges = answer.get_json()["cards"]
        for pid, state in self.state.items():
            card = self.cards[pid]
            seen = (lists.get(card), {b["kind"] for b in badges[card]} if card in badges else None)
            assert seen == LOOKS[state], f"{step}: person {pid} should look {state}, is {seen}"
            self.seen.add(state)

    def groups(self, kind="drawn"):
        """Return the latest round's groups of a kind, as lists of person ids."""
        with self.app.app_context():
            query = select(Group).order_by(Group.round_id.desc(), Group.position)
            found = [g for g in db.session.scalars(query) if g.kind == kind]
            latest = found[0].round_id if found else None
            return [g.person_ids for g in found if g.round_id == latest]

    def draw(self, seed, close_open):
        """Draw the next round from the CLI; everyone drawn is in the round."""
        args = ["pair", "--seed", str(seed)] + (["--close-open"] if close_open else [])
        result = self.app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 0, result.output
        drawn = {pid for group in self.groups() for pid in group}
        for pid, state in self.state.items():
            if pid in drawn:
                self.state[pid] = "in round"
            elif state in ("in round", "met", "shared", "stranded", "rescued", "skipping"):
                self.state[pid] = "waiting"  # the round closed; skipping was for this round only
        return self.groups()

    def met(self, number, pids):
        """These people answer "We met" from their round's introduction; a group in which one
        of them met shows "met" on every member's card."""
        for pid in pids:
            intro = [
                m
                for m in mails_to(self.sandbox, self.email[pid])
                if f"round {number}: meet" in m["subject"]
            ]
            assert self.client.get(followup_links(intro[-1])["We met"]).status_code == 200
        for group in self.groups():
            if set(group) & set(pids):
                for member in group:
                    if self.state[member] == "in round":
                        self.state[member] = "met"

    def pause(self, pid):
        """The person pauses from their own page."""
        day = (utcnow() + timedelta(weeks=10)).date()
        fields = {"until-day": day.day, "until-month": day.month, "until-year": day.year}
        assert post_form(self.client, self.page(pid, "/pause"), **fields).status_code == 302
        self.state[pid] = "paused"


def test_every_state_has_its_own_list_and_badges_across_three_rounds(app, client, runner, sandbox):
    ids = add_people(app, sandbox, 10)
    net = Network(app, client, sandbox, ids)
    net.check("signed up")

    skipper, resting = ids[-1], ids[-2]
    skip = post_form(client, net.page(skipper, "/skip"), page=net.page(skipper), skip="yes")
    assert skip.status_code == 302
    net.state[skipper] = "skipping"
    net.pause(resting)
    net.check("before round 1")

    # Round 1: four pairs.
    [(sharer, sharer_partner), (stays, leaver), (stays_2, pauser), (quiet, quiet_partner)] = (
        net.draw(101, close_open=False)
    )
    net.state[skipper] = "skipping"  # skipping round 1, while round 1 is open
    net.check("round 1 drawn")

    net.met(1, [sharer, quiet_partner])  # the quiet one's partner answers; they never do
    intro = [m for m in mails_to(sandbox, net.email[sharer]) if "round 1: meet" in m["subject"]]
    url = "https://weeknotes.example.org/round-1"
    assert post_form(client, followup_links(intro[-1])["output"], url=url).status_code == 200
    net.state[sharer] = "shared"
    net.check("round 1, one met and shared")

    assert post_form(client, net.page(leaver, "/leave")).status_code == 200
    net.state[leaver], net.state[stays] = "left", "stranded"
    net.pause(pauser)
    net.state[stays_2] = "stranded"
    net.check("round 1, two partners dropped out")

    assert runner.invoke(args=["rescue"]).exit_code == 0
    assert net.groups("rescue") == [sorted([stays, stays_2])]
    net.state[stays] = net.state[stays_2] = "rescued"
    net.check("round 1, stranded people re-matched")

    # Round 2: the skipper is back; round 1 closes.
    net.draw(202, close_open=True)
    assert net.state[skipper] == "in round" and net.state[quiet] == "in round"
    net.check("round 2 drawn")
    net.met(2, [pid for pid, state in net.state.items() if state == "in round" and pid != quiet])
    net.check("round 2, everyone but one answered")

    # Round 3: the one who never answered is paused as quiet and asked.
    net.draw(303, close_open=True)
    net.state[quiet] = "quiet"
    net.check("round 3 drawn")

    assert net.seen == set(LOOKS), f"states never checked: {set(LOOKS) - net.seen}"
