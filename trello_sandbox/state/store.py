"""The sandbox's state: JSON documents in one SQLite table, behind one lock."""

import json
import os
import sqlite3
import threading
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    board TEXT,
    parent TEXT,
    doc TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_kind_board ON docs (kind, board);
CREATE INDEX IF NOT EXISTS docs_kind_parent ON docs (kind, parent);
"""
# Kinds that survive a reset: the JWT signing key, so verifiers may cache it.
KEPT_KINDS = ("key",)
LOG_CAP = 10000


class Store:
    """Documents by (kind, id) with a board and a parent for lookups; thread-safe."""

    def __init__(self, path=None):
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # One connection shared by the server's threads; the lock serialises every use.
        self.db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self.lock = threading.RLock()
        self._depth = 0
        self._after_commit = []
        if path:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    @contextmanager
    def transaction(self):
        """Hold the lock and commit everything done inside the block at once (nests)."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.db.execute("BEGIN")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self.db.execute("ROLLBACK")
                    self._after_commit.clear()
                raise
            self._depth -= 1
            if outer:
                self.db.execute("COMMIT")
                callbacks, self._after_commit = self._after_commit, []
                for callback in callbacks:
                    callback()

    def after_commit(self, callback):
        """Run callback once the current transaction commits (dropped if it rolls back)."""
        with self.lock:
            if self._depth:
                self._after_commit.append(callback)
            else:
                callback()

    def put(self, kind, doc, board=None, parent=None):
        """Insert or replace a document, keeping its original order; return it."""
        with self.lock:
            self.db.execute(
                "INSERT INTO docs (kind, id, board, parent, doc) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (kind, id) DO UPDATE SET"
                " board = excluded.board, parent = excluded.parent, doc = excluded.doc",
                (kind, doc["id"], board, parent, json.dumps(doc)),
            )
        return doc

    def get(self, kind, doc_id):
        """Return one document or None."""
        with self.lock:
            row = self.db.execute(
                "SELECT doc FROM docs WHERE kind = ? AND id = ?", (kind, doc_id)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def find(self, kind, board=None, parent=None, newest_first=False):
        """Return the documents of a kind, optionally under a board or parent, in order."""
        sql, args = "SELECT doc FROM docs WHERE kind = ?", [kind]
        if board is not None:
            sql, args = sql + " AND board = ?", args + [board]
        if parent is not None:
            sql, args = sql + " AND parent = ?", args + [parent]
        sql += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        with self.lock:
            rows = self.db.execute(sql, args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def delete(self, kind, doc_id):
        """Remove one document; return whether it existed."""
        with self.lock:
            cursor = self.db.execute("DELETE FROM docs WHERE kind = ? AND id = ?", (kind, doc_id))
        return cursor.rowcount > 0

    def append_log(self, kind, entry):
        """Add an entry to a capped log (requests, deliveries); return its number."""
        with self.lock:
            cursor = self.db.execute(
                "INSERT INTO docs (kind, id, doc) VALUES (?, hex(randomblob(12)), ?)",
                (kind, json.dumps(entry, ensure_ascii=False)),
            )
            seq = cursor.lastrowid
            if seq % 100 == 0:
                # seq numbers every document, not just this log's: trim by this log's own count.
                self.db.execute(
                    "DELETE FROM docs WHERE kind = ? AND seq <= (SELECT seq FROM docs"
                    " WHERE kind = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                    (kind, kind, LOG_CAP),
                )
        return seq

    def counter(self, name):
        """Return the next value of a named counter, starting at 1."""
        with self.transaction():
            current = self.get("meta", name) or {"id": name, "value": 0}
            current["value"] += 1
            self.put("meta", current)
        return current["value"]

    def wipe(self):
        """Delete everything but the kept kinds."""
        marks = ",".join("?" for _ in KEPT_KINDS)
        with self.transaction():
            self.db.execute(f"DELETE FROM docs WHERE kind NOT IN ({marks})", KEPT_KINDS)
