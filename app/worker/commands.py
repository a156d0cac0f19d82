"""`flask --app app worker`: drain the outbox and run the timed jobs until stopped."""

import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from app import outbox
from app.db import db
from app.redact import describe_error
from app.webhooks import queue
from app.worker.jobs import run_timed_jobs


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
        counts = worker_pass()
        if once and counts is None:
            raise click.ClickException("The worker's pass failed; see above.")
        if once and not counts:
            break
        if not counts:
            time.sleep(interval)
    click.echo(f"Worker stopped; {outbox.pending_count()} entries still pending")


def worker_pass():
    """Process the webhook actions received since the last pass, then run the timed jobs and
    what is due in the outbox once, the programmes side by side (OUTBOX_THREADS); return the
    counts (actions processed, and the outbox's), or None when the pass failed.

    A database that is down or locked for long fails the pass, not the worker: it says so
    and tries again on the next pass, as a platform restarting it would, but without the wait.
    """
    try:
        # First, so the outbox work the actions queue goes out in this same pass.
        actions = queue.process_received()
        for job, count in run_timed_jobs().items():
            click.echo(f"Timed jobs: {count} {job}")
        counts = outbox.run_due(threads=current_app.config["OUTBOX_THREADS"])
    except Exception as exc:  # noqa: BLE001 - one failed pass must not stop the worker
        db.session.rollback()
        click.echo(f"Worker pass failed, trying again: {describe_error(exc)}", err=True)
        return None
    if actions:
        click.echo(f"Webhook actions: {actions} processed")
    if counts:
        click.echo("Outbox: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return {**counts, "webhook actions": actions} if actions else counts


def _safe_db_name():
    """Return the database URI without its password, for start-up messages."""
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return make_url(uri).render_as_string(hide_password=True)
