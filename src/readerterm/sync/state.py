"""Sync's rows in the cache: the account, the item ids, the queue of local changes.

The tables and the triggers that fill the queue are migration 5
(`store/sync_schema.py`). Everything here is one short write transaction, like every
write to the cache. Applying the server's state is done in one transaction that also
deletes the queue rows its own updates made (the triggers cannot tell a change from
the server from the user's): the queue holds only what the user did.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from readerterm.store.cache import Store
from readerterm.store.rows import EntryRow

__all__ = ["Account", "Queued", "SyncState"]


@dataclass(frozen=True)
class Account:
    server: str
    user: str
    insecure: bool
    last_sync: str | None
    newest_ot: int | None
    last_error: str | None


@dataclass(frozen=True)
class Queued:
    id: int
    kind: str
    item_id: int | None
    value: int | None
    url: str | None
    section: str | None
    title: str | None


class SyncState:
    """The sync tables of one cache."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- the account -------------------------------------------------------------------
    def account(self) -> Account | None:
        row = self.store.conn.execute(
            "SELECT server, user, insecure, last_sync, newest_ot, last_error "
            "FROM sync_account").fetchone()
        if row is None:
            return None
        return Account(row[0], row[1], bool(row[2]), row[3], row[4], row[5])

    def set_account(self, server: str, user: str, insecure: bool) -> None:
        """Set sync up (a new server or user starts again from nothing)."""
        with self.store.write() as conn:
            old = conn.execute("SELECT server, user FROM sync_account").fetchone()
            if old is not None and tuple(old) == (server, user):
                conn.execute("UPDATE sync_account SET insecure = ?", (int(insecure),))
                return
            self._clear(conn)
            conn.execute("INSERT INTO sync_account (id, server, user, insecure) "
                         "VALUES (1, ?, ?, ?)", (server, user, int(insecure)))

    def clear(self) -> None:
        """Sync off: the account, the item ids and the queue go; articles stay."""
        with self.store.write() as conn:
            self._clear(conn)

    @staticmethod
    def _clear(conn: sqlite3.Connection) -> None:
        for table in ("sync_account", "sync_items", "sync_queue"):
            conn.execute(f"DELETE FROM {table}")

    def finished(self, when: str, newest_ot: int | None, error: str | None) -> None:
        with self.store.write() as conn:
            if error is None:
                conn.execute("UPDATE sync_account SET last_sync = ?, newest_ot = ?, "
                             "last_error = NULL", (when, newest_ot))
            else:
                conn.execute("UPDATE sync_account SET last_error = ?", (error[:500],))

    # -- the queue ---------------------------------------------------------------------
    def queued(self) -> list[Queued]:
        rows = self.store.conn.execute(
            "SELECT id, kind, item_id, value, url, section, title FROM sync_queue ORDER BY id")
        return [Queued(*r) for r in rows]

    def queue_size(self) -> int:
        return int(self.store.conn.execute("SELECT COUNT(*) FROM sync_queue").fetchone()[0])

    def done(self, ids: Iterable[int]) -> None:
        """Changes the server has: out of the queue."""
        ids = list(ids)
        with self.store.write() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                conn.execute(f"DELETE FROM sync_queue WHERE id IN ({','.join('?' * len(chunk))})",
                             chunk)

    @contextmanager
    def from_server(self) -> Iterator[sqlite3.Connection]:
        """A write transaction for the server's changes: the queue rows its updates make
        are dropped before it commits."""
        with self.store.write() as conn:
            before = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM sync_queue")
                         .fetchone()[0])
            yield conn
            conn.execute("DELETE FROM sync_queue WHERE id > ?", (before,))

    # -- items -------------------------------------------------------------------------
    def item_ids(self) -> set[int]:
        """The server items the cache has."""
        return {int(r[0]) for r in self.store.conn.execute("SELECT item_id FROM sync_items")}

    def store_items(self, feed_id: int, rows: Sequence[tuple[int, int | None, EntryRow]],
                    store_feed: Callable[[Sequence[EntryRow]], Any]) -> None:
        """Store one feed's server items, (item id, when the server got it, entry):
        `store_feed` upserts the entries as a refresh does; which article is which item
        is kept in the same transaction."""
        with self.from_server() as conn:
            store_feed([entry for _, _, entry in rows])
            conn.executemany(
                "INSERT OR IGNORE INTO sync_items (item_id, article_id, crawled) "
                "SELECT ?, id, ? FROM articles WHERE feed_id = ? AND guid = ?",
                [(item_id, crawled, feed_id, entry.guid) for item_id, crawled, entry in rows])

    def feeds_all_read(self, item_ids: Iterable[int],
                       at_least: int) -> list[tuple[str, int, set[int]]]:
        """Feeds for which `item_ids` (to be sent as read) hold at least `at_least` items
        and every synced article is read here: (feed URL, the newest item's `crawled`,
        the feed's synced item ids). Such a feed is sent as one mark-all-as-read."""
        conn = self.store.conn
        counts: dict[int, int] = {}
        wanted = list(item_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for feed_id, count in conn.execute(
                    "SELECT a.feed_id, COUNT(*) FROM sync_items s JOIN articles a "
                    f"ON a.id = s.article_id WHERE s.item_id IN ({','.join('?' * len(chunk))}) "
                    "GROUP BY a.feed_id", chunk):
                counts[feed_id] = counts.get(feed_id, 0) + count
        found = []
        for feed_id, count in counts.items():
            if count < at_least:
                continue
            rows = conn.execute(
                "SELECT s.item_id, s.crawled, a.read FROM sync_items s JOIN articles a "
                "ON a.id = s.article_id WHERE a.feed_id = ?", (feed_id,)).fetchall()
            if any(not read or crawled is None for _, crawled, read in rows):
                continue
            url = conn.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()[0]
            found.append((str(url), max(int(r[1]) for r in rows), {int(r[0]) for r in rows}))
        return found

    def drop_unsynced(self, feed_ids: Sequence[int]) -> int:
        """The first sync: articles these feeds had from readerterm's own fetching go
        (the server's copies replace them), except starred ones."""
        with self.store.write() as conn:
            gone = 0
            for feed_id in feed_ids:
                ids = [r[0] for r in conn.execute(
                    "SELECT id FROM articles WHERE feed_id = ? AND starred = 0 AND id NOT IN "
                    "(SELECT article_id FROM sync_items)", (feed_id,))]
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({marks})", chunk)
                    conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)
                gone += len(ids)
            return gone

    def apply_states(self, unread: set[int], starred: set[int]) -> tuple[int, int]:
        """Make every synced article's read and starred flags the server's, except where a
        local change is still queued (it wins: it is sent next time). Returns (read flags
        changed, starred flags changed)."""
        with self.from_server() as conn:
            waiting = {(kind, item) for kind, item in conn.execute(
                "SELECT kind, item_id FROM sync_queue WHERE item_id IS NOT NULL")}
            to_read: list[tuple[int, int]] = []
            to_star: list[tuple[int, int]] = []
            for item_id, article_id, read, star in conn.execute(
                    "SELECT s.item_id, s.article_id, a.read, a.starred FROM sync_items s "
                    "JOIN articles a ON a.id = s.article_id"):
                want_read = int(item_id not in unread)
                if want_read != read and ("read", item_id) not in waiting:
                    to_read.append((want_read, article_id))
                want_star = int(item_id in starred)
                if want_star != star and ("starred", item_id) not in waiting:
                    to_star.append((want_star, article_id))
            conn.executemany("UPDATE articles SET read = ? WHERE id = ?", to_read)
            conn.executemany("UPDATE articles SET starred = ? WHERE id = ?", to_star)
        return len(to_read), len(to_star)
