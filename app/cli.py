"""Operator commands: `flask --app app setup-board | register-webhook | worker | dev`."""

import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app import outbox
from app.trello_gateway import TrelloError


def _fail(message):
    """Stop the command with a clear message and a non-zero exit."""
    raise click.ClickException(message)


@click.command("setup-board")
@with_appcontext
def setup_board_command():
    """Create the board's missing lists; safe to re-run."""
    from app.board import setup_board

    try:
        report = setup_board()
    except TrelloError as exc:
        _fail(f"Trello refused: {exc}")
    for name, outcome in report.values():
        click.echo(f"{name}: {outcome}")


@click.command("register-webhook")
@with_appcontext
def register_webhook_command():
    """Register PUBLIC_URL/webhooks/trello with Trello for the board, once."""
    from app.board import register_webhook

    try:
        hook, created = register_webhook()
    except TrelloError as exc:
        _fail(f"Trello refused the webhook: {exc}")
    verb = "registered" if created else "already registered"
    click.echo(f"Webhook {hook['id']} {verb} for {hook['callbackURL']}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Carry out what is due now, then exit.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def worker_command(once, interval):
    """Drain the outbox (Trello writes and mails, with retries and backoff) and run timed jobs."""
    from app.jobs import run_timed_jobs

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"Worker started (database: {_safe_db_name()})")
    while not stopping:
        for job, count in run_timed_jobs().items():
            click.echo(f"Timed jobs: {count} {job}")
        counts = outbox.run_due()
        if counts:
            click.echo("Outbox: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        if once and not counts:
            break
        if not counts:
            time.sleep(interval)
    click.echo(f"Worker stopped; {outbox.pending_count()} entries still pending")


def _safe_db_name():
    """Return the database URI without its password, for start-up messages."""
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
        hide_password=True
    )


@click.command("dev")
@click.option("--no-rate-limits", is_flag=True, help="Switch the sandbox's rate limits off.")
@with_appcontext
def dev_command(no_rate_limits):
    """Run sandbox, web and worker together (what `make run` does) and print the URLs."""
    from app.devserver import run_all

    run_all(current_app, rate_limits=not no_rate_limits)


@click.command("reconcile")
@with_appcontext
def reconcile_command():
    """Repair what webhooks missed: hand-made Sign-ups cards, missing cards, the round's outputs."""
    from app.loop.reconcile import reconcile_loop
    from app.programmes import current_programme
    from app.signup.board import reconcile_signups

    try:
        counts = reconcile_signups(current_programme())
        loop_counts = reconcile_loop(current_programme())
    except TrelloError as exc:
        _fail(f"Trello refused: {exc}")
    for outcome, count in sorted(counts.items()):
        click.echo(f"Sign-ups: {count} {outcome}")
    for outcome, count in sorted(loop_counts.items()):
        click.echo(f"Current round: {count} {outcome}")
    if not loop_counts:
        click.echo("Current round: board and database agree")


def init_app(app):
    """Register the operator commands on the app."""
    commands = (
        setup_board_command,
        register_webhook_command,
        worker_command,
        dev_command,
        reconcile_command,
    )
    for command in commands:
        app.cli.add_command(command)
