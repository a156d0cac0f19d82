"""The worker process: it carries out the outbox (each operation as app.handlers maps it) and
runs the timed jobs.

commands: flask worker · jobs: unpausing, erasing stale sign-ups and stopped programmes,
reminders, reconcile · reconcile: repairing what webhooks missed (also flask reconcile) ·
programmes and programme_status: flask programmes, the operator's view of every board.
"""

from app.worker import commands, programmes, reconcile


def init_app(app):
    """Add the worker, reconcile and programmes commands."""
    app.cli.add_command(commands.worker_command)
    app.cli.add_command(reconcile.reconcile_command)
    app.cli.add_command(programmes.programmes_group)
