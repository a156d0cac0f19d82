"""The one door to Trello: everything the service says to Trello, and the board it keeps.

http: transport under py-trello (base URL, timeouts, retries) · throttle: the client-side rate
limit · gateway: domain-named calls returning plain data · writes: outbox operations that write
cards · card_text: the text the service writes on cards · board: the lists and the webhook ·
commands: setup-board and register-webhook.
"""

from app.trello import commands, gateway


def init_app(app):
    """Build the app's gateway from its settings and add the board's operator commands."""
    app.extensions["trello"] = gateway.TrelloGateway.from_config(app.config)
    app.cli.add_command(commands.setup_board_command)
    app.cli.add_command(commands.register_webhook_command)
