"""The cache's schema, versioned with PRAGMA user_version.

Each entry of MIGRATIONS takes the database one version up; they run in order inside
one transaction at open. Never edit a released migration: add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from readerterm.store.sync_schema import create_sync_tables

Migration = str | Callable[[sqlite3.Connection], None]
"""SQL statements separated by ";\n", or a function run inside the migration transaction."""


def _similar_index(conn: sqlite3.Connection) -> None:
    """2: the similar-articles index (each article's top terms) and the FTS5 vocabulary
    as a table (document frequencies). Migration 4 drops the index again, so it is no
    longer backfilled here: every database migrated by this code goes on to 4."""
    conn.execute(
        "CREATE TABLE article_sig ("
        " article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
        " terms TEXT NOT NULL)")
    conn.execute("CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row')")


MIGRATIONS: list[Migration] = [
    # 1: feeds, articles, full-text search, and a log of read/star changes for a future sync.
    """
    CREATE TABLE feeds (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL DEFAULT '',
        section       TEXT NOT NULL DEFAULT '',
        position      INTEGER NOT NULL DEFAULT 0,
        site_url      TEXT,
        fulltext      INTEGER NOT NULL DEFAULT 1,
        etag          TEXT,
        last_modified TEXT,
        status        TEXT NOT NULL DEFAULT 'new',   -- new | ok | error | dead
        error         TEXT,
        error_status  INTEGER,
        error_at      TEXT,
        last_fetched  TEXT,
        retry_after   TEXT
    );
    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        feed_id       INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid          TEXT NOT NULL,
        url           TEXT,
        title         TEXT NOT NULL DEFAULT '',
        author        TEXT NOT NULL DEFAULT '',
        section       TEXT NOT NULL DEFAULT '',
        published     TEXT NOT NULL,               -- ISO 8601 UTC; first seen if unknown
        first_seen    TEXT NOT NULL,
        summary_html  TEXT NOT NULL DEFAULT '',
        content_html  TEXT NOT NULL DEFAULT '',
        lead_image    TEXT,                        -- JSON Image
        enclosures    TEXT,                        -- JSON list
        feed_related  TEXT,                        -- JSON list of RelatedLink
        document      TEXT,                        -- JSON Document (extracted page)
        doc_status    TEXT NOT NULL DEFAULT 'none',-- none | wanted | ok | error | skip
        doc_error     TEXT,
        doc_attempts  INTEGER NOT NULL DEFAULT 0,
        digest        TEXT NOT NULL DEFAULT '',    -- of the feed's fields: skip unchanged
        read          INTEGER NOT NULL DEFAULT 0,
        starred       INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, guid)
    );
    CREATE INDEX articles_published ON articles(published DESC, id DESC);
    CREATE INDEX articles_feed ON articles(feed_id, published DESC);
    CREATE INDEX articles_url ON articles(url);
    CREATE INDEX articles_unread ON articles(read, published DESC) WHERE read = 0;
    CREATE INDEX articles_starred ON articles(starred) WHERE starred = 1;
    CREATE INDEX articles_doc ON articles(doc_status) WHERE doc_status = 'wanted';
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE state_log (
        id         INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL,
        change     TEXT NOT NULL,                  -- read | unread | star | unstar
        at         TEXT NOT NULL
    );
    """,
    _similar_index,
    # 3: the sections pane's per-feed counts (total, unread) from an index alone: without
    # it they read every article row (0.2 s for 100,000 articles, before the first screen).
    "CREATE INDEX articles_feed_read ON articles(feed_id, read)",
    # 4: similar articles compute their terms from articles_fts when asked (related.py):
    # keeping them for every article cost a first refresh a tenth of its CPU, for terms
    # that a query reads for some forty articles.
    "DROP TABLE article_sig",
    # 5: sync with a Google Reader API server: account, item ids, the change queue.
    create_sync_tables,
    # 6: how often each feed asks to be fetched (<ttl>, sy:updatePeriod), in seconds,
    # for the reader's own refreshes (schedule.py).
    "ALTER TABLE feeds ADD COLUMN ttl INTEGER",
    # 7: articles a [[filter]] hides (userrules.py): not listed, not counted as unread.
    # The sections pane's counts read the index alone, so it holds the flag too.
    """
    ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    DROP INDEX articles_feed_read;
    CREATE INDEX articles_feed_read ON articles(feed_id, read, hidden)
    """,
]

VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> None:
    """Bring the database to the last of `migrations` (the cache's MIGRATIONS by
    default; the image cache's index has its own); refuses a database from a newer
    readerterm."""
    steps = MIGRATIONS if migrations is None else migrations
    last = len(steps)
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > last:
        raise sqlite3.DatabaseError(
            f"the cache is schema version {current}; this readerterm knows up to {last}"
        )
    if current == last:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version in range(current, last):
            step = steps[version]
            if callable(step):
                step(conn)
            else:
                for statement in step.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
