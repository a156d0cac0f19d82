"""The report: every figure against an independent count, open data, the feed, privacy."""

import csv
import io
import re
from statistics import median

import feedparser
import pytest
from sqlalchemy import select

from app.db import db
from app.followup.checkins import record_check_in
from app.followup.outputs import record_output
from app.models import Person, Round
from app.report.orgtypes import organisation_type
from tests import report_helpers
from tests.disclosure import recovered_cells
from tests.followup_helpers import attach_link
from tests.report_helpers import (
    LEAVER,
    NOT_OPTED_IN,
    OPTED_IN,
    draw_round,
    prepare_board,
    sign_up_by_service,
)
from tests.support import drain

# The seeded history is built once per xdist worker: keep its users on one worker.
pytestmark = pytest.mark.xdist_group("report_history")

history = report_helpers.history

SMALL = "hidden to protect privacy"  # how the page and the terminal write a hidden figure
HIDDEN = (SMALL, "hidden")  # the page's words, and the CSV's and JSON's marker
PRIVATE = (
    *("met", "scheduled", "not_met", "no_answer"),
    *(f"challenged_{n}" for n in range(1, 6)),
    "challenged_no_answer",
    *("new_connection_yes", "new_connection_no", "new_connection_no_answer"),
)
_CELL = re.compile(r'data-figure="(\w+)" data-column="(\w+)">([^<]*)</td>')
ANSWERS = ("met", "scheduled", "not_met", "no_answer")
CHALLENGE = tuple(f"challenged_{n}" for n in range(1, 6)) + ("challenged_no_answer",)
NEW = ("new_connection_yes", "new_connection_no", "new_connection_no_answer")
# Outputs shared between rounds: over all rounds only, no round has them.
BETWEEN = ("outputs_between_rounds", "sharers_between_rounds")
RATES = {
    "met_pct": ("met", ["people_in_groups"]),
    "scheduled_pct": ("scheduled", ["people_in_groups"]),
    "not_met_pct": ("not_met", ["people_in_groups"]),
    "no_answer_pct": ("no_answer", ["people_in_groups"]),
    "shared_pct": ("shared", ["people_in_groups"]),
    "new_connection_pct": ("new_connection_yes", ["new_connection_yes", "new_connection_no"]),
}


def page_cells(client):
    """Return {(column, figure): text} from the report page's tables."""
    html = client.get("/report").get_data(as_text=True)
    cells = {}
    for key, column, text in _CELL.findall(html):
        assert cells.setdefault((column, key), text) == text, "one figure, two values"
    return cells


def _count_figures(h, members):
    """Count a set of (round, person) places: answers, challenge, new connections, sharing."""
    counts = dict.fromkeys(ANSWERS + CHALLENGE + NEW + ("shared",), 0)
    first = {}
    for n, pid, _, shared_on in h.outputs:
        if (n, pid) in members:
            first[(n, pid)] = min(shared_on, first.get((n, pid), shared_on))
    for place in members:
        answer, challenged, new = h.check_ins.get(place, ("no_answer", None, None))
        counts[answer] += 1
        counts[f"challenged_{challenged}" if challenged else "challenged_no_answer"] += 1
        counts[{True: NEW[0], False: NEW[1], None: NEW[2]}[new]] += 1
    dates = {r["number"]: r["date"] for r in h.rounds}
    days = [(shared_on - dates[n]).days for (n, _), shared_on in first.items()]
    counts["shared"] = len(first)
    counts["median_days_to_output"] = median(days) if days else None
    return counts


def expected(h):
    """Compute every raw figure from what the seeding recorded, per round and over all."""
    orgs = {pid: p["org"] for pid, p in h.people.items()}
    columns = {}
    for r in [*h.rounds, None]:
        rounds = h.rounds if r is None else [r]
        places = {(x["number"], pid) for x in rounds for g in x["groups"] for pid in g}
        people = {pid for _, pid in places}
        pool = people | {x["sit_out"] for x in rounds if x["sit_out"]}
        org_pairs = {
            frozenset((orgs[a], orgs[b]))
            for x in rounds
            for g in x["groups"]
            for a in g
            for b in g
            if orgs[a] != orgs[b]
        }
        figures = {
            "people_in_pool": len(pool),
            "pairs": sum(len(x["groups"]) for x in rounds),
            "people_in_groups": len(places),
            "organisations": len({orgs[p] for p in people}),
            "organisation_types": len({organisation_type(orgs[p]) for p in people}),
            "organisation_pairs": len(org_pairs),
            "repeat_pairs": sum(x["bent"].get("no_repeat", 0) for x in rounds),
            # By the organisations' names now, not the draw's record: a merge counts back.
            "same_org_pairs": sum(
                orgs[a] == orgs[b]
                for x in rounds
                for g in x["groups"]
                for n, a in enumerate(g)
                for b in g[n + 1 :]
            ),
            "sit_outs": sum(1 for x in rounds if x["sit_out"]),
            **_count_figures(h, places),
        }
        columns["all" if r is None else str(r["number"])] = figures
    # Each link once per person, and a link the person also has in a round counts there.
    in_rounds = {(pid, url) for _, pid, url, _ in h.outputs}
    between = {(pid, url) for pid, url, _ in h.between} - in_rounds
    columns["all"]["outputs_between_rounds"] = len(between)
    columns["all"]["sharers_between_rounds"] = len({pid for pid, _ in between})
    return columns


def _days_text(value):
    """Write a median as the page should: whole days, or one decimal place."""
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _check_count(key, shown, raw):
    """A private count is hidden when it is 1 to 4, else shown exactly or hidden to protect
    another; a public one (the draw, outputs) is always shown exactly."""
    if key not in PRIVATE:
        assert shown == str(raw), key
    elif 0 < raw < 5:
        assert shown == SMALL
    else:
        assert shown in (str(raw), SMALL)


def test_every_figure_on_the_page_matches_an_independent_count_small_ones_hidden(client, history):
    cells, want = page_cells(client), expected(history)
    assert {column for column, _ in cells} == {*want}
    for (column, key), shown in cells.items():
        raw = want[column]
        if key in RATES:
            numerator, base = RATES[key]
            value = round(100 * raw[numerator] / sum(raw[b] for b in base), 1)
            hidden_parts = [k for k in (numerator, *base) if cells.get((column, k)) in HIDDEN]
            assert shown == (cells[(column, hidden_parts[0])] if hidden_parts else f"{value}%")
        elif key == "median_days_to_output":
            assert shown == _days_text(raw[key])  # outputs are public posts
        else:
            _check_count(key, shown, raw[key])
    overall = {key: cells[("all", key)] for _, key in cells if ("all", key) in cells}
    # Big enough to be shown in full, so this test checks real numbers.
    shown_in_full = ("people_in_pool", "pairs", "people_in_groups", "met", "shared", "sit_outs")
    for key in (*shown_in_full, *BETWEEN):
        assert overall[key] == str(want["all"][key]), key
    assert {column for column, key in cells if key in BETWEEN} == {"all"}
    assert overall["met_pct"] not in HIDDEN and overall["median_days_to_output"] not in HIDDEN
    assert_no_hidden_count_can_be_worked_out(cells, want)
    assert_network_names_big_organisations_and_counts_pairs_between_them(client, history)


def network_rows(client):
    """Return {"A and B" or "Within A": groups text} from the page's network table."""
    html = client.get("/report").get_data(as_text=True)
    table = html.split('id="network-table"', 1)[1].split("</table>", 1)[0]
    row = re.compile(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th><td[^>]*>([^<]*)</td>'
    )
    return dict(row.findall(table))


def assert_network_names_big_organisations_and_counts_pairs_between_them(client, history):
    """The network table: organisations of 5 or more people named, the groups between nodes (and
    within one) counted in full, and the chart's words agree."""
    orgs = {pid: p["org"] for pid, p in history.people.items()}
    grouped = {pid for r in history.rounds for g in r["groups"] for pid in g}
    sizes = {org: sum(1 for pid in grouped if orgs[pid] == org) for org in set(orgs.values())}
    kinds = {organisation_type(org) for org, size in sizes.items() if size < 5}
    # No type gathers 5 people from small organisations here, so they all pool together.
    assert all(
        sum(s for o, s in sizes.items() if s < 5 and organisation_type(o) == k) < 5 for k in kinds
    )
    node = {pid: orgs[pid] if sizes[orgs[pid]] >= 5 else "Other organisations" for pid in orgs}
    pairs = {}
    for r in history.rounds:
        for group in r["groups"]:
            ends = sorted({node[pid] for pid in group})
            lines = [f"Within {ends[0]}"] if len(ends) == 1 else []
            lines += [f"{a} and {b}" for n, a in enumerate(ends) for b in ends[n + 1 :]]
            for line in lines:
                pairs[line] = pairs.get(line, 0) + 1
    want = {k: str(v) for k, v in pairs.items()}
    assert network_rows(client) == want
    assert {"Leeds City Council and NHS Leeds", "NHS Leeds and Other organisations"} <= set(want)
    groups = sum(len(r["groups"]) for r in history.rounds)
    caption = client.get("/report").text.split('id="network-caption">', 1)[1].split("<", 1)[0]
    assert caption.startswith(f"{groups} groups drawn over all rounds")
    for line, n in pairs.items():
        assert f"{line}: {n} group" in caption.replace("&amp;", "&"), line


def test_small_organisations_are_pooled_by_type_then_together():
    from app.report.network import node_names

    people = ["Leeds City Council"] * 5 + ["Camden Council"] * 2 + ["Hackney Borough"] * 3
    people += ["Nesta", "Kent Police"]
    names = node_names(dict(enumerate(people)))
    assert names == {
        "Leeds City Council": "Leeds City Council",
        "Camden Council": "Other local authorities",
        "Hackney Borough": "Other local authorities",
        "Nesta": "Other organisations",
        "Kent Police": "Other organisations",
    }


def assert_no_hidden_count_can_be_worked_out(cells, want):
    """No hidden count is the only value the published relations allow (tests/disclosure.py)."""
    columns = sorted({column for column, _ in cells} - {"all"}, key=int) + ["all"]
    truth = {
        (c, k): want[c][k] for c, k in cells if isinstance(want[c].get(k), int) and "pct" not in k
    }
    assert any(text in HIDDEN for text in cells.values())
    assert recovered_cells(cells, columns, truth) == []


def _as_page(value, kind):
    """Write an open-data value as the page writes it."""
    if value in HIDDEN:
        return SMALL
    if value in (None, ""):
        return "none to measure"
    number = float(value)
    if kind == "pct":
        return f"{number:.1f}%"
    return str(int(number)) if number == int(number) else f"{number:.1f}"


@pytest.mark.sqlite_only
def test_csv_json_and_terminal_show_what_the_page_shows(client, runner, history):
    cells = page_cells(client)
    data = client.get("/report.json")
    document = data.get_json()
    schema = document["schema"]
    kinds = {key: field["kind"].split(",")[0] for key, field in schema.items()}
    kinds = {key: "pct" if kind == "percentage" else kind for key, kind in kinds.items()}
    json_rows = {str(row["round"]): row for row in [*document["rounds"], document["all_rounds"]]}
    response = client.get("/report.csv")
    csv_rows = {row["round"]: row for row in csv.DictReader(io.StringIO(response.text))}
    terminal = runner.invoke(args=["report"]).output
    lines = {re.split(r"\s{2,}", line.strip())[0]: line for line in terminal.splitlines()}
    labels = {key: field.get("label") for key, field in schema.items()}
    for (column, key), shown in cells.items():
        assert _as_page(json_rows[column][key], kinds[key]) == shown, (column, key)
        assert _as_page(csv_rows[column][key], kinds[key]) == shown, (column, key)
    columns = [*json_rows]
    for key in {key for _, key in cells}:
        printed = re.split(r"\s{2,}", lines[labels[key]].strip())[1:]
        shown_in = ["all"] if key in BETWEEN else columns
        assert printed == [cells[(column, key)] for column in shown_in], key
    for key in BETWEEN:
        assert ("all", key) in cells and schema[key]["all_rounds_only"] is True
        for column in columns[:-1]:
            assert key not in json_rows[column] and csv_rows[column][key] == "", (column, key)
    edges = {
        f"Within {e['from']}" if e["from"] == e["to"] else f"{e['from']} and {e['to']}": e["pairs"]
        for e in document["network"]["edges"]
    }
    assert {k: str(v) for k, v in edges.items()} == network_rows(client)
    assert document["licence"] == "Open Government Licence v3.0"
    assert "Open Government Licence v3.0" in terminal
    assert "open-government-licence/version/3" in response.headers["Link"]
    assert set(csv_rows["all"]) == set(schema) and "suppression" in document


def _personal_strings(seeded, keep=()):
    """Return every name, address, number and free text of participants not in keep."""
    found = list(seeded.learned)
    for person in seeded.people.values():
        if person.get("name") in keep:
            continue
        found += [person.get(k) for k in ("name", "email", "phone", "topics") if person.get(k)]
    return found


@pytest.mark.sqlite_only
def test_the_report_names_nobody_and_the_feed_only_those_who_opted_in(client, history):
    report = "".join(client.get(p).text for p in ("/report", "/report.csv", "/report.json"))
    for text in _personal_strings(history):
        assert text not in report, text
    left = history.id_of(LEAVER)
    for path in ("/outputs.atom", "/outputs"):
        feed = client.get(path).text
        for text in _personal_strings(history, keep=(OPTED_IN,)):
            assert text not in feed, (path, text)
        assert OPTED_IN in feed
        assert all(url not in feed for _, pid, url, _ in history.outputs if pid == left)
        shown = [url for _, pid, url, _ in history.outputs if pid != left]
        assert all(url in feed for url in shown) and shown
    assert f"<name>{OPTED_IN}</name>" in client.get("/outputs.atom").text


@pytest.mark.sqlite_only
def test_the_outputs_feed_is_valid_atom_with_round_date_and_credit(client, history):
    response = client.get("/outputs.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    left, opted = history.id_of(LEAVER), history.id_of(OPTED_IN)
    wanted = {url: (n, pid, day) for n, pid, url, day in history.outputs if pid != left}
    # Outputs between rounds are in it only for people who chose to be named beside them.
    wanted |= {url: (None, pid, day) for pid, url, day in history.between if pid == opted}
    assert {entry.link for entry in feed.entries} == set(wanted)
    assert any(pid != opted for pid, _, _ in history.between)
    names = {pid: p["name"] for pid, p in history.people.items()}
    for entry in feed.entries:
        number, pid, day = wanted[entry.link]
        label = "Between rounds" if number is None else f"Round {number}"
        assert entry.title.startswith(f"{label} output: ")
        assert [tag.label for tag in entry.tags] == [label]
        assert entry.updated.startswith(day.isoformat())
        assert entry.author == (OPTED_IN if names[pid] == OPTED_IN else "a participant")
    authors = {entry.author for entry in feed.entries}
    assert OPTED_IN in authors and NOT_OPTED_IN not in authors
    assert sum(entry.title.startswith("Between rounds") for entry in feed.entries) == 2


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Leeds City Council", "local_authority"),
        ("London Borough of Hackney", "local_authority"),
        ("NHS Leeds", "health"),
        ("Public Health Wales", "health"),
        ("West Yorkshire Police", "police"),
        ("Kent Fire and Rescue Service", "fire"),
        ("Clarion Housing", "housing"),
        ("Nesta", "other"),
        ("Firefly Studios", "other"),
    ],
)
def test_organisation_types_follow_the_documented_rules(name, kind):
    assert organisation_type(name) == kind


def _counts_in(document):
    """Yield every count the JSON publishes, with where it is."""
    kinds = {key: field["kind"] for key, field in document["schema"].items()}
    for row in [*document["rounds"], document["all_rounds"]]:
        for key, value in row.items():
            if kinds[key] == "integer":
                yield (row["round"], key), value
    for node in document["network"]["nodes"]:
        yield node["name"], node["people"]
    for edge in document["network"]["edges"]:
        yield (edge["from"], edge["to"]), edge["pairs"]


def test_small_private_counts_are_hidden_and_public_ones_shown(app, client, sandbox):
    prepare_board(app, sandbox)
    for n, org in enumerate(["Leeds City Council", "NHS Leeds", "Nesta"] * 2):
        sign_up_by_service(app, f"Small Person {n}", org, n)
    drain(app)
    draw_round(app, 1)  # drawn 220 days ago: it closed long before the grace period ended
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        first, second = (db.session.get(Person, pid) for pid in round_.groups[0].person_ids)
        record_check_in(first, round_, "met", "Private musings", 5, True)
        record_check_in(second, round_, "met", None, 4, True)
        record_output(first, round_, "https://example.net/small", "attachment")
        db.session.commit()
        card = second.trello_card_id
    assert attach_link(app, client, card, "https://example.net/later") == 200  # between rounds
    cells = page_cells(client)
    # The draw and outputs are public: shown as they are, however small.
    assert cells[("1", "people_in_groups")] == "6" and cells[("1", "pairs")] == "3"
    assert cells[("1", "organisations")] == "3"
    assert cells[("1", "shared")] == "1" and cells[("1", "shared_pct")] == "16.7%"
    assert cells[("1", "median_days_to_output")] not in HIDDEN
    assert cells[("all", "outputs_between_rounds")] == "1"
    assert cells[("all", "sharers_between_rounds")] == "1"
    # What people answered is private: 2 met, 4 did not answer, both hidden with their rates.
    for key in ("met", "met_pct", "no_answer", "new_connection_yes"):
        assert cells[("1", key)] == SMALL, key
    document = client.get("/report.json").get_json()
    counts = dict(_counts_in(document))
    assert counts[(1, "met")] == "hidden" and counts[(1, "no_answer")] == "hidden"
    schema = document["schema"]
    for place, value in counts.items():
        if isinstance(place, tuple) and place[1] in schema and schema[place[1]]["private"]:
            assert value == "hidden" or not 0 < value < 5, place
    rows = list(csv.DictReader(io.StringIO(client.get("/report.csv").text)))
    private = [key for key, field in schema.items() if field.get("private")]
    assert all(row[key] not in ("1", "2", "3", "4") for row in rows for key in private)
    printed = runner_output(app)
    assert SMALL in printed
    assert "Private musings" not in printed + client.get("/report").text


def runner_output(app):
    """Return what `flask report` prints."""
    return app.test_cli_runner().invoke(args=["report"]).output


def test_before_the_first_round_everything_answers_and_says_so(client, runner, sandbox):
    assert "No rounds yet" in client.get("/report").text
    document = client.get("/report.json").get_json()
    assert document["rounds"] == [] and document["all_rounds"]["people_in_pool"] == 0
    assert client.get("/report.csv").text.count("\r\n") == 2
    feed = feedparser.parse(client.get("/outputs.atom").data)
    assert not feed.bozo and feed.entries == []
    assert "No rounds yet." in runner.invoke(args=["report"]).output
    page = client.get("/outputs").text
    assert "Nobody has shared an output yet." in page and 'href="/outputs.atom"' in page


def test_the_network_counts_every_group_once_per_line_it_is_on():
    from app.report.aggregates import RoundRow
    from app.report.network import network, network_caption

    orgs = {n: "Leeds City Council" for n in range(5)}
    orgs |= {n: "NHS Leeds" for n in range(5, 10)} | {10: "Nesta", 11: "Kent Police"}
    groups = ((0, 5), (1, 2), (3, 6, 10), (4, 7), (8, 9, 11))
    nodes, edges = network([RoundRow(1, None, groups)], orgs)
    assert nodes == [("Leeds City Council", 5), ("NHS Leeds", 5), ("Other organisations", 2)]
    assert edges == [
        ("Leeds City Council", "Leeds City Council", 1),
        ("Leeds City Council", "NHS Leeds", 3),
        ("Leeds City Council", "Other organisations", 1),
        ("NHS Leeds", "Other organisations", 2),
    ]
    words = network_caption(nodes, edges, groups_drawn=5, trios=2)
    assert words.startswith("5 groups drawn over all rounds (2 of them trios), between 3 ")
    assert "Within Leeds City Council: 1 group;" in words
    assert "Leeds City Council and NHS Leeds: 3 groups" in words
    assert "A trio from three organisations is counted on each of its three lines." in words
