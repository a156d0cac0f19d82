"""The report as open data: CSV (one row per round, then all rounds) and self-describing JSON."""

import csv
import io

from app.report.build import LICENCE, LICENCE_URL
from app.report.figures import FIGURES
from app.report.publish import SMALL, THRESHOLD, WITHHELD

SUPPRESSION = (
    f"Counts from 1 to {THRESHOLD - 1} are published as '{SMALL}'. Where a hidden count could "
    f"be worked out by subtraction (the parts of people in groups, or the rounds of an all-rounds "
    f"total), the smallest other part is published as '{WITHHELD}'. A rate or median is "
    f"published only when every count it is built from is; null means there was nothing to "
    f"measure (no output yet, nobody answered)."
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
        row["round_date"] = report.dates.get(column)
        row.update(cells)
        found.append(row)
    return found


def as_json(report):
    """Return the open-data document: licence, suppression rule, schema, rounds, network."""
    all_rows = rows(report)
    return {
        "title": "UnMentoring report: rounds, meetings and outputs",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "suppression": SUPPRESSION,
        "schema": schema(),
        "rounds": all_rows[:-1],
        "all_rounds": all_rows[-1],
        "network": {
            "nodes": [{"name": name, "people": people} for name, people in report.nodes],
            "edges": [{"from": a, "to": b, "pairs": pairs} for a, b, pairs in report.edges],
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
