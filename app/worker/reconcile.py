"""Reconcile: repair what webhooks missed, on demand (`flask reconcile`) and every ten minutes
from the worker, once per slot however many workers run."""

import logging

import click
from flask.cli import with_appcontext

from app.db import db
from app.followup.reconcile import reconcile_round, unapplied_round
from app.models import OutboxEntry, current_programme, programme_option
from app.redact import describe_error
from app.signup.board_events import reconcile_signups
from app.trello.gateway import TrelloError
from app.worker.slots import claim_slot

log = logging.getLogger(__name__)
EVERY_SECONDS = 600
# The claim rows' operation: written as done, so the outbox never runs them.
CLAIM = "reconcile.claim"


def run_if_due(programme, now):
    """Run reconcile once per ten-minute slot, however many workers ask; True if this one did.

    The claim is an outbox row written as already done (app/worker/slots.py): its unique
    dedupe key lets one worker win the slot, and the outbox itself never runs it.
    """
    claim_id = claim_slot(programme, "reconcile", EVERY_SECONDS, now, CLAIM)
    if claim_id is None:
        return False  # another worker (or an earlier pass) took this slot
    _reconcile_logged(programme, claim_id)
    return True


def _reconcile_logged(programme, claim_id):
    """Run both reconciles, keeping the outcome (or the failure) on the claim row."""
    try:
        counts = dict(reconcile_signups(programme))
        counts.update(reconcile_round(programme))
        db.session.get(OutboxEntry, claim_id).result = {"counts": counts}
    except Exception as exc:  # noqa: BLE001 - Trello down: the next slot tries again
        db.session.rollback()
        db.session.get(OutboxEntry, claim_id).last_error = describe_error(exc)
        log.warning("timed reconcile failed: %s", type(exc).__name__)
    db.session.commit()


@click.command("reconcile")
@with_appcontext
@programme_option
def reconcile_command():
    """Repair what webhooks missed: hand-made Sign-ups cards, missing cards, the round's outputs."""
    programme = current_programme()
    try:
        counts = reconcile_signups(programme)
        round_counts = reconcile_round(programme)
    except TrelloError as exc:
        raise click.ClickException(f"Trello refused: {exc}") from None
    for outcome, count in sorted(counts.items()):
        click.echo(f"Sign-ups: {count} {outcome}")
    for outcome, count in sorted(round_counts.items()):
        click.echo(f"Current round: {count} {outcome}")
    waiting = unapplied_round(programme)
    if waiting is not None:
        click.echo(
            f"Current round: round {waiting.number} is not on the board yet, so its outputs and "
            "hand moves were not checked. Run the worker; if the round's outbox entry failed, "
            "its last_error says why."
        )
    elif not round_counts:
        click.echo("Current round: board and database agree")
