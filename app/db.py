"""The SQLAlchemy handle, migrations, database URL rules, and the two helpers every table shares."""

import os
from datetime import UTC, datetime

from flask import current_app, jsonify, render_template, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from app.redact import request_route

# Named constraints so Alembic can alter them later, on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(render_as_batch=True, compare_type=True)


def once_more_on_conflict(work):
    """Run work() (it writes, then flushes or commits) and return what it returns. When it meets
    a row another request stored at the same moment, roll back and run it once more: the
    second pass finds that row and uses it."""
    for attempt in range(2):
        try:
            return work()
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise


def utcnow():
    """Return the current UTC time as a naive datetime, the one form both databases keep alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def insert_once(model, keys, **values):
    """Insert a row unless one with the same unique keys exists; return its id, or None.

    INSERT … ON CONFLICT DO NOTHING needs no savepoint (pysqlite's SAVEPOINT commits when it
    is the outermost one) and loses a race quietly instead of failing the transaction.
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(model.id)
    )
    return db.session.execute(statement).scalar()


def database_uri(database_url, instance_path):
    """Return the SQLAlchemy URI for DATABASE_URL, or the SQLite file under instance/ when unset."""
    if not database_url:
        return "sqlite:///" + os.path.join(instance_path, "unmentoring.sqlite3")
    # Heroku-style and plain PostgreSQL URLs name no driver; this project ships psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


# What SQLite and PostgreSQL say when another writer holds the lock for too long.
BUSY_MESSAGES = (
    "database is locked",
    "database table is locked",
    "lock timeout",
    "LockNotAvailable",
)


def engine_options(uri, busy_timeout=15.0):
    """Return engine options: SQLite waits busy_timeout seconds for a busy writer, not at once.

    Errors never quote their SQL parameters: those are names, addresses and what people wrote,
    and error text goes to the logs and to outbox_entries.last_error.
    """
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": busy_timeout}, "hide_parameters": True}
    return {"pool_pre_ping": True, "hide_parameters": True}


def is_busy(error):
    """Tell whether a database error means "another writer holds the lock": worth a retry."""
    return any(message in str(error.orig) for message in BUSY_MESSAGES)


def _database_busy(error):
    """Answer a request that waited too long for a lock: nothing was saved, try again (503)."""
    if not is_busy(error):
        raise error
    db.session.rollback()
    route = request_route()
    current_app.logger.warning("database busy: %s %s answered 503", request.method, route)
    headers = {"Retry-After": "5"}
    if request.path.startswith("/webhooks/"):
        return "", 503, headers  # Trello delivers again later
    if request.path.startswith("/api/"):
        return jsonify(error="busy, try again in a moment"), 503, headers
    return render_template("errors/busy.html"), 503, headers


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Use SQLite's write-ahead log: readers stop blocking the writer, and commits stop
    waiting on the disk twice (each webhook delivery commits; the worker commits per card)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def init_app(app):
    """Bind the database and migrations to the app; migrations live inside the package."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or database_uri(
        app.config.get("DATABASE_URL"), app.instance_path
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    busy_timeout = float(app.config.get("SQLITE_BUSY_TIMEOUT", 15))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri, busy_timeout))
    db.init_app(app)
    app.register_error_handler(OperationalError, _database_busy)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
