"""The Power-Up's side of the service: its static files and the JSON API its iframes call."""

from app import web
from app.powerup_api import auth, errors, static, views


def init_app(app):
    """Register /powerup/ and /api/ (token-authenticated, so exempt from the forms' CSRF).

    Unknown paths and methods under /api/ answer in the API's JSON error shape too.
    """
    auth.init_app(app)
    app.before_request(errors.routing_error)
    app.register_blueprint(static.bp)
    app.register_blueprint(views.bp)
    web.csrf.exempt(views.bp)
