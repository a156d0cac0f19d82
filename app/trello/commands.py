"""Operator commands for the board: `flask --app app setup-board | register-webhook`."""

import click
from flask.cli import with_appcontext

from app.models import programme_option
from app.trello.board import register_webhook, setup_board
from app.trello.gateway import TrelloError


@click.command("setup-board")
@with_appcontext
@programme_option
def setup_board_command():
    """Create the board's missing lists; safe to re-run."""
    try:
        report = setup_board()
    except TrelloError as exc:
        raise click.ClickException(f"Trello refused: {exc}") from None
    for name, outcome in report.values():
        click.echo(f"{name}: {outcome}")


@click.command("register-webhook")
@with_appcontext
@programme_option
def register_webhook_command():
    """Register PUBLIC_URL/webhooks/trello for the board once; turn it back on if disabled."""
    try:
        hook, done = register_webhook()
    except TrelloError as exc:
        raise click.ClickException(f"Trello refused the webhook: {exc}") from None
    verb = {
        "registered": "registered",
        "reactivated": "was disabled by Trello and is active again",
        "unchanged": "already registered and active",
    }[done]
    click.echo(f"Webhook {hook['id']} {verb} for {hook['callbackURL']}")
