""" "Never pair me with" on the participant's own page: add an address (checked, lower case,
not one's own, once, up to a limit) and remove one with one click, only through one's own link
and the form's token."""

import re

import pytest
from sqlalchemy import select

from app.db import db
from app.models import Avoidance
from app.people import avoidances
from tests.participant_helpers import add_person, manage_path
from tests.signup_helpers import csrf_token, post_form

pytestmark = pytest.mark.usefixtures("board", "roomy")
_REMOVE = re.compile(r'action="(/me/[^"]+/never-pair/\d+/remove)"')


def _listed(app, person_id):
    """Return the addresses on the person's list, as stored."""
    with app.app_context():
        query = select(Avoidance.email).where(Avoidance.person_id == person_id)
        return list(db.session.scalars(query.order_by(Avoidance.id)))


def _add(client, manage, address):
    """Send the add form from the person's page; return the response."""
    return post_form(client, manage + "/never-pair", page=manage, address=address)


def test_an_address_is_added_in_lower_case_shown_only_to_its_owner_and_removed_in_one_click(
    app, client, board
):
    ada = add_person(app, board, email="ada@example.org")
    manage = manage_path(app, ada)
    added = _add(client, manage, "  Grace.Hopper@Example.ORG ")
    assert added.status_code == 302
    assert _listed(app, ada) == ["grace.hopper@example.org"]
    page = client.get(manage).get_data(as_text=True)
    assert "<bdi>grace.hopper@example.org</bdi>" in page and "Added to your list" in page

    _add(client, manage, "lin@example.net")
    first_remove = _REMOVE.findall(client.get(manage).get_data(as_text=True))[0]
    removed = client.post(first_remove, data={"csrf_token": csrf_token(client, manage)})
    assert removed.status_code == 302
    assert _listed(app, ada) == ["lin@example.net"]
    assert "grace.hopper@example.org" not in client.get(manage).get_data(as_text=True)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("grace@", "Enter an email address in the correct format"),
        ("", "Enter an email address in the correct format"),
        ("ADA@example.org", "not your own"),
        ("lin@example.net", "already on your list"),
    ],
)
def test_a_bad_own_or_listed_address_is_refused_with_the_input_kept(
    app, client, board, address, message
):
    ada = add_person(app, board, email="ada@example.org")
    manage = manage_path(app, ada)
    _add(client, manage, "lin@example.net")
    refused = _add(client, manage, address)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert message in page and 'href="#address"' in page and f'value="{address}"' in page
    assert _listed(app, ada) == ["lin@example.net"]


def test_the_list_holds_fifty_addresses_at_most(app, client, board):
    ada = add_person(app, board, email="ada@example.org")
    manage = manage_path(app, ada)
    token = csrf_token(client, manage)
    for n in range(avoidances.LIMIT):
        client.post(
            manage + "/never-pair", data={"address": f"x{n}@example.org", "csrf_token": token}
        )
    assert len(_listed(app, ada)) == avoidances.LIMIT
    page = client.get(manage).get_data(as_text=True)
    assert "Your list is full" in page and "Add to my list" not in page
    refused = client.post(
        manage + "/never-pair", data={"address": "one.more@example.org", "csrf_token": token}
    )
    assert refused.status_code == 400 and "Remove one first" in refused.get_data(as_text=True)
    assert len(_listed(app, ada)) == avoidances.LIMIT


def test_without_the_forms_token_or_through_someone_elses_link_nothing_changes(app, client, board):
    ada = add_person(app, board, email="ada@example.org")
    grace = add_person(app, board, email="grace@example.org")
    ada_page, grace_page = manage_path(app, ada), manage_path(app, grace)
    forged = client.post(ada_page + "/never-pair", data={"address": "x@example.org"})
    assert forged.status_code == 400
    assert _listed(app, ada) == []
    _add(client, ada_page, "lin@example.net")
    [remove] = _REMOVE.findall(client.get(ada_page).get_data(as_text=True))
    entry_id = remove.rsplit("/", 2)[1]
    token = csrf_token(client, grace_page)
    client.post(f"{grace_page}/never-pair/{entry_id}/remove", data={"csrf_token": token})
    assert _listed(app, ada) == ["lin@example.net"], "Grace's link cannot remove Ada's entry"
