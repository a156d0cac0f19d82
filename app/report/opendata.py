"""The report as open data: CSV (one row per round, then all rounds) and self-describing JSON."""

import csv
import io

from app.report.build import LICENCE, LICENCE_URL
from app.report.figures import FIGURES, PRIVATE
from app.report.publish import HIDDEN, THRESHOLD

SUPPRESSION = (
    f"Only the check-in's answers are private (the fields marked private: true): a private count "
    f"from 1 to {THRESHOLD - 1} is published as '{HIDDEN}', and so are as many other private "
    f"counts as it takes for no hidden count to be worked out from the rest (the answers add up "
    f"to people_in_groups; the rounds add up to all rounds); a percentage of a hidden count is "
    f"'{HIDDEN}' too. Every hidden figure carries the same marker, so it can be any count from 0 "
    f"up. The draw (people, pairs, organisations) and outputs (public posts) are published in "
    f"full. null means there was nothing to measure (no output yet, nobody answered)."
)
COLUMNS = ("round", "round_date", *(f.key for f in FIGURES))


def schema():
    """Return the description of every field, as the JSON carries it."""
    fields = {
        "round": {"kind": "id", "meaning": "the round's number; 'all' for all rounds together"},
        "round_date": {"kind": "date", "meaning": "the day the round was drawn (ISO 8601)"},
    }
    for figure in FIGURES:
        unit = {"count": "integer", "pct": "percentage, one decimal", "days": "days"}[figure.kind]
        fields[figure.key] = {"label": figure.label, "kind": unit, "meaning": figure.meaning}
        fields[figure.key]["private"] = figure.key in PRIVATE
        if not figure.per_round:
            # Only the all-rounds row has it: missing from a round's JSON row, empty in its CSV.
            fields[figure.key]["all_rounds_only"] = True
    return fields


def rows(report):
    """Return one dict per round, then one for all rounds, in COLUMNS order (a round's row
    without the all-rounds-only figures)."""
    found = []
    for column, cells in report.columns.items():
        row = {"round": int(column) if column != "all" else "all"}
        day = report.dates.get(column)
        row["round_date"] = day.isoformat() if day else None
        row.update(cells)
        found.append(row)
    return found


def as_json(report, title="UnMentoring"):
    """Return the open-data document: licence, suppression rule, schema, rounds, network;
    title is the programme's name."""
    all_rows = rows(report)
    return {
        "title": f"{title} report: rounds, meetings and outputs",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "suppression": SUPPRESSION,
        "schema": schema(),
        "rounds": all_rows[:-1],
        "all_rounds": all_rows[-1],
        "network": {
            "nodes": [{"name": name, "people": people} for name, people in report.nodes],
            # A line from a node to itself: the groups whose people were all in it.
            "edges": [{"from": a, "to": b, "pairs": pairs} for a, b, pairs in report.edges],
            "groups_drawn": report.groups_drawn,
            "trios": report.trios,
        },
    }


def as_csv(report):
    """Return the CSV text: a header row of field keys, then a row per round and all rounds."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(report):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()
