"""`flask --app app programmes [--json] | disable SLUG | reseal`: every programme at a glance,
stopping one, and sealing the boards' tokens again after TOKEN_ENCRYPTION_KEY is rotated."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.db import db
from app.models import Programme, first_programme, programme_by_slug
from app.people.retention import erasure_date
from app.trello import vault
from app.trello.authorise import give_back
from app.vocabulary import long_date
from app.worker.programme_status import (
    label,
    programme_row,
    programme_rows,
    round_words,
    state_words,
)

COLUMNS = ("PROGRAMME", "NAME", "BOARD", "MEMBERS", "PEOPLE", "LAST ROUND", "WEBHOOK", "STATE")
DISABLED = "disabled by an operator"
FIRST = "(first)"  # how the list names the first programme, which may have no address


@click.group("programmes", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@with_appcontext
def programmes_group(as_json):
    """List every programme: its board, state, board members, people, last round and webhook
    (members and webhook asked of Trello with each programme's own token)."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    rows = programme_rows()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for line in _table(rows):
        click.echo(line)


def _table(rows):
    """Return the rows as lines of plain text in aligned columns, the state last (it is long)."""
    cells = [COLUMNS] + [
        (
            row["programme"],
            row["name"],
            row["board_id"],
            "unknown" if row["members"] is None else str(row["members"]),
            str(row["people"]),
            round_words(row),
            row["webhook"] or "unknown",
            state_words(row),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS) - 1)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True))
        + "  "
        + line[-1]
        for line in cells
    ]


@programmes_group.command("disable")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def disable_command(slug, yes):
    """Stop a programme: give its board's token back to Trello (its webhook goes with it) and
    delete it here. Its people are kept for PROGRAMME_RETENTION_DAYS, then erased."""
    programme = programme_by_slug(slug)
    if programme is None and slug == FIRST:
        programme = first_programme()
    if programme is None:
        raise click.ClickException(
            f"No programme has the address {slug!r}: `programmes` lists them."
        )
    name = f"Programme {label(programme)} (board {programme.trello_board_id})"
    if programme.is_first:
        raise click.ClickException(
            f"{name} is the first programme: it runs on the service's own token (TRELLO_TOKEN) on "
            "the board TRELLO_BOARD_ID names, not on a token its board gave. To stop it, stop "
            "the service's web and worker processes, or deploy with TRELLO_BOARD_ID naming "
            "another board."
        )
    if not programme.active:
        click.echo(f"{name} is already {state_words(programme_row(programme))}; nothing to do.")
        return
    if not yes:
        click.confirm(
            f"Stop {name}, {programme.title!r}? Its token goes back to Trello and its work stops.",
            abort=True,
        )
    revoked = give_back(programme, DISABLED)
    db.session.commit()
    click.echo(f"{name} stopped: {DISABLED}.")
    if revoked:
        click.echo("Trello took its token back, which deleted the board's webhook.")
    else:
        click.echo(
            "Trello did not take its token back (see the log above): a board admin can revoke "
            "it in Trello's account settings (Applications)."
        )
    when = long_date(erasure_date(programme, current_app.config["PROGRAMME_RETENTION_DAYS"]))
    click.echo(
        f"Its stored token is deleted. Its people are kept until {when} "
        "(PROGRAMME_RETENTION_DAYS), then erased. To resume it before then, a board admin sets "
        "it up again from the Power-Up on the board."
    )


@programmes_group.command("reseal")
@with_appcontext
def reseal_command():
    """Encrypt every stored board token again under the first key of TOKEN_ENCRYPTION_KEY:
    run after putting a new key first, before taking the old one out."""
    if not vault.configured():
        raise click.ClickException(
            "TOKEN_ENCRYPTION_KEY is not set or not a list of Fernet keys: set it first."
        )
    stored = select(Programme).where(Programme.token_sealed.is_not(None)).order_by(Programme.id)
    done, lost = 0, []
    for programme in db.session.scalars(stored):
        try:
            programme.token_sealed = vault.reseal(programme.token_sealed)
            done += 1
        except vault.VaultUnavailable:
            lost.append(f"{label(programme)} (board {programme.trello_board_id})")
    db.session.commit()
    click.echo(f"{done} stored token{'' if done == 1 else 's'} encrypted under the first key.")
    if lost:
        raise click.ClickException(
            "No key in TOKEN_ENCRYPTION_KEY opens the token of programme "
            + ", ".join(lost)
            + ": put back the key it was sealed under (after the new one) and run this again, "
            "or have a board admin set it up again from the Power-Up."
        )
    click.echo("Keys after the first one can now be taken out of TOKEN_ENCRYPTION_KEY.")
