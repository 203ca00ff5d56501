"""Queries over the SQLite cache: feeds, articles, full text and search.

`Store` is a `db.Database` (one connection per thread, short `BEGIN IMMEDIATE` write
transactions) with the queries the library needs; `Filters` (filters.py) says which
articles a list or a search covers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from readerterm.models import ArticleRow, FeedRow
from readerterm.store.db import Database
from readerterm.store.filters import Filters
from readerterm.store.rows import ENTRY_COLUMNS, EntryRow, iso

__all__ = ["Filters", "SearchError", "Store", "StoredFeed"]


class SearchError(ValueError):
    """A search query that FTS5 cannot read."""


@dataclass(frozen=True)
class StoredFeed:
    """What the refresh needs to know about a feed."""

    id: int
    url: str
    title: str
    section: str
    etag: str | None
    last_modified: str | None
    status: str
    retry_after: str | None
    fulltext: bool


# The last column says whether the date is the feed's: a dateless entry is stored with
# the time it was first seen (so it sorts by arrival), and that is no date to show.
_ARTICLE_COLUMNS = """a.id, a.feed_id, a.title, COALESCE(NULLIF(f.title, ''), f.url), f.section,
    a.published, a.url, a.read, a.starred, a.published <> a.first_seen"""


_ROWS_PER_INSERT = 60  # 60 rows x 16 columns stays under SQLite's oldest limit of 999 values


def _insert_many(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                 rows: Sequence[Sequence[Any]]) -> None:
    """INSERT rows with one statement per _ROWS_PER_INSERT rows (one step, one GIL release)."""
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    one = "(" + ", ".join("?" * len(columns)) + ")"
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start:start + _ROWS_PER_INSERT]
        conn.execute(head + ", ".join([one] * len(chunk)),
                     [value for row in chunk for value in row])


def _article_row(row: Sequence[Any], snippet: str = "") -> ArticleRow:
    return ArticleRow(id=row[0], feed_id=row[1], title=row[2], feed=row[3], section=row[4],
                      published=row[5], url=row[6], read=bool(row[7]), starred=bool(row[8]),
                      snippet=snippet, date_known=bool(row[9]))


class Store(Database):
    """The cache in one SQLite file. Safe to use from several threads and processes."""

    # -- feeds -------------------------------------------------------------------------
    def sync_feeds(self, feeds: Sequence[tuple[str, str, str, bool]]) -> None:
        """Make the feeds table match the subscriptions: (url, title, section, fulltext).

        Feeds no longer subscribed are removed with their articles.
        """
        with self.write() as conn:
            existing = {row[0]: row[1] for row in conn.execute("SELECT url, id FROM feeds")}
            wanted = set()
            for position, (url, title, section, fulltext) in enumerate(feeds):
                wanted.add(url)
                if url in existing:
                    conn.execute(
                        "UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END, "
                        "section = ?, position = ?, fulltext = ? WHERE id = ?",
                        (title, title, section, position, int(fulltext), existing[url]),
                    )
                else:
                    conn.execute(
                        "INSERT INTO feeds (url, title, section, position, fulltext) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (url, title, section, position, int(fulltext)),
                    )
            for url, feed_id in existing.items():
                if url not in wanted:
                    self._delete_articles(conn, "feed_id = ?", (feed_id,))
                    conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feeds(self) -> list[FeedRow]:
        """Every feed in subscription order, with unread and total counts."""
        rows = self.conn.execute(
            """SELECT f.id, f.url, f.title, f.section, f.status, f.error, f.last_fetched,
                      COALESCE(c.total, 0), COALESCE(c.unread, 0), COALESCE(c.hidden, 0)
               FROM feeds f LEFT JOIN (
                   SELECT feed_id, SUM(hidden = 0) AS total,
                          SUM(read = 0 AND hidden = 0) AS unread, SUM(hidden) AS hidden
                   FROM articles GROUP BY feed_id) c ON c.feed_id = f.id
               ORDER BY f.position, f.id"""
        ).fetchall()
        return [FeedRow(id=r[0], url=r[1], title=r[2], section=r[3], status=r[4], error=r[5],
                        last_fetched=r[6], total=r[7], unread=r[8], hidden=r[9]) for r in rows]

    def stored_feeds(self, ids: Iterable[int] | None = None) -> list[StoredFeed]:
        sql = ("SELECT id, url, title, section, etag, last_modified, status, retry_after, "
               "fulltext FROM feeds")
        rows = self.conn.execute(sql + " ORDER BY position, id").fetchall()
        wanted = set(ids) if ids is not None else None
        return [StoredFeed(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]))
                for r in rows if wanted is None or r[0] in wanted]

    def feed_id(self, url: str) -> int | None:
        row = self.conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else None

    def set_feed_url(self, feed_id: int, url: str) -> bool:
        """Move a feed to a new URL (a permanent redirect). False if that URL is taken."""
        try:
            with self.write() as conn:
                conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id))
        except sqlite3.IntegrityError:
            return False
        return True

    def feed_error(self, feed_id: int, message: str, status: int | None, now: datetime,
                   *, dead: bool = False, retry_after: datetime | None = None,
                   validators: tuple[str | None, str | None] | None = None) -> None:
        """Record a failed fetch. `validators` (ETag, Last-Modified) are those of a body
        that came but was not a feed: kept, so the next refresh asks for it only if it
        changed (a 304 then keeps this error, see `feed_not_modified`)."""
        with self.write() as conn:
            conn.execute(
                "UPDATE feeds SET status = ?, error = ?, error_status = ?, error_at = ?, "
                "last_fetched = ?, retry_after = ? WHERE id = ?",
                ("dead" if dead else "error", message[:500], status, iso(now), iso(now),
                 iso(retry_after) if retry_after else None, feed_id),
            )
            if validators is not None:
                conn.execute("UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
                             (*validators, feed_id))

    def feed_not_modified(self, feed_id: int, now: datetime) -> str | None:
        """A 304: the body is the one last seen. When that body was not a feed (an error
        with a 2xx status) the error stays and is returned; otherwise any error (offline,
        HTTP 500) is gone."""
        with self.write() as conn:
            conn.execute(
                "UPDATE feeds SET status = 'ok', error = NULL, error_status = NULL, "
                "retry_after = NULL WHERE id = ? "
                "AND NOT (status = 'error' AND error_status BETWEEN 200 AND 299)", (feed_id,))
            conn.execute("UPDATE feeds SET last_fetched = ? WHERE id = ?", (iso(now), feed_id))
            row = conn.execute("SELECT error FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return str(row[0]) if row and row[0] is not None else None

    # -- articles ----------------------------------------------------------------------
    def store_feed(self, feed_id: int, entries: Sequence[EntryRow], *, title: str,
                   link: str | None, etag: str | None, last_modified: str | None,
                   now: datetime, fulltext: bool, keep_days: int,
                   keep_per_feed: int) -> list[int]:
        """Upsert a parsed feed's entries (rows.entry_row) in one transaction; returns the
        new article ids. With `fulltext`, the page of a new entry that is not the whole
        story is marked to be fetched. Read and starred flags and an extracted document
        are never touched by a refresh.

        New articles go in with one multi-row INSERT per table, not one statement per
        row: every statement releases and retakes the GIL, and a refresh's writer thread
        shares it with the event loop, so each row cost a wait of up to the switch
        interval (a 200-feed first refresh spent most of its time there).
        """
        stamp = iso(now)
        new_ids: list[int] = []
        rows: list[tuple[Any, ...]] = []
        indexed: list[tuple[int, str, str]] = []  # (id, title, searchable text)
        with self.write() as conn:
            known = {g: (i, d) for g, i, d in conn.execute(
                "SELECT guid, id, digest FROM articles WHERE feed_id = ?", (feed_id,))}
            next_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles")
                          .fetchone()[0]) + 1
            for entry in entries:
                digest = entry.digest
                old = known.get(entry.guid)
                if old is not None and old[1] == digest:
                    continue
                if old is None:
                    # INTEGER PRIMARY KEY picks MAX(id) + 1 itself; naming it inside this
                    # IMMEDIATE transaction gives the same ids without a statement per row.
                    article_id = next_id
                    next_id += 1
                    wanted = fulltext and entry.link is not None and not entry.full_story
                    rows.append((article_id, feed_id, entry.guid, entry.published or stamp,
                                 stamp, "wanted" if wanted else "none", *entry.values))
                    new_ids.append(article_id)
                    known[entry.guid] = (article_id, digest)
                else:
                    article_id = old[0]
                    sets = ", ".join(f"{k} = ?" for k in ENTRY_COLUMNS)
                    args = list(entry.values)
                    if entry.published:
                        sets += ", published = ?"
                        args.append(entry.published)
                    conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*args, article_id))
                    has_doc = conn.execute("SELECT document IS NOT NULL FROM articles "
                                           "WHERE id = ?", (article_id,)).fetchone()[0]
                    if has_doc:
                        continue  # the extracted page stays the searchable text
                    conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
                indexed.append((article_id, entry.title, entry.text))
            _insert_many(conn, "articles", ("id", "feed_id", "guid", "published", "first_seen",
                                            "doc_status", *ENTRY_COLUMNS), rows)
            _insert_many(conn, "articles_fts", ("rowid", "title", "body"), indexed)
            conn.execute(
                "UPDATE feeds SET status = 'ok', error = NULL, error_status = NULL, "
                "error_at = NULL, last_fetched = ?, retry_after = NULL, etag = ?, "
                "last_modified = ?, title = CASE WHEN title = '' THEN ? ELSE title END, "
                "site_url = ? WHERE id = ?",
                (stamp, etag, last_modified, title, link, feed_id),
            )
            self._retain(conn, feed_id, now, keep_days, keep_per_feed)
        return new_ids

    def _retain(self, conn: sqlite3.Connection, feed_id: int, now: datetime, days: int,
                per_feed: int) -> None:
        """Drop articles both older than `days` and outside the newest `per_feed`; never
        starred ones."""
        cutoff = iso(now - timedelta(days=days))
        self._delete_articles(
            conn,
            "feed_id = ? AND starred = 0 AND published < ? AND id NOT IN "
            "(SELECT id FROM articles WHERE feed_id = ? ORDER BY published DESC, id DESC "
            "LIMIT ?)",
            (feed_id, cutoff, feed_id, per_feed),
        )

    @staticmethod
    def _delete_articles(conn: sqlite3.Connection, where: str, args: Sequence[Any]) -> None:
        ids = [r[0] for r in conn.execute(f"SELECT id FROM articles WHERE {where}", args)]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({marks})", chunk)
            conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)

    def articles(self, filters: Filters = Filters(), limit: int | None = None,
                 offset: int = 0) -> list[ArticleRow]:
        """Articles newest first (or in `filters.order`)."""
        where, args = filters.where()
        sql = (f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
               f"WHERE {where} ORDER BY {filters.order_by()} LIMIT ? OFFSET ?")
        rows = self.conn.execute(sql, (*args, -1 if limit is None else limit, offset))
        return [_article_row(r) for r in rows]

    def count(self, filters: Filters = Filters()) -> int:
        where, args = filters.where()
        return int(self.conn.execute(f"SELECT COUNT(*) FROM articles a WHERE {where}",
                                     args).fetchone()[0])

    def article(self, article_id: int) -> dict[str, Any] | None:
        """Every stored field of one article, with its feed's title and section."""
        cur = self.conn.execute(
            "SELECT a.*, COALESCE(NULLIF(f.title, ''), f.url) AS feed_title, "
            "f.section AS feed_section, f.url AS feed_url "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?", (article_id,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def ids_for_urls(self, urls: Iterable[str]) -> dict[str, int]:
        """The cached article for each URL that has one (the newest when several)."""
        out: dict[str, int] = {}
        for url in urls:
            row = self.conn.execute(
                "SELECT id FROM articles WHERE url = ? ORDER BY published DESC LIMIT 1",
                (url,)).fetchone()
            if row:
                out[url] = int(row[0])
        return out

    def feeds_for_urls(self, urls: Iterable[str]) -> dict[str, tuple[int, str, str]]:
        """For each URL with a cached article (the newest when several): its id, its
        feed's title and its feed's URL."""
        out: dict[str, tuple[int, str, str]] = {}
        for url in urls:
            row = self.conn.execute(
                "SELECT a.id, COALESCE(NULLIF(f.title, ''), f.url), f.url FROM articles a "
                "JOIN feeds f ON f.id = a.feed_id WHERE a.url = ? "
                "ORDER BY a.published DESC LIMIT 1", (url,)).fetchone()
            if row:
                out[url] = (int(row[0]), str(row[1]), str(row[2]))
        return out

    def mark(self, article_id: int, *, read: bool | None = None,
             starred: bool | None = None) -> bool:
        """Set read and/or starred; logs the change. False if there is no such article."""
        now = iso(datetime.now(UTC))
        with self.write() as conn:
            exists = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            if exists is None:
                return False
            if read is not None:
                conn.execute("UPDATE articles SET read = ? WHERE id = ?", (int(read), article_id))
                conn.execute("INSERT INTO state_log (article_id, change, at) VALUES (?, ?, ?)",
                             (article_id, "read" if read else "unread", now))
            if starred is not None:
                conn.execute("UPDATE articles SET starred = ? WHERE id = ?",
                             (int(starred), article_id))
                conn.execute("INSERT INTO state_log (article_id, change, at) VALUES (?, ?, ?)",
                             (article_id, "star" if starred else "unstar", now))
        return True

    # -- full text ---------------------------------------------------------------------
    def wanted_documents(self, max_attempts: int, limit: int = 200,
                         feed_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
        """Articles whose page should be fetched (of `feed_ids` only, when given):
        (id, url), newest first."""
        only = "" if feed_ids is None else (
            f"AND a.feed_id IN ({','.join(str(int(i)) for i in feed_ids) or 'NULL'}) ")
        rows = self.conn.execute(
            "SELECT a.id, a.url FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "WHERE a.doc_status IN ('wanted', 'error') AND a.doc_attempts < ? "
            f"AND a.url IS NOT NULL AND f.fulltext = 1 {only}"
            "ORDER BY a.published DESC LIMIT ?", (max_attempts, limit)).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def set_document(self, article_id: int, document: dict[str, Any], title: str,
                     body: str) -> None:
        with self.write() as conn:
            conn.execute("UPDATE articles SET document = ?, doc_status = 'ok', doc_error = NULL, "
                         "doc_attempts = doc_attempts + 1 WHERE id = ?",
                         (json.dumps(document), article_id))
            conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
            conn.execute("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                         (article_id, title, body))

    def set_document_error(self, article_id: int, message: str) -> None:
        with self.write() as conn:
            conn.execute("UPDATE articles SET doc_status = 'error', doc_error = ?, "
                         "doc_attempts = doc_attempts + 1 WHERE id = ?",
                         (message[:500], article_id))

    def add_page_article(self, feed_id: int, url: str, title: str, author: str, section: str,
                         published: datetime | None, now: datetime, document: dict[str, Any],
                         body: str) -> int:
        """Store an article fetched on demand (a related link not in any feed)."""
        with self.write() as conn:
            row = conn.execute("SELECT id FROM articles WHERE feed_id = ? AND guid = ?",
                               (feed_id, url)).fetchone()
            if row:
                article_id = int(row[0])
                conn.execute("UPDATE articles SET document = ?, doc_status = 'ok', title = ? "
                             "WHERE id = ?", (json.dumps(document), title, article_id))
                conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
            else:
                cur = conn.execute(
                    "INSERT INTO articles (feed_id, guid, url, title, author, section, published,"
                    " first_seen, document, doc_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok')",
                    (feed_id, url, url, title, author, section,
                     iso(published or now), iso(now), json.dumps(document)))
                article_id = int(cur.lastrowid or 0)
            conn.execute("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                         (article_id, title, body))
        return article_id

    def ensure_feed(self, url: str, title: str, section: str) -> int:
        """A feed row that is not a subscription (holds articles opened from links)."""
        with self.write() as conn:
            row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if row:
                return int(row[0])
            cur = conn.execute(
                "INSERT INTO feeds (url, title, section, position, fulltext, status) "
                "VALUES (?, ?, ?, 1000000, 0, 'ok')", (url, title, section))
            return int(cur.lastrowid or 0)

    # -- search ------------------------------------------------------------------------
    def search(self, query: str, filters: Filters = Filters(), limit: int = 100,
               marks: tuple[str, str] = ("\x02", "\x03")) -> list[ArticleRow]:
        """FTS5 search in bm25 order (title weighted over body), with a snippet whose
        matches are wrapped in `marks`."""
        where, args = filters.where()
        sql = (
            f"SELECT {_ARTICLE_COLUMNS}, snippet(articles_fts, -1, ?, ?, '…', 16) "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "JOIN feeds f ON f.id = a.feed_id "
            f"WHERE articles_fts MATCH ? AND rank MATCH 'bm25(5.0, 1.0)' AND {where} "
            "ORDER BY rank LIMIT ?"  # FTS5 sorts: snippets are made for the LIMIT rows only
        )
        try:
            rows = self.conn.execute(sql, (*marks, query, *args, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if "locked" in message or "busy" in message:
                raise
            raise SearchError(
                f"cannot read the search {query!r}: {message.removeprefix('fts5: ')} "
                '(use words, "a phrase", prefix*, AND, OR, NOT)') from exc
        return [_article_row(r, snippet=r[10] or "") for r in rows]
