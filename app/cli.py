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
    """Register PUBLIC_URL/webhooks/trello for the board once; turn it back on if disabled."""
    from app.board import register_webhook

    try:
        hook, done = register_webhook()
    except TrelloError as exc:
        _fail(f"Trello refused the webhook: {exc}")
    verb = {
        "registered": "registered",
        "reactivated": "was disabled by Trello and is active again",
        "unchanged": "already registered and active",
    }[done]
    click.echo(f"Webhook {hook['id']} {verb} for {hook['callbackURL']}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Carry out what is due now, then exit.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def worker_command(once, interval):
    """Drain the outbox (Trello writes and mails, with retries and backoff) and run timed jobs."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"Worker started (database: {_safe_db_name()})")
    while not stopping:
        counts = _worker_pass()
        if once and counts is None:
            _fail("The worker's pass failed; see above.")
        if once and not counts:
            break
        if not counts:
            time.sleep(interval)
    click.echo(f"Worker stopped; {outbox.pending_count()} entries still pending")


def _worker_pass():
    """Run the timed jobs and what is due in the outbox once; return the outbox's counts,
    or None when the pass failed.

    A database that is down or locked for long fails the pass, not the worker: it says so
    and tries again on the next pass, as a platform restarting it would, but without the wait.
    """
    from app.db import db
    from app.jobs import run_timed_jobs
    from app.redact import describe_error

    try:
        for job, count in run_timed_jobs().items():
            click.echo(f"Timed jobs: {count} {job}")
        counts = outbox.run_due()
    except Exception as exc:  # noqa: BLE001 - one failed pass must not stop the worker
        db.session.rollback()
        click.echo(f"Worker pass failed, trying again: {describe_error(exc)}", err=True)
        return None
    if counts:
        click.echo("Outbox: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return counts


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
    from app.loop.reconcile import reconcile_loop, unapplied_round
    from app.programmes import current_programme
    from app.signup.board import reconcile_signups

    programme = current_programme()
    try:
        counts = reconcile_signups(programme)
        loop_counts = reconcile_loop(programme)
    except TrelloError as exc:
        _fail(f"Trello refused: {exc}")
    for outcome, count in sorted(counts.items()):
        click.echo(f"Sign-ups: {count} {outcome}")
    for outcome, count in sorted(loop_counts.items()):
        click.echo(f"Current round: {count} {outcome}")
    waiting = unapplied_round(programme)
    if waiting is not None:
        click.echo(
            f"Current round: round {waiting.number} is not on the board yet, so its outputs and "
            "hand moves were not checked. Run the worker; if the round's outbox entry failed, "
            "its last_error says why."
        )
    elif not loop_counts:
        click.echo("Current round: board and database agree")


@click.command("erase")
@click.option("--email", help="The address the person signed up with.")
@click.option("--card", "card_id", help="The id or short link of the person's Trello card.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(email, card_id, yes):
    """Erase one person as if they had left: for erasure requests, and again after a restore."""
    from app.db import db
    from app.participant.lifecycle import leave
    from app.programmes import current_programme

    if bool(email) == bool(card_id):
        _fail("Give exactly one of --email and --card.")
    programme = current_programme()
    person = _person_to_erase(programme, email, card_id)
    if person.status == "left":
        click.echo(f"Person {person.id} has already left; nothing to erase.")
        return
    if not yes:
        click.confirm(f"Erase person {person.id} ({person.organisation}) for good?", abort=True)
    leave(programme, person)
    db.session.commit()
    click.echo(f"Person {person.id} erased; their card is emptied and archived by the worker.")


def _person_to_erase(programme, email, card_id):
    """Find the person named by address or card, or stop with a clear message."""
    from sqlalchemy import select

    from app.db import db
    from app.models import Person
    from app.signup.checks import normalise_email
    from app.signup.service import find_person

    if email:
        try:
            person = find_person(programme, normalise_email(email))
        except ValueError:
            _fail(f"Not an email address: {email}")
    else:
        query = select(Person).where(
            Person.programme_id == programme.id, Person.trello_card_id == _full_card_id(card_id)
        )
        person = db.session.scalar(query)
    if person is None:
        _fail("Nobody with that " + ("address." if email else "card."))
    return person


def _full_card_id(card_id):
    """Return a card's 24-hex id, asking Trello when given a short link (as in the card's URL)."""
    from app.trello_gateway import get_gateway

    if len(card_id) == 24:
        return card_id
    try:
        return get_gateway().card(card_id)["id"]
    except TrelloError as exc:
        _fail(f"Trello could not find card {card_id}: {exc}")


def init_app(app):
    """Register the operator commands on the app."""
    commands = (
        setup_board_command,
        register_webhook_command,
        worker_command,
        dev_command,
        reconcile_command,
        erase_command,
    )
    for command in commands:
        app.cli.add_command(command)
