"""Organisations that match: what people type resolves to one organisation by its normalised form,
board admins merge a name into another through the Power-Up API (and undo it), and pairing, the
report and the cards on the board all go by the canonical name."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import db, utcnow
from app.models import Organisation, Person, Round, current_programme
from app.models.organisations import normalise
from app.worker.jobs import run_timed_jobs
from tests.signup_helpers import post_form, sign_up, signed_up_and_confirmed
from tests.support import drain
from tests.test_powerup_api import ADMIN, NORMAL, OBSERVER, as_member
from tests.test_signup_import import _add_card, _card

ANN, BEN = "Ann Leeds", "Ben Leeds"
# Eight more people, each from an organisation of their own: the report names its figures from 5.
OTHERS = {
    "Cara Kent": "Kent County Council",
    "Dev Wigan": "Wigan Council",
    "Eve Bristol": "Bristol City Council",
    "Fin Cornwall": "Cornwall Council",
    "Gus Hackney": "Hackney Council",
    "Hal Camden": "Camden Council",
    "Ivy Derby": "Derby City Council",
    "Jo Wight": "Isle of Wight Council",
}
SEEDS = range(1, 41)
pytestmark = pytest.mark.usefixtures("roomy")


def _sign_up_everyone(app, client, board):
    """Sign up and confirm, through the forms, Ann ("Leeds CC"), Ben ("Leeds City Council")
    and the eight others; return {name: manage path}."""
    people = {ANN: "Leeds CC", BEN: "Leeds City Council", **OTHERS}
    links = {}
    for n, (name, organisation) in enumerate(people.items()):
        email = f"person{n}@example.org"
        links[name] = signed_up_and_confirmed(
            app, client, board, name=name, email=email, organisation=organisation
        )
    return links


def _paired_in_dry_runs(runner):
    """Return the seeds whose draw (a dry run of `flask pair`) puts Ann and Ben together."""
    together = []
    for seed in SEEDS:
        result = runner.invoke(args=["pair", "--dry-run", "--seed", str(seed)])
        assert result.exit_code == 0, result.output
        if any(ANN in line and BEN in line for line in result.output.splitlines()):
            together.append(seed)
    return together


def _organisations(client, board, member=ADMIN):
    """Return the API's list of organisations, as a board admin sees it."""
    answer = client.get("/api/organisations", headers=as_member(board, member))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["organisations"]


def _by_name(organisations):
    """Return {name: organisation} of the API's list."""
    return {org["name"]: org for org in organisations}


def _card_of(app, board, full_name):
    """Return a participant's card on the sandbox board."""
    with app.app_context():
        query = select(Person.trello_card_id).where(Person.full_name == full_name)
        card_id = db.session.scalar(query)
    return _card(board, card_id)


def _card_name(app, board, full_name):
    """Return the name of a participant's card on the sandbox board."""
    return _card_of(app, board, full_name)["name"]


def _report_organisations(client):
    """Return the report's count of organisations in round 1's groups."""
    [round_1] = client.get("/report.json").get_json()["rounds"]
    return round_1["organisations"]


def test_two_names_merged_by_an_organiser_are_one_organisation_for_pairing_report_and_cards(
    app, client, runner, board
):
    _sign_up_everyone(app, client, board)
    listed = _by_name(_organisations(client, board))
    assert listed["Leeds CC"]["people"] == 1 and listed["Leeds City Council"]["people"] == 1
    # As two organisations, some draws pair them; a round is drawn and the report counts both.
    assert _paired_in_dry_runs(runner)
    preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
    made = client.post(
        "/api/rounds", json={"seed": preview["seed"]}, headers=as_member(board, ADMIN)
    )
    assert made.status_code == 201
    drain(app)
    assert _report_organisations(client) == 10

    # Only a board admin merges, and a refusal changes nothing.
    leeds_cc, leeds = listed["Leeds CC"]["id"], listed["Leeds City Council"]["id"]
    for member in (NORMAL, OBSERVER):
        refused = client.post(
            f"/api/organisations/{leeds_cc}/merge",
            json={"into": leeds},
            headers=as_member(board, member),
        )
        assert refused.status_code == 403
        assert client.get("/api/organisations", headers=as_member(board, member)).status_code == 403
    merged = client.post(
        f"/api/organisations/{leeds_cc}/merge",
        json={"into": leeds},
        headers=as_member(board, ADMIN),
    )
    assert merged.status_code == 200
    leeds_now = _by_name(merged.get_json()["organisations"])["Leeds City Council"]
    assert leeds_now["people"] == 2
    assert leeds_now["aliases"] == [{"id": leeds_cc, "name": "Leeds CC", "people": 1}]
    assert "Leeds CC" not in _by_name(merged.get_json()["organisations"])

    # One organisation from now on: no draw pairs them while another exists, the preview bends no
    # rule, the report counts one organisation, and Ann's card is renamed.
    assert _paired_in_dry_runs(runner) == []
    preview = client.get("/api/rounds/preview", headers=as_member(board, ADMIN)).get_json()
    assert preview["bent"] == []
    drain(app)
    assert _report_organisations(client) == 9
    assert _card_name(app, board, ANN) == f"{ANN} · Leeds City Council"
    assert _card_name(app, board, BEN) == f"{BEN} · Leeds City Council"
    assert "Organisation: Leeds City Council" in _card_of(app, board, ANN)["desc"]


def test_merging_again_or_into_itself_is_refused_and_an_undo_puts_the_name_back(
    app, client, runner, board
):
    _sign_up_everyone(app, client, board)
    admin = as_member(board, ADMIN)
    listed = _by_name(_organisations(client, board))
    leeds_cc, leeds = listed["Leeds CC"]["id"], listed["Leeds City Council"]["id"]
    itself = client.post(f"/api/organisations/{leeds}/merge", json={"into": leeds}, headers=admin)
    assert itself.status_code == 409 and itself.get_json()["error"]["code"] == "same_organisation"
    bad = client.post(f"/api/organisations/{leeds_cc}/merge", json={"into": "x"}, headers=admin)
    assert bad.status_code == 400
    missing = client.post(f"/api/organisations/{leeds_cc}/merge", json={"into": 999}, headers=admin)
    assert missing.status_code == 404
    assert client.post(f"/api/organisations/{leeds_cc}/unmerge", headers=admin).status_code == 409

    client.post(f"/api/organisations/{leeds_cc}/merge", json={"into": leeds}, headers=admin)
    again = client.post(f"/api/organisations/{leeds_cc}/merge", json={"into": leeds}, headers=admin)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_merged"
    drain(app)
    assert _card_name(app, board, ANN) == f"{ANN} · Leeds City Council"

    undone = client.post(f"/api/organisations/{leeds_cc}/unmerge", headers=admin)
    assert undone.status_code == 200
    names = _by_name(undone.get_json()["organisations"])
    assert names["Leeds CC"]["people"] == 1 and names["Leeds City Council"]["aliases"] == []
    drain(app)
    assert _card_name(app, board, ANN) == f"{ANN} · Leeds CC"
    assert _paired_in_dry_runs(runner)


def test_a_name_typed_after_a_merge_resolves_to_the_organisation_it_was_merged_into(
    app, client, board
):
    links = _sign_up_everyone(app, client, board)
    listed = _by_name(_organisations(client, board))
    client.post(
        f"/api/organisations/{listed['Leeds CC']['id']}/merge",
        json={"into": listed["Leeds City Council"]["id"]},
        headers=as_member(board, ADMIN),
    )
    signed_up_and_confirmed(
        app, client, board, name="Kit Leeds", email="kit@example.org", organisation="LEEDS  CC."
    )
    drain(app)
    assert _card_name(app, board, "Kit Leeds") == "Kit Leeds · Leeds City Council"
    assert _by_name(_organisations(client, board))["Leeds City Council"]["people"] == 3

    # Ann's details show the canonical name; saving another spelling of it adds no organisation.
    details = links[ANN] + "/details"
    assert 'value="Leeds City Council"' in client.get(details).get_data(as_text=True)
    before = _organisation_rows(app)
    fields = dict(name=ANN, email="person0@example.org", organisation="leeds city council")
    saved = post_form(client, details, **fields, share="email", frequency="every")
    assert saved.status_code == 302
    assert _organisation_rows(app) == before
    assert _by_name(_organisations(client, board))["Leeds City Council"]["people"] == 3
    # Ann gave "Leeds CC", and kept it by saving the name shown: an undo takes her back to it.
    client.post(
        f"/api/organisations/{listed['Leeds CC']['id']}/unmerge", headers=as_member(board, ADMIN)
    )
    listed = _by_name(_organisations(client, board))
    assert listed["Leeds CC"]["people"] == 2 and listed["Leeds City Council"]["people"] == 1


def _organisation_rows(app):
    """Return how many organisation rows (names and aliases) there are."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Organisation))


def test_a_typed_name_matching_the_seed_list_takes_its_official_spelling(app, client, board):
    signed_up_and_confirmed(app, client, board, organisation="  leeds city   council ")
    drain(app)
    assert _card_name(app, board, "Ada Lovelace") == "Ada Lovelace · Leeds City Council"


def test_a_hand_made_cards_organisation_line_resolves_the_same_way(app, client, runner, board):
    signed_up_and_confirmed(app, client, board, organisation="Leeds City Council")
    card_id = _add_card(
        app, board, "Grace Hopper", "Email: grace@example.org\nOrganisation: LEEDS CITY COUNCIL."
    )
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    drain(app)
    assert _card(board, card_id)["name"] == "Grace Hopper · Leeds City Council"
    assert _by_name(_organisations(client, board))["Leeds City Council"]["people"] == 2


def test_the_normalised_form_ignores_case_spacing_punctuation_apostrophes_and_ampersands():
    same = [
        "Bath & North East Somerset",
        "bath and north-east somerset.",
        " BATH AND NORTH EAST  SOMERSET",
    ]
    assert len({normalise(name) for name in same}) == 1
    assert normalise("King's Lynn") == normalise("Kings Lynn") == "kings lynn"
    assert normalise("Leeds CC") != normalise("Leeds City Council")
    assert re.fullmatch(r"[\w ]+", normalise("Cyngor Gwynedd / Gwynedd Council"))


def test_what_unconfirmed_sign_ups_typed_is_forgotten_with_them(app, client, board):
    signed_up_and_confirmed(app, client, board, organisation="Analytical Council")
    sign_up(client, email="mallory@example.org", organisation="Mallory Smith Consulting")
    sign_up(client, email="eve@example.org", organisation="analytical council")
    with app.app_context():
        assert run_timed_jobs(now=utcnow() + timedelta(days=31)) == {"unconfirmed erased": 2}
        names = set(db.session.scalars(select(Organisation.name)))
    assert names == {"Analytical Council"}


def test_a_person_whose_programme_is_set_after_their_organisation_is_resolved_when_stored(
    app, board
):
    with app.app_context():
        person = Person(organisation=" leeds city council", full_name="Ada", email="a@example.org")
        person.programme_id = current_programme().id
        person.share_channels, person.status = ["email"], "pending"
        db.session.add(person)
        db.session.commit()
        assert (person.organisation_typed, person.organisation) == (
            " leeds city council",
            "Leeds City Council",
        )


def test_a_new_organisation_typed_by_two_people_at_once_is_one_organisation(
    app, client, board, monkeypatch
):
    """Ann saves her details with a new organisation just as someone else's sign-up stores the
    same one: hers resolves to theirs on a second pass instead of failing."""
    import threading

    import app.models.people as people_model

    manage = signed_up_and_confirmed(app, client, board, name=ANN, email="ann@example.org")
    real_resolve, raced = people_model.resolve, []

    def resolve_while_another_stores_it(programme_id, text):
        found = real_resolve(programme_id, text)
        if not raced and found.id is None:  # new: another sign-up commits the same name now
            raced.append(True)
            thread = threading.Thread(target=store_same_name, args=(programme_id, text))
            thread.start()
            thread.join()
        return found

    def store_same_name(programme_id, text):
        with app.app_context():
            db.session.add(Organisation(programme_id=programme_id, name=text, key=normalise(text)))
            db.session.commit()

    monkeypatch.setattr(people_model, "resolve", resolve_while_another_stores_it)
    fields = dict(name=ANN, email="ann@example.org", organisation="Quarry Bank Trust")
    saved = post_form(client, manage + "/details", **fields, share="email", frequency="every")
    assert raced and saved.status_code == 302
    with app.app_context():
        rows = db.session.scalars(
            select(Organisation).where(Organisation.key == normalise("Quarry Bank Trust"))
        ).all()
        person = db.session.scalar(select(Person).where(Person.email == "ann@example.org"))
        assert len(rows) == 1 and person.organisation == "Quarry Bank Trust"


def _merge_while_another_organiser_merges(app, client, board, monkeypatch, ours, theirs):
    """Post our merge (org, into) as a board admin; just after it has checked the names, and
    before it writes, another organiser's merge (org, into) is made and committed. Return our
    answer and {name: canonical name} as stored after both."""
    import threading

    import app.people.organisations as organisations

    real_serialise, raced = organisations._serialise, []

    def serialise_after_the_other_merge(programme):
        if not raced:
            raced.append(True)
            thread = threading.Thread(target=merge_in_own_context)
            thread.start()
            thread.join()
        return real_serialise(programme)

    def merge_in_own_context():
        with app.app_context():
            organisations.merge(current_programme(), *theirs)
            db.session.commit()

    monkeypatch.setattr(organisations, "_serialise", serialise_after_the_other_merge)
    org_id, into = ours
    answer = client.post(
        f"/api/organisations/{org_id}/merge", json={"into": into}, headers=as_member(board, ADMIN)
    )
    assert raced
    with app.app_context():
        stored = {org.name: org.canonical.name for org in db.session.scalars(select(Organisation))}
    return answer, stored


def _kent_leeds_cc_and_leeds(client, board):
    listed = _by_name(_organisations(client, board))
    return [
        listed[name]["id"] for name in ("Kent County Council", "Leeds CC", "Leeds City Council")
    ]


def test_two_organisers_merging_two_names_into_each_other_at_once_make_no_loop(
    app, client, board, monkeypatch
):
    _sign_up_everyone(app, client, board)
    _, leeds_cc, leeds = _kent_leeds_cc_and_leeds(client, board)
    answer, stored = _merge_while_another_organiser_merges(
        app, client, board, monkeypatch, ours=(leeds_cc, leeds), theirs=(leeds, leeds_cc)
    )
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "changed"
    assert stored["Leeds City Council"] == stored["Leeds CC"] == "Leeds CC"
    listed = _by_name(_organisations(client, board))
    assert listed["Leeds CC"]["people"] == 2 and "Leeds City Council" not in listed


def test_a_merge_into_a_name_another_organiser_merges_at_that_moment_makes_no_chain(
    app, client, board, monkeypatch
):
    _sign_up_everyone(app, client, board)
    kent, leeds_cc, leeds = _kent_leeds_cc_and_leeds(client, board)
    answer, stored = _merge_while_another_organiser_merges(
        app, client, board, monkeypatch, ours=(leeds_cc, leeds), theirs=(leeds, kent)
    )
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "changed"
    assert stored["Leeds City Council"] == "Kent County Council"
    assert stored["Leeds CC"] == "Leeds CC"
    # Asked again, the merge goes to where the name now stands for: one level, never a chain.
    again = client.post(
        f"/api/organisations/{leeds_cc}/merge",
        json={"into": leeds},
        headers=as_member(board, ADMIN),
    )
    assert again.status_code == 200
    kent_now = _by_name(again.get_json()["organisations"])["Kent County Council"]
    assert [alias["name"] for alias in kent_now["aliases"]] == ["Leeds CC", "Leeds City Council"]
    assert kent_now["people"] == 3


def test_a_name_merged_while_another_organiser_merges_into_it_takes_that_name_along(
    app, client, board, monkeypatch
):
    _sign_up_everyone(app, client, board)
    kent, leeds_cc, leeds = _kent_leeds_cc_and_leeds(client, board)
    answer, stored = _merge_while_another_organiser_merges(
        app, client, board, monkeypatch, ours=(leeds, kent), theirs=(leeds_cc, leeds)
    )
    assert answer.status_code == 200
    assert stored["Leeds CC"] == stored["Leeds City Council"] == "Kent County Council"


def _offered(client):
    """Return the names the public sign-up form offers (its datalist)."""
    page = client.get("/signup").get_data(as_text=True)
    listed = page.split('<datalist id="organisation-list">')[1].split("</datalist>")[0]
    return set(re.findall(r'<option value="([^"]*)">', listed))


def test_a_merge_makes_a_name_public_only_once_five_people_gave_it_or_its_aliases(
    app, client, board
):
    typed = ["Quarry Bank Trust"] * 3 + ["Quarry Bank", "QB Trust"]
    for n, organisation in enumerate(typed):
        signed_up_and_confirmed(
            app, client, board, email=f"quarry{n}@example.org", organisation=organisation
        )
    listed = _by_name(_organisations(client, board))
    admin = as_member(board, ADMIN)
    trust = listed["Quarry Bank Trust"]["id"]
    merged = client.post(
        f"/api/organisations/{listed['Quarry Bank']['id']}/merge",
        json={"into": trust},
        headers=admin,
    )
    assert merged.status_code == 200
    # Four people: an organiser's merge alone does not make a name public.
    assert not {"Quarry Bank Trust", "Quarry Bank", "QB Trust"} & _offered(client)
    client.post(
        f"/api/organisations/{listed['QB Trust']['id']}/merge", json={"into": trust}, headers=admin
    )
    # Five, as the report needs to name it: the organisation's name is offered, never an alias.
    offered = _offered(client)
    assert "Quarry Bank Trust" in offered and not {"Quarry Bank", "QB Trust"} & offered
    client.post(f"/api/organisations/{listed['QB Trust']['id']}/unmerge", headers=admin)
    assert "Quarry Bank Trust" not in _offered(client)


def test_a_sign_up_whose_organisation_is_forgotten_meanwhile_stores_it_again(
    app, client, board, monkeypatch
):
    """Ada's sign-up finds "Quarry Bank Trust", which only a stranger's unconfirmed sign-up gave,
    just as the erasure job erases that sign-up and forgets the name: her sign-up stores the name
    again on a second pass instead of failing or pointing at a deleted row."""
    import threading

    import app.models.people as people_model

    sign_up(client, email="stranger@example.org", organisation="Quarry Bank Trust")
    real_resolve, raced = people_model.resolve, []

    def resolve_while_the_erasure_forgets_it(programme_id, text):
        found = real_resolve(programme_id, text)
        if not raced and found is not None and found.id is not None:
            raced.append(found.id)
            thread = threading.Thread(target=erase_the_stranger)
            thread.start()
            thread.join()
        return found

    def erase_the_stranger():
        with app.app_context():
            assert run_timed_jobs(now=utcnow() + timedelta(days=31)) == {"unconfirmed erased": 1}
            raced.append(db.session.get(Organisation, raced[0]))

    monkeypatch.setattr(people_model, "resolve", resolve_while_the_erasure_forgets_it)
    answer = sign_up(client, email="ada@example.org", organisation="quarry bank trust")
    assert answer.status_code == 200 and "Check your email" in answer.get_data(as_text=True)
    assert raced[1] is None  # the name was forgotten between Ada's look-up and her write
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "ada@example.org"))
        assert person.organisation_record is not None
        assert person.organisation == "quarry bank trust"
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def _same_org_pairs(client):
    """Return the report's same-organisation pairs of round 1."""
    [round_1] = client.get("/report.json").get_json()["rounds"]
    return round_1["same_org_pairs"]


@pytest.mark.parametrize("policy, counted", [("avoid", 1), ("allow", 0)])
def test_the_report_counts_a_pair_merged_into_one_organisation_later_as_same_organisation(
    app, client, runner, board, policy, counted
):
    """Ann ("Leeds CC") and Ben ("Leeds City Council") were paired as two organisations; once an
    organiser merges the names, the report's same-organisation pairs counts them, as its other
    figures and its network go by the name now. The round card keeps what the draw knew. A round
    drawn while organisers allowed such pairs bent no rule."""
    _sign_up_everyone(app, client, board)
    with app.app_context():
        programme = current_programme()
        programme.settings = {**(programme.settings or {}), "same_org": policy}
        db.session.commit()
    [seed, *_] = _paired_in_dry_runs(runner)
    made = client.post("/api/rounds", json={"seed": str(seed)}, headers=as_member(board, ADMIN))
    assert made.status_code == 201
    drain(app)
    assert (_same_org_pairs(client), _report_organisations(client)) == (0, 10)

    listed = _by_name(_organisations(client, board))
    merged = client.post(
        f"/api/organisations/{listed['Leeds CC']['id']}/merge",
        json={"into": listed["Leeds City Council"]["id"]},
        headers=as_member(board, ADMIN),
    )
    assert merged.status_code == 200
    assert (_same_org_pairs(client), _report_organisations(client)) == (counted, 9)
    with app.app_context():
        assert db.session.scalar(select(Round.bent)) == []
