"""UnMentoring: Randomised Coffee Trials run on a Trello board."""

import logging
import os
import secrets

from cryptography.fernet import Fernet
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


def _secret_key(instance_path, name="secret_key", make=lambda: secrets.token_urlsafe(48)):
    """Return a stable random key kept under instance/ when its setting is not set."""
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        # Created with 0600 so only the service account can read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
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
    if not app.config.get("TOKEN_ENCRYPTION_KEY") and app.config.get("SANDBOX"):
        # Sandbox boards' tokens only; a deployment sets its own key (`flask doctor` checks).
        make = lambda: Fernet.generate_key().decode()  # noqa: E731
        app.config["TOKEN_ENCRYPTION_KEY"] = _secret_key(app.instance_path, "token_key", make)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    redact.install()
    # urllib3 logs every URL at DEBUG, and Trello's key and token ride in the query string.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)
    # Alembic names each plugin it loads at INFO, on every `flask` command: operators should
    # read only what the command itself says.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from app import (
        db,
        devserver,
        doctor,
        followup,
        handlers,
        participant,
        powerup_api,
        report,
        rounds,
        signup,
        trello,
        web,
        webhooks,
        worker,
    )

    db.init_app(app)  # SQLAlchemy, migrations, a 503 when the database stays locked
    trello.init_app(app)  # the gateway; setup-board, register-webhook
    handlers.init_app(app)  # who handles each Trello action and each outbox operation
    web.init_app(app)  # templates, CSRF, rate limits, headers, error pages; /, /privacy, /healthz
    webhooks.init_app(app)  # /webhooks/trello
    signup.init_app(app)  # /signup
    participant.init_app(app)  # /me/<token>; flask erase
    followup.init_app(app)  # /me/<token>/output, /me/<token>/checkin
    report.init_app(app)  # /report, open data, the outputs feed; flask report
    powerup_api.init_app(app)  # /powerup/, /api/
    rounds.init_app(app)  # flask pair
    worker.init_app(app)  # flask worker, flask reconcile, flask programmes
    devserver.init_app(app)  # flask dev
    doctor.init_app(app)  # flask doctor
    return app
