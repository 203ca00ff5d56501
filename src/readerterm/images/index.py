"""The image cache's index: a small SQLite file beside the pictures.

Which URL holds which picture (pictures are named by the SHA-256 of their bytes, so two
URLs of one picture keep it once), how big each picture and each of its scaled copies
is, when it was last used, and which URLs were refused (not a picture, a tracking
pixel, a 404) so they are not fetched again and again. It lives in the cache directory
with the pictures: deleting the folder empties the cache and nothing else.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from readerterm.store.db import Database
from readerterm.store.schema import Migration

__all__ = ["Blob", "ImageIndex"]

MIGRATIONS: list[Migration] = [
    """
    CREATE TABLE blobs (
        hash      TEXT PRIMARY KEY,          -- SHA-256 of the bytes: the file's name
        size      INTEGER NOT NULL,
        width     INTEGER NOT NULL,          -- as shown (EXIF orientation applied)
        height    INTEGER NOT NULL,
        format    TEXT NOT NULL,
        added     REAL NOT NULL,
        last_used REAL NOT NULL
    );
    CREATE INDEX blobs_lru ON blobs(last_used);
    CREATE TABLE urls (
        url  TEXT PRIMARY KEY,
        hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
        at   REAL NOT NULL
    );
    CREATE INDEX urls_hash ON urls(hash);
    CREATE TABLE thumbs (
        hash   TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
        width  INTEGER NOT NULL,
        height INTEGER NOT NULL,
        size   INTEGER NOT NULL,
        PRIMARY KEY (hash, width, height)
    );
    CREATE TABLE refused (
        url    TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        at     REAL NOT NULL
    )
    """,
]

_CHUNK = 500  # URLs per IN (...) query
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Blob:
    """One stored picture, with the bytes of its scaled copies."""

    hash: str
    size: int
    width: int
    height: int
    format: str
    last_used: float
    thumbs_size: int = 0


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Run an ImageIndex method holding its lock (its one connection is shared)."""

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._mutex:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return run


class ImageIndex(Database):
    """index.sqlite3 of an image cache folder (WAL, busy timeout, `BEGIN IMMEDIATE`).

    One connection shared by every thread, each call under a lock: the reader asks from
    short-lived thread workers, and a connection per thread would keep three open files
    for each of them until the cache is closed. Every call is a small query."""

    migrations = MIGRATIONS

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock  # the time of a use (tests give their own)
        self._mutex = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        super().__init__(path)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._shared is None:
            self._shared = super().conn  # opened with check_same_thread=False
        return self._shared

    def close(self) -> None:
        with self._mutex:
            super().close()
            self._shared = None

    @_locked
    def blob_for(self, url: str) -> Blob | None:
        row = self.conn.execute(
            "SELECT b.hash, b.size, b.width, b.height, b.format, b.last_used"
            " FROM urls u JOIN blobs b ON b.hash = u.hash WHERE u.url = ?", (url,)).fetchone()
        return Blob(*row) if row else None

    @_locked
    def hashes_for(self, urls: Iterable[str]) -> dict[str, str]:
        """url -> picture hash, for those of `urls` the index has a picture for."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT url, hash FROM urls WHERE url IN ({marks})", chunk).fetchall())
        return found

    @_locked
    def add(self, url: str, blob: Blob) -> None:
        now = self.clock()
        with self.write() as conn:
            conn.execute("INSERT INTO blobs (hash, size, width, height, format, added, last_used)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE"
                         " SET last_used = excluded.last_used",
                         (blob.hash, blob.size, blob.width, blob.height, blob.format, now, now))
            conn.execute("INSERT OR REPLACE INTO urls (url, hash, at) VALUES (?, ?, ?)",
                         (url, blob.hash, now))
            conn.execute("DELETE FROM refused WHERE url = ?", (url,))

    @_locked
    def touch(self, digest: str) -> None:
        """Mark a picture used now (least-recently-used eviction goes by this)."""
        with self.write() as conn:
            conn.execute("UPDATE blobs SET last_used = ? WHERE hash = ?", (self.clock(), digest))

    @_locked
    def add_thumb(self, digest: str, width: int, height: int, size: int) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO thumbs (hash, width, height, size)"
                         " SELECT hash, ?, ?, ? FROM blobs WHERE hash = ?",
                         (width, height, size, digest))

    @_locked
    def has_thumb(self, digest: str, width: int, height: int) -> bool:
        return self.conn.execute("SELECT 1 FROM thumbs WHERE hash = ? AND width = ? AND"
                                 " height = ?", (digest, width, height)).fetchone() is not None

    @_locked
    def forget(self, url: str) -> None:
        """Drop `url` (its picture's file went missing): the next ensure fetches it."""
        with self.write() as conn:
            conn.execute("DELETE FROM urls WHERE url = ?", (url,))

    @_locked
    def refuse(self, url: str, reason: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO refused (url, reason, at) VALUES (?, ?, ?)",
                         (url, reason[:300], self.clock()))

    @_locked
    def refused_since(self, url: str, since: float) -> str | None:
        row = self.conn.execute("SELECT reason FROM refused WHERE url = ? AND at >= ?",
                                (url, since)).fetchone()
        return str(row[0]) if row else None

    @_locked
    def blobs(self) -> list[Blob]:
        """Every picture with its scaled copies' bytes, least recently used first."""
        rows = self.conn.execute(
            "SELECT b.hash, b.size, b.width, b.height, b.format, b.last_used,"
            " COALESCE((SELECT SUM(t.size) FROM thumbs t WHERE t.hash = b.hash), 0)"
            " FROM blobs b ORDER BY b.last_used, b.hash").fetchall()
        return [Blob(*row) for row in rows]

    @_locked
    def thumbs_of(self, digests: Sequence[str]) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        for start in range(0, len(digests), _CHUNK):
            chunk = list(digests[start:start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            out.extend(self.conn.execute(
                f"SELECT hash, width, height FROM thumbs WHERE hash IN ({marks})", chunk))
        return out

    @_locked
    def remove(self, digests: Sequence[str]) -> None:
        """Forget pictures (their URLs and scaled copies go with them)."""
        with self.write() as conn:
            for start in range(0, len(digests), _CHUNK):
                chunk = list(digests[start:start + _CHUNK])
                marks = ", ".join("?" * len(chunk))
                conn.execute(f"DELETE FROM blobs WHERE hash IN ({marks})", chunk)
