"""The SQLAlchemy handle, migrations and database URL rules shared by the app and its CLI."""

import os

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

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


def database_uri(database_url, instance_path):
    """Return the SQLAlchemy URI for DATABASE_URL, or the SQLite file under instance/ when unset."""
    if not database_url:
        return "sqlite:///" + os.path.join(instance_path, "unmentoring.sqlite3")
    # Heroku-style and plain PostgreSQL URLs name no driver; this project ships psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def engine_options(uri):
    """Return engine options: SQLite waits for a busy writer instead of failing at once."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


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
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri))
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
