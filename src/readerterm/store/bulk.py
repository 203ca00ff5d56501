"""Marks on many articles at once: a feed, a section or everything read, and the undo.

Each change is one short write transaction, logged in `state_log` like a single mark
(a future sync sends them the same way).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from readerterm.store.db import Database
from readerterm.store.filters import Filters
from readerterm.store.rows import iso

__all__ = ["mark_read_where", "set_read"]

_CHUNK = 500


def mark_read_where(db: Database, filters: Filters) -> list[int]:
    """Mark every unread article that `filters` cover read; returns their ids (what an
    undo gives back to `set_read`)."""
    where, args = filters.where()
    now = iso(datetime.now(UTC))
    with db.write() as conn:
        ids = [int(r[0]) for r in conn.execute(
            f"SELECT a.id FROM articles a WHERE a.read = 0 AND {where}", args)]
        _update(conn, ids, True, now)
    return ids


def set_read(db: Database, ids: Sequence[int], read: bool) -> int:
    """Set the read flag of `ids`; returns how many of them still exist."""
    now = iso(datetime.now(UTC))
    with db.write() as conn:
        found = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start:start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            found += [int(r[0]) for r in conn.execute(
                f"SELECT id FROM articles WHERE id IN ({marks})", chunk)]
        _update(conn, found, read, now)
    return len(found)


def _update(conn: sqlite3.Connection, ids: list[int], read: bool, now: str) -> None:
    change = "read" if read else "unread"
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"UPDATE articles SET read = ? WHERE id IN ({marks})", (int(read), *chunk))
        conn.executemany("INSERT INTO state_log (article_id, change, at) VALUES (?, ?, ?)",
                         [(i, change, now) for i in chunk])
