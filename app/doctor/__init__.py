"""`flask --app app doctor`: an operator's check of a running deployment, against whatever
TRELLO_API_BASE points at (Trello, or the sandbox).

results: a check's result, what checks share, the guard that turns an error into a FAIL ·
trello_checks: key and token, the member's role, the lists, the webhook, rate-limit headers ·
probe: a label made and deleted to see a signed delivery reach the web process ·
settings_checks: Trello's Power-Up keys, mail, PUBLIC_URL · programme_checks: TOKEN_ENCRYPTION_KEY,
and every other programme's board, lists and webhook with its own token (a stopped one warns) ·
commands: the command itself.
"""

from app.doctor import commands


def init_app(app):
    """Add the doctor command."""
    app.cli.add_command(commands.doctor_command)
