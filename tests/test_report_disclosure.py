"""Disclosure control: no published figure, alone or with others, gives back a hidden private count.

For seeded histories with small cells (rounds where 1 to 4 people gave an answer), everything the
report publishes is collected from the page, the CSV, the JSON, the Atom feed and `flask report`;
the surfaces must agree; then tests/disclosure.py searches, exactly, for a hidden check-in count
that the published relations (answers add up to people in groups, rounds add up to all rounds,
percentages of a known base) fix to one value. None may be. Public figures (the draw, outputs)
must be published in full.
"""

import csv
import io
import random
import re
from collections import Counter
from datetime import date, timedelta

import feedparser
import pytest
from sqlalchemy import select

from app.db import db
from app.followup.checkins import record_check_in
from app.followup.outputs import record_output
from app.models import Person, Round, current_programme
from app.report.aggregates import CheckInRow, OutputRow, RoundRow, all_figures
from app.report.build import Report
from app.report.opendata import as_json
from app.report.publish import publish
from tests.disclosure import (
    ANSWERS,
    CHALLENGE,
    FAMILIES,
    NEW,
    PRIVATE,
    is_hidden,
    recovered_cells,
)
from tests.report_helpers import draw_round, prepare_board, sign_up_by_service
from tests.support import drain

_CELL = re.compile(r'data-figure="(\w+)" data-column="(\w+)">([^<]*)</td>')
PUBLIC = ("people_in_pool", "pairs", "people_in_groups", "shared", "sit_outs")
ORGS = ("Leeds City Council", "NHS Leeds", "Nesta", "West Yorkshire Police", "Clarion Housing")


def _same(a, b):
    """Tell whether two published texts say the same: both hidden, or the same number."""
    if is_hidden(a) or is_hidden(b):
        return is_hidden(a) and is_hidden(b)
    strip = [str(x).strip().rstrip("%") for x in (a, b)]
    if "" in strip or "none to measure" in strip or "None" in strip:
        return {s or "none to measure" for s in strip} <= {"none to measure", "None"}
    return float(strip[0]) == float(strip[1])


def collect(client, runner):
    """Return ({(column, key): text} of every figure published anywhere, columns in order, and
    the feed's entries per round). Each figure must read the same on every surface that has it."""
    seen = {}
    figures = Counter()

    def note(column, key, text, where):
        figures[where] += 1
        if (column, key) in seen:
            before, first = seen[(column, key)]
            assert _same(before, text), (column, key, first, before, where, text)
        else:
            seen[(column, key)] = (text, where)

    for key, column, text in _CELL.findall(client.get("/report").text):
        note(column, key, text, "page")
    document = client.get("/report.json").get_json()
    labels = {}
    for key, field in document["schema"].items():
        labels[field.get("label")] = key
    for row in [*document["rounds"], document["all_rounds"]]:
        for key, value in row.items():
            if key not in ("round", "round_date"):
                note(str(row["round"]), key, "" if value is None else value, "json")
    for row in csv.DictReader(io.StringIO(client.get("/report.csv").text)):
        for key, value in row.items():
            if key not in ("round", "round_date") and value != "":
                note(row["round"], key, value, "csv")
    columns = [str(row["round"]) for row in document["rounds"]] + ["all"]
    for line in runner.invoke(args=["report"]).output.splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if parts and parts[0] in labels:
            key = labels[parts[0]]
            shown_in = columns if len(parts) - 1 == len(columns) else ["all"]
            for column, text in zip(shown_in, parts[1:], strict=True):
                note(column, key, text, "cli")
    feed = feedparser.parse(client.get("/outputs.atom").data)
    entries = Counter(entry.tags[0].label for entry in feed.entries)
    # Every surface must have given its figures: a change of markup or layout that one of them
    # no longer reads would otherwise leave that surface unchecked. Each column carries 30
    # figures or more; the CSV leaves out those with nothing to measure, so 20 a column at least.
    # (The feed is checked against the outputs made, by the caller.)
    for where in ("page", "json", "csv", "cli"):
        assert figures[where] >= 20 * len(columns), (where, figures[where], len(columns))
    return {cell: text for cell, (text, _) in seen.items()}, columns, entries


def _seeded(app, sandbox, seed):
    """Make a small history with the app's own code: 5 to 11 people, 1 to 3 rounds, check-ins
    that leave cells of 1 to 4; return {(column, key): true count} and {round: outputs}."""
    rng = random.Random(seed)
    prepare_board(app, sandbox)
    people = rng.randint(5, 11)
    for n in range(people):
        sign_up_by_service(app, f"Disclosure Person {seed}-{n}", ORGS[n % len(ORGS)], n)
    drain(app)
    with app.app_context():
        programme = current_programme()
        programme.settings = {**(programme.settings or {}), "quiet_after_rounds": 0}
        db.session.commit()
    truth, outputs = Counter(), Counter()
    rounds = rng.randint(1, 3)
    for number in range(1, rounds + 1):
        record = draw_round(app, number)
        for column in (str(number), "all"):
            truth[(column, "pairs")] += len(record["groups"])
            truth[(column, "people_in_groups")] += sum(len(g) for g in record["groups"])
            truth[(column, "sit_outs")] += record["sit_out"] is not None
        with app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.number == number))
            for pid in (pid for group in record["groups"] for pid in group):
                person = db.session.get(Person, pid)
                answer = rng.choice(("met", "met", "scheduled", "not_met", None))
                challenged = rng.choice((1, 3, 5, None)) if answer else None
                new = rng.choice((True, False, None)) if answer else None
                for column in (str(number), "all"):
                    truth[(column, answer or "no_answer")] += 1
                    truth[(column, f"challenged_{challenged or 'no_answer'}")] += 1
                    new_key = {True: "yes", False: "no", None: "no_answer"}[new]
                    truth[(column, f"new_connection_{new_key}")] += 1
                if answer:
                    record_check_in(person, round_, answer, None, challenged, new)
                if answer == "met" and rng.random() < 0.5:
                    record_output(person, round_, f"https://example.net/{seed}/{pid}", "link")
                    outputs[f"Round {number}"] += 1
                    truth[(str(number), "shared")] += 1
                    truth[("all", "shared")] += 1
            db.session.commit()
        drain(app)
    return truth, outputs


# The report before complementary suppression across rounds gave a hidden count back for seeds 0
# to 40 here (total minus the shown cells, or the rounds against all rounds); 3 did not.
@pytest.mark.parametrize("seed", [0, 4, 6, 9, 23, 27, 40, 3])
def test_no_surface_gives_back_a_hidden_check_in_count(app, client, runner, sandbox, seed):
    truth, outputs = _seeded(app, sandbox, seed)
    published, columns, entries = collect(client, runner)
    small = [
        cell for cell in published if cell[1] in PRIVATE and 0 < truth[cell] < 5 and cell in truth
    ]
    assert small, "the history has no small private cell to protect"
    for cell in small:
        assert is_hidden(published[cell]), (cell, published[cell])
    for (column, key), text in published.items():
        if key in PRIVATE and not is_hidden(text):
            assert int(text) == truth[(column, key)], (column, key)
        if key in PUBLIC:
            assert not is_hidden(text), (column, key)  # the draw and outputs are public
    # Outputs are public posts: the feed lists each one, and the report counts them all.
    assert entries == outputs
    assert int(published[("all", "shared")]) == sum(outputs.values())
    assert recovered_cells(published, columns, {c: truth[c] for c in published}) == []


def _synthetic(rng):
    """Return raw figures for a random small programme (no database): the report's own input."""
    orgs, rounds, check_ins, outputs, pid = {}, [], [], [], 0
    for number in range(1, rng.randint(1, 5) + 1):
        size = rng.choice((2, 3, 4, 5, 6, 8, 10, 14))
        members = list(range(pid, pid + size))
        pid += size
        orgs.update({p: ORGS[p % len(ORGS)] for p in members})
        groups = tuple(tuple(members[n : n + 2]) for n in range(0, size - size % 2, 2))
        day = date(2026, 1, 5) + timedelta(days=28 * number)
        rounds.append(RoundRow(number, day, groups))
        skew = rng.choice(((6, 1, 1, 1), (1, 1, 1, 6), (3, 3, 1, 1), (1, 0, 0, 0)))
        for p in members:
            answer = rng.choices((*ANSWERS[:3], None), weights=skew)[0]
            if answer:
                rating = rng.choice((None, 1, 2, 3, 4, 5))
                check_ins.append(CheckInRow(number, p, answer, rating, rng.choice((True, None))))
            if answer == "met" and rng.random() < 0.4:
                outputs.append(OutputRow(number, p, day + timedelta(days=3), f"u{p}"))
    return all_figures(rounds, orgs, check_ins, outputs)


def test_many_random_tables_leave_no_hidden_count_recoverable():
    rng = random.Random(20261202)
    checked = hidden = 0
    for _ in range(60):  # 120 found nothing 60 did not; the suite keeps within 10 minutes
        raw = _synthetic(rng)
        columns = publish(raw)
        document = as_json(Report(columns, {}, [], []))
        published = {
            (str(row["round"]), key): value
            for row in [*document["rounds"], document["all_rounds"]]
            for key, value in row.items()
            if key not in ("round", "round_date")
        }
        truth = {
            cell: raw[cell[0]][cell[1]]
            for cell in published
            if isinstance(raw[cell[0]].get(cell[1]), int) and cell[1] != "median_days_to_output"
        }
        for cell, value in truth.items():
            if cell[1] not in PRIVATE:
                continue
            if 0 < value < 5:
                assert is_hidden(published[cell]), cell
            elif not is_hidden(published[cell]):
                assert published[cell] == value
        order = [str(row["round"]) for row in document["rounds"]] + ["all"]
        assert recovered_cells(published, order, truth) == [], raw
        checked += 1
        hidden += sum(is_hidden(v) for c, v in published.items() if c[1] in PRIVATE)
    assert checked == 60 and hidden > 100


def test_a_row_with_one_small_answer_hides_a_second_one():
    raw = {"1": dict.fromkeys([*ANSWERS, *CHALLENGE, *NEW], 0)}
    raw["1"].update(met=6, no_answer=2, challenged_no_answer=8, new_connection_no_answer=8)
    totals = {"people_in_groups": 8, "pairs": 4, "shared": 0, "median_days_to_output": None}
    raw["1"].update(totals)
    raw["1"].update(people_in_pool=8, organisations=3, organisation_types=2, organisation_pairs=2)
    raw["1"].update(repeat_pairs=0, same_org_pairs=0, sit_outs=0)
    raw["all"] = {**raw["1"], "outputs_between_rounds": 0, "sharers_between_rounds": 0}
    columns = publish(raw)
    hidden = {key for key in ANSWERS if is_hidden(columns["1"][key])}
    assert "no_answer" in hidden and len(hidden) >= 2
    assert is_hidden(columns["1"]["met_pct"]) == ("met" in hidden)
    assert columns["1"]["pairs"] == 4 and columns["all"]["people_in_groups"] == 8
    # Its no answer is hidden, so the ratings' and new connection's no answer are too (each
    # bounds it: no check-in, no rating), and with them a second cell of each of those rows.
    for family in FAMILIES[1:]:
        hidden = {key for key in family if is_hidden(columns["1"][key])}
        assert family[-1] in hidden and len(hidden) >= 2, family


def test_the_reports_own_check_agrees_with_the_independent_search():
    """publish.py decides "fixed" on a flow network's cuts; the search here by brute force. On
    random tables with random hidden cells, they must agree cell by cell (so the report hides
    no more than it needs to, as well as no less)."""
    from app.report.publish import _Table

    rng = random.Random(7)
    compared = fixed = 0
    for _ in range(150):
        rounds = [str(n) for n in range(1, rng.randint(1, 4) + 1)]
        columns = {}
        for r in rounds:
            cells = {k: rng.choice((0, 0, 1, 2, 3, 5, 7)) for k in ANSWERS}
            columns[r] = {**cells, "people_in_groups": sum(cells.values())}
        columns["all"] = {k: sum(columns[r][k] for r in rounds) for k in columns[rounds[0]]}
        table = _Table(columns, ANSWERS, 5)
        table.hidden = {c for c in table.value if rng.random() < 0.35}
        published = {
            (c, k): "hidden" if (c, k) in table.hidden else columns[c][k]
            for c in columns
            for k in ANSWERS
        }
        published |= {(c, "people_in_groups"): columns[c]["people_in_groups"] for c in columns}
        truth = {cell: columns[cell[0]][cell[1]] for cell in published}
        found = recovered_cells(published, [*rounds, "all"], truth, families=[ANSWERS])
        recovered = {cell for cell, _ in found}
        for cell in table.hidden:
            assert table.fixed(cell) == (cell in recovered), (columns, table.hidden, cell)
            compared += 1
            fixed += cell in recovered
    assert compared > 300 and 0 < fixed < compared


def test_the_reports_joint_check_never_calls_a_fixed_cell_free():
    """Across the three questions the report's check is sound but not exact: it calls a cell
    free only when it has values for all three tables that keep the inequalities (no check-in,
    no rating), so the independent search must never recover a cell it calls free. It may call
    a free cell fixed (which only hides more): how often is printed, and bounded here."""
    from app.report.publish import _bounds, _Table

    rng = random.Random(11)
    compared = stricter = fixed_count = 0
    for _ in range(80):
        rounds = [str(n) for n in range(1, rng.randint(1, 3) + 1)]
        columns = {}
        for r in rounds:
            column = Counter()
            for _ in range(rng.choice((2, 3, 4, 6, 8))):
                answer = rng.choice(("met", "met", "scheduled", "not_met", None))
                rating = rng.choice((1, 3, 5, None)) if answer else None
                new = rng.choice((True, False, None)) if answer else None
                column[answer or "no_answer"] += 1
                column[f"challenged_{rating or 'no_answer'}"] += 1
                column[{True: "new_connection_yes", False: "new_connection_no"}.get(new)] += 1
            columns[r] = {k: column[k] for k in PRIVATE}
            columns[r]["new_connection_no_answer"] = column[None]
            columns[r]["people_in_groups"] = sum(column[k] for k in ANSWERS)
        keys = (*PRIVATE, "people_in_groups")
        columns["all"] = {k: sum(columns[r][k] for r in rounds) for k in keys}
        bounds = _bounds(columns)
        tables = [_Table(columns, family, 5, *bounds[family[-1]]) for family in FAMILIES]
        tables[0].partners = tuple(tables[1:])
        for table in tables[1:]:
            table.partners = (tables[0],)
        for table in tables:
            table.hidden = {c for c in table.value if rng.random() < 0.6}
        hidden = set().union(*(table.hidden for table in tables))
        published = {
            (c, k): "hidden" if (c, k) in hidden else columns[c][k] for c in columns for k in keys
        }
        truth = {cell: columns[cell[0]][cell[1]] for cell in published}
        recovered = {cell for cell, _ in recovered_cells(published, [*rounds, "all"], truth)}
        for table in tables:
            for cell in table.hidden:
                fixed = table.fixed(cell)
                assert fixed or cell not in recovered, (columns, hidden, cell)
                compared += 1
                stricter += fixed and cell not in recovered
                fixed_count += fixed
    print(
        f"{stricter} of {compared} hidden cells ({fixed_count} called fixed)",
        "called fixed that the search frees",
    )
    assert compared > 1000 and 0 < fixed_count < compared and stricter < compared // 20
