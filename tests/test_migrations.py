"""Migrations build the schema the models describe, and run down and up again cleanly."""

import flask_migrate
from sqlalchemy import inspect

from app.db import db


def test_models_and_migrations_agree(app):
    with app.app_context():
        flask_migrate.check()


def test_migrations_downgrade_to_nothing_and_upgrade_again(app):
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        assert "people" not in inspect(db.engine).get_table_names()
        flask_migrate.upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert {"programmes", "people", "webhook_events", "outbox_entries"} <= tables
