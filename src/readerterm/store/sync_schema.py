"""Migration 5: what sync with a Google Reader API server keeps in the cache.

- `sync_account`: at most one row, the server and user (never the password) and the
  sync's progress (last sync, the `ot` of the next item fetch, the last error).
- `sync_items`: which article is which server item (its id as a 64-bit integer), and
  when the server got it (what mark-all-as-read's `ts` compares).
- `sync_queue`: local changes not yet sent, in order. Triggers write it in the same
  transaction as the change itself, so a change survives being offline, a crash or
  kill -9, whoever made it (a mark, mark-all-read, add, remove, import, a hand edit of
  feeds.toml): read and starred of a synced article, and, while an account is set up,
  feeds subscribed, unsubscribed or moved to another section.
"""

from __future__ import annotations

import sqlite3

__all__ = ["create_sync_tables"]

_SYNCING = "EXISTS (SELECT 1 FROM sync_account)"
_SUBSCRIPTION = "{row}.position < 1000000"  # not the feed that holds opened links

_STATEMENTS = [
    """CREATE TABLE sync_account (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        server     TEXT NOT NULL,
        user       TEXT NOT NULL,
        insecure   INTEGER NOT NULL DEFAULT 0,
        last_sync  TEXT,
        newest_ot  INTEGER,                -- seconds: items fetched since this next time
        last_error TEXT
    )""",
    """CREATE TABLE sync_items (
        item_id    INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
        crawled    INTEGER                 -- microseconds: when the server got it
    )""",
    """CREATE TABLE sync_queue (
        id      INTEGER PRIMARY KEY,
        kind    TEXT NOT NULL,             -- read | starred | subscribe | unsubscribe | move
        item_id INTEGER,                   -- read, starred
        value   INTEGER,                   -- read, starred: 1 or 0
        url     TEXT,                      -- subscribe, unsubscribe, move
        section TEXT,                      -- subscribe, move: the new section
        title   TEXT                       -- subscribe
    )""",
    """CREATE TRIGGER sync_queue_read AFTER UPDATE OF read ON articles
        WHEN OLD.read IS NOT NEW.read BEGIN
        INSERT INTO sync_queue (kind, item_id, value)
            SELECT 'read', item_id, NEW.read FROM sync_items WHERE article_id = NEW.id;
    END""",
    """CREATE TRIGGER sync_queue_starred AFTER UPDATE OF starred ON articles
        WHEN OLD.starred IS NOT NEW.starred BEGIN
        INSERT INTO sync_queue (kind, item_id, value)
            SELECT 'starred', item_id, NEW.starred FROM sync_items WHERE article_id = NEW.id;
    END""",
    f"""CREATE TRIGGER sync_queue_subscribe AFTER INSERT ON feeds
        WHEN {_SUBSCRIPTION.format(row="NEW")} AND {_SYNCING} BEGIN
        INSERT INTO sync_queue (kind, url, section, title)
            VALUES ('subscribe', NEW.url, NEW.section, NEW.title);
    END""",
    f"""CREATE TRIGGER sync_queue_unsubscribe AFTER DELETE ON feeds
        WHEN {_SUBSCRIPTION.format(row="OLD")} AND {_SYNCING} BEGIN
        INSERT INTO sync_queue (kind, url) VALUES ('unsubscribe', OLD.url);
    END""",
    f"""CREATE TRIGGER sync_queue_move AFTER UPDATE OF section ON feeds
        WHEN OLD.section IS NOT NEW.section AND {_SUBSCRIPTION.format(row="NEW")}
        AND {_SYNCING} BEGIN
        INSERT INTO sync_queue (kind, url, section) VALUES ('move', NEW.url, NEW.section);
    END""",
]


def create_sync_tables(conn: sqlite3.Connection) -> None:
    """5: the sync tables and the triggers that fill the queue."""
    for statement in _STATEMENTS:
        conn.execute(statement)
