"""Migrations build the schema the models describe, and run down and up again cleanly."""

import flask_migrate
from sqlalchemy import inspect, text

from app.db import db, utcnow


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


def test_entries_queued_under_the_loop_names_keep_their_handlers_after_the_rename(app):
    with app.app_context():
        flask_migrate.downgrade(revision="0004")
        programme_id = _insert_programme()
        for operation in ("loop.refresh_card", "loop.round_tally", "loop.reconcile", "mail.send"):
            db.session.execute(
                text(
                    "INSERT INTO outbox_entries (programme_id, operation, payload, status, "
                    "attempts, available_at, created_at) "
                    "VALUES (:p, :op, '{}', 'pending', 0, :now, :now)"
                ),
                {"p": programme_id, "op": operation, "now": utcnow()},
            )
        db.session.commit()
        flask_migrate.upgrade()
        renamed = set(db.session.scalars(text("SELECT operation FROM outbox_entries")))
    assert renamed == {
        "followup.refresh_card",
        "followup.round_tally",
        "reconcile.claim",
        "mail.send",
    }
    assert {"followup.refresh_card", "followup.round_tally", "mail.send"} <= set(
        app.extensions["outbox_operations"].handlers
    )


def _insert_programme():
    """Add a programme row as revision 0004 knows it; return its id."""
    db.session.execute(
        text(
            "INSERT INTO programmes (trello_board_id, name, settings, created_at) "
            "VALUES ('b' , '', '{}', :now)"
        ),
        {"now": utcnow()},
    )
    return db.session.scalar(text("SELECT id FROM programmes"))
