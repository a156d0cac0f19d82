"""A participant's own page, opened from the signed link in every email: their details, pause,
skip a round, leave."""

from app import web
from app.participant import views


def init_app(app):
    """Serve /me/<token>: its posts and every request rate-limited per client address."""
    app.register_blueprint(views.bp)
    web.limit_posts(app, views.bp)
    web.limit_personal_links(app, views.bp)
