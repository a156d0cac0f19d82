"""The worker process: it carries out the outbox (each operation as app.handlers maps it) and
runs the timed jobs.

commands: flask worker · jobs: unpausing, erasing stale sign-ups, reminders, reconcile ·
reconcile: repairing what webhooks missed (also flask reconcile).
"""

from app.worker import commands, reconcile


def init_app(app):
    """Add the worker and reconcile commands."""
    app.cli.add_command(commands.worker_command)
    app.cli.add_command(reconcile.reconcile_command)
