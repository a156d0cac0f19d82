"""The report: does connecting people at random help? Figures, charts, open data and the feed.

data: rows read from the database · aggregates and figures: what is measured · publish: small
numbers suppressed · charts and network: SVG drawn on the server · opendata: CSV and JSON ·
feed: the outputs' Atom feed · views: /report and friends · commands: flask report.
"""

from app.report import commands, views


def init_app(app):
    """Serve the report pages and add the report command."""
    app.register_blueprint(views.bp)
    app.cli.add_command(commands.report_command)
