"""A participant's own page, opened from the signed link in every email: their details, pause,
skip a round, leave; and `flask erase`, the operator's way to make someone leave."""

from app import web
from app.participant import commands, views


def init_app(app):
    """Serve /me/<token> (its posts and every request rate-limited per client address); add
    the erasure command."""
    app.cli.add_command(commands.erase_command)
    app.register_blueprint(views.bp)
    web.limit_posts(app, views.bp)
    web.limit_personal_links(app, views.bp)
