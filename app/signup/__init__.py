"""Joining: the public sign-up form and its confirmation link, and cards organisers add to
Sign-ups by hand, imported as sign-ups.

views: /signup and /signup/confirm/<token> · service: recording a sign-up · forms: the form ·
hand_made: reading a hand-made card · board_events: when Trello's actions and reconcile import one.
"""

from app import web
from app.people.forms import typed_email
from app.signup import views


def init_app(app):
    """Serve /signup: its posts rate-limited per client address and per email address typed,
    its confirmation link as a personal link."""
    app.register_blueprint(views.bp)
    web.limit_posts(app, views.bp)
    web.limit_email_repeats(app, views.bp, "email", typed_email)
    web.limit_personal_links(app, views.bp)
