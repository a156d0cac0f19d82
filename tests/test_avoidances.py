"""The "never pair me with" store: a person's own entries, deleted when they leave, and
avoid_map, which gives the draw each person's avoided people, in both directions."""

import pytest
from sqlalchemy import select

from app.db import db, utcnow
from app.models import Avoidance, Person, Programme, current_programme
from app.people import avoidances
from tests.participant_helpers import add_person, manage_path
from tests.signup_helpers import post_form

pytestmark = pytest.mark.usefixtures("board", "roomy")


def _listed(app, person_id):
    """Return the addresses on the person's list, as stored."""
    with app.app_context():
        query = select(Avoidance.email).where(Avoidance.person_id == person_id)
        return list(db.session.scalars(query.order_by(Avoidance.id)))


def _add(app, person_id, *addresses):
    """Put addresses on the person's list through the store."""
    with app.app_context():
        person = db.session.get(Person, person_id)
        for address in addresses:
            avoidances.add(person, address)
        db.session.commit()


def test_avoid_map_matches_addresses_to_people_of_the_programme_in_both_directions(app, board):
    ada = add_person(app, board, email="ada@example.org")
    grace = add_person(app, board, email="grace@example.org")
    lin = add_person(app, board, email="lin@example.org")
    ruth = add_person(app, board, email="ruth@example.org")
    with app.app_context():
        people = {pid: db.session.get(Person, pid) for pid in (ada, grace, lin, ruth)}
        avoidances.add(people[ada], "Grace@Example.org")
        avoidances.add(people[ruth], "ada@example.org")
        avoidances.add(people[lin], "nobody-we-know@example.org")
        # The same address in another programme is another person: never matched here.
        other = Programme(trello_board_id="b" * 24, name="Elsewhere", settings={})
        db.session.add(other)
        db.session.flush()
        stranger = Person(
            programme_id=other.id,
            full_name="Lin Elsewhere",
            email="lin@example.org",
            organisation="Far Council",
            status="active",
            confirmed_at=utcnow(),
        )
        db.session.add(stranger)
        db.session.flush()
        avoidances.add(stranger, "grace@example.org")
        db.session.commit()
        here = current_programme().id
        assert avoidances.avoid_map(here) == {
            ada: {grace, ruth},
            grace: {ada},
            ruth: {ada},
        }
        assert avoidances.avoid_map(other.id) == {}


def test_leaving_deletes_the_leavers_list_and_keeps_others_entries_naming_them(app, client, board):
    ada = add_person(app, board, email="ada@example.org")
    grace = add_person(app, board, email="grace@example.org")
    _add(app, ada, "grace@example.org", "lin@example.net")
    _add(app, grace, "ada@example.org")
    assert post_form(client, manage_path(app, ada) + "/leave").status_code == 200
    assert _listed(app, ada) == [], "Ada's list was hers: it goes with her"
    assert _listed(app, grace) == ["ada@example.org"], "Grace's list is Grace's"
    with app.app_context():
        # Ada's address is erased, so Grace's entry names nobody here now.
        assert avoidances.avoid_map(current_programme().id) == {}
