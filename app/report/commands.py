"""`flask --app app report`: the report's figures in the terminal, as the page shows them."""

import click
from flask.cli import with_appcontext

from app.models import current_programme, programme_option
from app.report.build import LICENCE, build_report
from app.report.figures import FIGURES
from app.report.network import edge_words
from app.report.publish import HIDDEN_TEXT, display


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
@programme_option
def report_command():
    """Print the report's figures per round and over all rounds (small counts suppressed)."""
    report = build_report(current_programme())
    if not report.rounds:
        click.echo("No rounds yet.")
        return
    for line in _table(report):
        click.echo(line.rstrip())
    click.echo("")
    click.echo(
        f"Groups drawn: {report.groups_drawn} ({report.trios} trios); check-in answers shown as "
        f"'{HIDDEN_TEXT}' are private and small, or would give a small one away"
    )
    for name, people in report.nodes:
        click.echo(f"Organisation: {name} ({people} people in groups)")
    for a, b, groups in report.edges:
        click.echo(f"Connected: {edge_words(a, b, groups)}")
    click.echo(f"\nLicence: {LICENCE}")
