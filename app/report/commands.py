"""`flask --app app report`: the report's figures in the terminal, as the page shows them."""

import click
from flask.cli import with_appcontext

from app.models import current_programme
from app.report.build import LICENCE, build_report
from app.report.figures import FIGURES
from app.report.publish import display


def _cell(cells, figure):
    """Return a figure's value as the page shows it; blank where a column does not carry it
    (a round's column, for a figure measured over all rounds only)."""
    return display(cells[figure.key], figure.kind) if figure.key in cells else ""


def _table(report):
    """Return the report's lines: a header of columns, then one line per figure."""
    heads = [f"Round {c}" for c in report.rounds] + ["All rounds"]
    rows = [
        [figure.label] + [_cell(cells, figure) for cells in report.columns.values()]
        for figure in FIGURES
    ]
    widths = [max(len(r[0]) for r in rows)] + [
        max(len(heads[n]), *(len(r[n + 1]) for r in rows)) for n in range(len(heads))
    ]
    lines = [[""] + heads] + rows
    return [
        "  ".join(
            cell.rjust(w) if n else cell.ljust(w)
            for n, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]


@click.command("report")
@with_appcontext
def report_command():
    """Print the report's figures per round and over all rounds (small counts suppressed)."""
    report = build_report(current_programme())
    if not report.rounds:
        click.echo("No rounds yet.")
        return
    for line in _table(report):
        click.echo(line.rstrip())
    click.echo("")
    for name, people in report.nodes:
        click.echo(f"Organisation: {name} ({display(people, 'count')} people)")
    for a, b, pairs in report.edges:
        click.echo(f"Connected: {a} and {b} ({display(pairs, 'count')} pairs)")
    click.echo(f"\nLicence: {LICENCE}")
