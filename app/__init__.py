"""UnMentoring: Randomised Coffee Trials run on a Trello board."""

import logging
import os
import secrets

from flask import Flask, request

from app import redact
from app.config import Config


class UnMentoring(Flask):
    """Flask, with a 500's log line naming the route rather than the path: personal links
    carry the participant's signed token in their path, and logs must not hold it."""

    def log_exception(self, exc_info):
        """Log an unhandled exception with its route pattern (/me/<token>) and method."""
        route = redact.request_route()
        self.logger.error("Exception on %s [%s]", route, request.method, exc_info=exc_info)


def _secret_key(instance_path):
    """Return a stable random key kept under instance/ when SECRET_KEY is not set."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        # Created with 0600 so only the service account can read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    with open(path) as handle:
        return handle.read().strip()


def create_app(test_config=None):
    """Build the app: defaults from the environment, then overrides, then each area's init_app."""
    instance_path = os.environ.get("INSTANCE_PATH") or None
    app = UnMentoring(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(Config().as_dict())
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    redact.install()
    # urllib3 logs every URL at DEBUG, and Trello's key and token ride in the query string.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

    from app import cli, db, mail, models, trello_gateway, trello_writes  # noqa: F401 - handlers register
    from app.loop import models as loop_models  # noqa: F401 - tables register
    from app.rounds import apply  # noqa: F401 - handler and tables register
    from app.rounds import models as round_models  # noqa: F401 - tables register
    from app.rounds.cli import pair_command

    db.init_app(app)
    trello_gateway.init_app(app)
    cli.init_app(app)
    app.cli.add_command(pair_command)

    from app import health, pages, web, webhooks
    from app.loop import init_app as init_loop
    from app.participant import cards  # noqa: F401 - outbox handlers register
    from app.participant import views as participant_views
    from app.signup import board  # noqa: F401 - webhook and outbox handlers register
    from app.signup import views as signup_views

    web.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(webhooks.bp)
    web.csrf.exempt(webhooks.bp)  # Trello signs its deliveries; there is no form to protect
    # Trello sends bursts from a few addresses and signs each delivery: never rate limited.
    app.extensions["unmentoring_limiter"].exempt(webhooks.bp)
    for blueprint in (pages.bp, signup_views.bp, participant_views.bp):
        app.register_blueprint(blueprint)
    web.limit_posts(app, signup_views.bp)
    web.limit_posts(app, participant_views.bp)
    from app.report import cli as report_cli
    from app.report import views as report_views

    app.register_blueprint(report_views.bp)
    app.cli.add_command(report_cli.report_command)
    init_loop(app)
    from app import powerup_api

    powerup_api.init_app(app, web.csrf)
    web.limit_personal_links(app)
    return app
