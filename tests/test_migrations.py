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


def test_existing_people_get_one_organisation_per_normalised_name_in_each_programme(app):
    typed = [
        "Leeds CC",
        "Leeds City Council",
        "leeds cc.",
        "LEEDS CITY COUNCIL",
        "Leeds City Council",
    ]
    with app.app_context():
        flask_migrate.downgrade(revision="0007")
        programme_id = _insert_programme()
        db.session.execute(
            text(
                "INSERT INTO programmes (trello_board_id, name, settings, created_at) "
                "VALUES ('other', '', '{}', :now)"
            ),
            {"now": utcnow()},
        )
        other_id = db.session.scalar(
            text("SELECT id FROM programmes WHERE trello_board_id = 'other'")
        )
        for n, organisation in enumerate([*typed, "LEEDS  CITY COUNCIL", ""]):
            _insert_person(programme_id if n < len(typed) else other_id, n, organisation)
        db.session.commit()
        flask_migrate.upgrade()
        rows = db.session.execute(
            text(
                "SELECT people.organisation, organisations.name, organisations.programme_id "
                "FROM people LEFT JOIN organisations ON organisations.id = people.organisation_id "
                "ORDER BY people.id"
            )
        ).all()
        made = db.session.execute(text("SELECT programme_id, name FROM organisations")).all()
        db.session.commit()  # the migration's own connection must not wait on this one
        flask_migrate.downgrade(revision="0007")
        kept = list(db.session.scalars(text("SELECT organisation FROM people ORDER BY id")))
        db.session.commit()
        flask_migrate.upgrade()
    # The seed list's official name, else the most common spelling; on a tie, the earliest's.
    assert [name for _, name, _ in rows] == [
        "Leeds CC",
        "Leeds City Council",
        "Leeds CC",
        "Leeds City Council",
        "Leeds City Council",
        "Leeds City Council",
        None,
    ]
    assert rows[5][2] == other_id  # each programme has its own organisations
    assert sorted(made) == sorted(
        [
            (programme_id, "Leeds CC"),
            (programme_id, "Leeds City Council"),
            (other_id, "Leeds City Council"),
        ]
    )
    assert [typed for typed, _, _ in rows] == kept  # what people typed stays, both ways


def _insert_person(programme_id, n, organisation):
    """Add a person row as revision 0007 knows it."""
    db.session.execute(
        text(
            "INSERT INTO people (programme_id, full_name, email, organisation, share_channels, "
            "frequency, status, created_at, updated_at) VALUES (:p, :name, :email, :org, '[]', "
            "'every', 'active', :now, :now)"
        ),
        {
            "p": programme_id,
            "name": f"P{n}",
            "email": f"p{n}@example.org",
            "org": organisation,
            "now": utcnow(),
        },
    )
