"""Insert a row once, atomically, on SQLite and PostgreSQL alike."""

from sqlalchemy.dialects import postgresql, sqlite

from app.db import db


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
