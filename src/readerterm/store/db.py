"""The cache's SQLite file: one connection per thread, and short write transactions.

SQLite connections must not be shared across threads, so each thread opens its own (WAL,
a busy timeout, statement journals in memory), migrated on first use. Every write runs
in a `BEGIN IMMEDIATE` transaction, so a `readerterm refresh` from cron and an open
reader work side by side (SECURITY.md, "The cache under faults"). `Store` (cache.py)
puts the queries on top.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from readerterm.store.schema import Migration, migrate

__all__ = ["BUSY_TIMEOUT_MS", "Database"]

BUSY_TIMEOUT_MS = 5000


class Database:
    """One SQLite file, used from several threads and processes."""

    migrations: list[Migration] | None = None
    """The schema's steps: None is the cache's (schema.MIGRATIONS); a subclass for
    another file gives its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self.conn  # open and migrate now, so errors surface at open  # noqa: B018

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # Statement journals in memory, not in temporary files: inside a refresh's
            # batch (savepoints) every multi-row INSERT keeps one, and as files they were
            # half the bytes a first refresh wrote (185 MB of 388 MB, 90,000 writes).
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, self.migrations)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def release(self) -> None:
        """Close the calling thread's connection: for a thread about to end, whose
        connection would otherwise stay open (and hold its page cache) until `close`."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction, started IMMEDIATE so it never fails half-way on a lock.

        Inside a transaction the caller opened (a refresh groups several feeds' writes in
        one, see store.batch.BatchWriter) it is a savepoint instead: undone alone when it
        raises, committed with the rest."""
        conn = self.conn
        if conn.in_transaction:
            conn.execute("SAVEPOINT write")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # (SQLite ends the transaction on some errors)
                    conn.execute("ROLLBACK TO write")
                    conn.execute("RELEASE write")
                raise
            conn.execute("RELEASE write")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
