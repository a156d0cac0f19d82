"""Hostile and unusual input: a clear error, or stored and shown safely; never a 500."""

import re

import pytest
from sqlalchemy import inspect

from app.db import db
from tests.signup_helpers import (
    FORM,
    board_lists,
    count_people,
    links_in,
    mails_to,
    people,
    sign_up,
    signed_up_and_confirmed,
)
from tests.support import drain

UNESCAPED = re.compile(r"(?<!\\)[\[\]()!<>*_`#~|]")
TEXT_FIELDS = ["name", "email", "organisation", "phone", "google_id", "teams", "topics"]
SCRIPT = "<script>alert(1)</script>"
MARKDOWN = "[click](http://evil.example/x) ![img](https://evil.example/i.png) **b** `c` # h ~s~ |t|"


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_ten_thousand_characters_in_a_field_is_a_clear_error(app, client, board, field):
    response = sign_up(client, **{field: "x" * 10_000})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and f'href="#{field}"' in page
    assert "x" * 10_000 not in page.split('id="main-content"')[0]
    assert count_people(app) == 0


@pytest.mark.parametrize("field", ["email", "phone", "google_id", "teams"])
def test_markup_in_a_contact_field_is_refused_and_shown_back_escaped(app, client, board, field):
    response = sign_up(client, **{field: SCRIPT})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f'href="#{field}"' in page
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert count_people(app) == 0


def test_html_and_trello_markdown_are_stored_as_typed_and_made_inert_everywhere(
    app, client, board, roomy
):
    hostile = {
        "name": f"Eve {SCRIPT}",
        "organisation": "Org [x](http://evil.example) ![i](http://evil.example/i.png)",
        "topics": MARKDOWN,
    }
    manage = signed_up_and_confirmed(app, client, board, **hostile)
    [person] = people(app)
    assert person["full_name"] == hostile["name"] and person["topics"] == MARKDOWN
    page = client.get(manage).get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page and 'href="http://evil' not in page
    [card] = board_lists(board)[0]["Sign-ups"]
    # The description is Markdown on Trello: every character its Markdown acts on is escaped.
    assert UNESCAPED.findall(card["desc"]) == []
    # The name is plain text on Trello: shown as typed, but no URL or domain in it can autolink.
    assert card["name"].startswith(f"Eve {SCRIPT} · Org [x](http\u200d://evil\u2024example)")
    for live in ("http://", "https://", "evil.example"):
        assert live not in card["name"] + "\n" + card["desc"], live


def test_right_to_left_combining_and_welsh_names_are_kept_and_shown_whole(
    app, client, board, roomy
):
    names = {
        "ada@example.org": "Siân Llŷr",
        "maryam@example.org": "مريم الخوارزمي",
        "zoe@example.org": "Zoe\u0308 Ab\u202eevil",
    }
    for email, name in names.items():
        signed_up_and_confirmed(app, client, board, email=email, name=name, organisation="Cyngor")
    stored = {p["email"]: p["full_name"] for p in people(app)}
    assert stored["ada@example.org"] == "Siân Llŷr"
    assert stored["maryam@example.org"] == "مريم الخوارزمي"
    # Combining marks composed (NFC); the right-to-left override that reorders text is dropped.
    assert stored["zoe@example.org"] == "Zoë Abevil"
    cards = {c["name"] for c in board_lists(board)[0]["Sign-ups"]}
    assert "Siân Llŷr · Cyngor" in cards and "مريم الخوارزمي · Cyngor" in cards
    manage = links_in(mails_to(board, "maryam@example.org")[-1])["manage"]
    assert "<bdi>مريم الخوارزمي</bdi>" in client.get(manage).get_data(as_text=True)


def test_an_address_with_a_plus_tag_is_kept_as_its_own_address(app, client, board, roomy):
    sign_up(client, email="Ada+UnMentoring@Example.org")
    sign_up(client)
    assert sorted(p["email"] for p in people(app)) == [
        "ada+unmentoring@example.org",
        "ada@example.org",
    ]
    drain(app)
    assert mails_to(board, "ada+unmentoring@example.org")


def test_sql_metacharacters_are_stored_as_text(app, client, board, roomy):
    name = "Robert'); DROP TABLE people;--"
    sign_up(client, name=name, organisation='O\'Brien & Sons "Ltd"; --', topics="1' OR '1'='1")
    [person] = people(app)
    assert person["full_name"] == name and person["topics"] == "1' OR '1'='1"
    with app.app_context():
        assert "people" in inspect(db.engine).get_table_names()


def test_control_characters_and_nul_bytes_are_dropped_not_a_server_error(app, client, board, roomy):
    response = sign_up(client, name="Ada\x00 Love\x07lace\r\nX", topics="a\x00b")
    assert response.status_code == 200
    [person] = people(app)
    assert person["full_name"] == "Ada Love lace X" and person["topics"] == "a b"


def test_contact_details_in_free_text_are_refused_so_they_never_reach_the_card(
    app, client, board, roomy
):
    for topics in ("mail me at ada@example.org", "ring 020 7946 0018 any time"):
        response = sign_up(client, topics=topics)
        assert response.status_code == 400
        assert "Remove contact details" in response.get_data(as_text=True)
    assert count_people(app) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"share": ["teams"]},
        {"share": []},
        {"share": ["email", "carrier-pigeon"], "frequency": "hourly"},
        {"consent": None},
        {"frequency": None},
        {"name": "   "},
    ],
)
def test_unusable_choices_are_errors_with_the_other_input_kept(app, client, board, changes):
    response = sign_up(client, **changes)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="ada@example.org"' in page and 'value="Analytical Council"' in page
    assert count_people(app) == 0


def test_every_field_may_be_missing_from_a_post_without_a_server_error(app, client, board):
    from tests.signup_helpers import csrf_token

    response = client.post("/signup", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
    assert FORM["email"] not in response.get_data(as_text=True)
