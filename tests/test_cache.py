"""store/cache.py and store/db.py on their own: the queries a refresh and the reader
make, straight against a Store in a temporary file (no network, no library)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readerterm.models import ParsedEntry
from readerterm.store.cache import Filters, SearchError, Store
from readerterm.store.rows import EntryRow, entry_row, iso

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "cache.sqlite3")
    s.sync_feeds([("https://a.example/rss", "A", "World", True),
                  ("https://b.example/rss", "B", "Tech", False)])
    try:
        yield s
    finally:
        s.close()


def feed_ids(store: Store) -> dict[str, int]:
    return {f.title: f.id for f in store.feeds()}


def entry(guid: str, title: str, days_ago: float = 0, body: str = "",
          full: bool = True) -> EntryRow:
    parsed = ParsedEntry(guid=guid, title=title, link=f"https://a.example/{guid}",
                         published=NOW - timedelta(days=days_ago),
                         summary_html=f"<p>{body or title}</p>")
    return entry_row(parsed, f"{title} {body}", full)


def put(store: Store, feed: str, entries: list[EntryRow], *, fulltext: bool = False,
        keep_days: int = 1000, keep_per_feed: int = 1000, now: datetime = NOW) -> list[int]:
    return store.store_feed(feed_ids(store)[feed], entries, title=feed, link=None, etag="e1",
                            last_modified=None, now=now, fulltext=fulltext,
                            keep_days=keep_days, keep_per_feed=keep_per_feed)


# -- the file and its connections --------------------------------------------------------


def test_the_file_is_wal_with_a_busy_timeout_and_foreign_keys(store: Store) -> None:
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_each_thread_has_its_own_connection_until_released(store: Store) -> None:
    seen: list[sqlite3.Connection] = []

    def work() -> None:
        seen.append(store.conn)
        assert store.conn is seen[0]  # the same one within the thread
        store.release()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen and seen[0] is not store.conn
    with pytest.raises(sqlite3.ProgrammingError):  # released: closed
        seen[0].execute("SELECT 1")


def test_a_write_that_raises_leaves_nothing_and_a_savepoint_only_its_own(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("UPDATE feeds SET title = 'changed'")
        raise RuntimeError("a failed write")
    assert {f.title for f in store.feeds()} == {"A", "B"}
    with store.write() as conn:  # an outer transaction (a refresh's batch)
        conn.execute("UPDATE feeds SET title = 'kept' WHERE title = 'A'")
        with pytest.raises(RuntimeError), store.write() as inner:
            inner.execute("UPDATE feeds SET title = 'undone' WHERE title = 'B'")
            raise RuntimeError("one feed's write fails")
    assert {f.title for f in store.feeds()} == {"kept", "B"}


def test_close_closes_every_thread_connection(store: Store) -> None:
    conn = store.conn
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")
    assert store.conn.execute("SELECT COUNT(*) FROM feeds").fetchone()[0] == 2  # reopens


# -- feeds -------------------------------------------------------------------------------


def test_sync_feeds_adds_updates_and_removes_with_articles(store: Store) -> None:
    put(store, "B", [entry("b1", "Gone with its feed")])
    store.sync_feeds([("https://a.example/rss", "", "Renamed", False),
                      ("https://c.example/rss", "C", "World", True)])
    feeds = store.feeds()
    assert [(f.url, f.title, f.section) for f in feeds] == [
        ("https://a.example/rss", "A", "Renamed"),  # an empty title keeps the known one
        ("https://c.example/rss", "C", "World")]
    assert store.count() == 0
    stored = {f.url: f for f in store.stored_feeds()}
    assert stored["https://a.example/rss"].fulltext is False


def test_a_moved_feed_keeps_its_id_unless_the_url_is_taken(store: Store) -> None:
    ids = feed_ids(store)
    assert store.set_feed_url(ids["A"], "https://a2.example/rss")
    assert store.feed_id("https://a2.example/rss") == ids["A"]
    assert not store.set_feed_url(ids["A"], "https://b.example/rss")  # B's URL


def test_errors_and_304s_are_recorded_on_the_feed(store: Store) -> None:
    ids = feed_ids(store)
    later = NOW + timedelta(hours=1)
    store.feed_error(ids["A"], "x" * 900, 503, NOW, retry_after=later)
    a = next(f for f in store.stored_feeds() if f.id == ids["A"])
    assert a.status == "error" and a.retry_after == iso(later)
    row = next(f for f in store.feeds() if f.id == ids["A"])
    assert row.error == "x" * 500 and row.last_fetched == iso(NOW)  # the message is capped
    store.feed_not_modified(ids["A"], later)
    row = next(f for f in store.feeds() if f.id == ids["A"])
    assert row.status == "ok" and row.error is None and row.last_fetched == iso(later)
    store.feed_error(ids["B"], "gone", 410, NOW, dead=True)
    assert next(f for f in store.stored_feeds() if f.id == ids["B"]).status == "dead"


# -- articles ----------------------------------------------------------------------------


def test_a_refresh_inserts_new_skips_unchanged_and_keeps_marks_on_changed(store: Store) -> None:
    first = put(store, "A", [entry("1", "One"), entry("2", "Two", 1)])
    assert len(first) == 2
    store.mark(first[0], read=True, starred=True)
    again = put(store, "A", [entry("1", "One, updated"), entry("2", "Two", 1),
                             entry("3", "Three", 2)])
    assert len(again) == 1  # only "Three" is new
    rows = {r.title: r for r in store.articles()}
    assert set(rows) == {"One, updated", "Two", "Three"}
    assert rows["One, updated"].id == first[0]
    assert rows["One, updated"].read and rows["One, updated"].starred
    assert [r.title for r in store.search("updated")] == ["One, updated"]  # re-indexed
    assert store.search("one") and not store.search("nonesuch")


def test_retention_keeps_the_newer_of_days_and_count_and_every_starred(store: Store) -> None:
    ids = put(store, "A", [entry(str(n), f"Story {n}", days_ago=n * 10) for n in range(6)])
    store.mark(ids[5], starred=True)  # the oldest, 50 days old
    put(store, "A", [], keep_days=15, keep_per_feed=3)
    assert {r.title for r in store.articles()} == {"Story 0", "Story 1", "Story 2", "Story 5"}


def test_lists_are_newest_first_and_filtered(store: Store) -> None:
    ids = feed_ids(store)
    a = put(store, "A", [entry("a1", "A new", 0), entry("a2", "A old", 3)])
    put(store, "B", [entry("b1", "B mid", 1)])
    assert [r.title for r in store.articles()] == ["A new", "B mid", "A old"]
    assert [r.title for r in store.articles(limit=1, offset=1)] == ["B mid"]
    assert [r.title for r in store.articles(Filters(section="Tech"))] == ["B mid"]
    assert [r.title for r in store.articles(Filters(feed_id=ids["A"]))] == ["A new", "A old"]
    store.mark(a[0], read=True)
    store.mark(a[1], starred=True)
    assert store.count(Filters(unread=True)) == 2
    assert [r.title for r in store.articles(Filters(starred=True))] == ["A old"]
    window = Filters(since=iso(NOW - timedelta(days=2)), until=iso(NOW))
    assert [r.title for r in store.articles(window)] == ["B mid"]  # until is exclusive
    assert store.count() == 3


def test_marks_are_logged_and_unknown_ids_refused(store: Store) -> None:
    [article_id] = put(store, "A", [entry("1", "One")])
    assert store.mark(article_id, read=True)
    assert store.mark(article_id, starred=False)
    assert not store.mark(999_999, read=True)
    log = store.conn.execute("SELECT article_id, change FROM state_log ORDER BY id").fetchall()
    assert log == [(article_id, "read"), (article_id, "unstar")]


def test_article_gives_every_field_with_its_feed(store: Store) -> None:
    [article_id] = put(store, "A", [entry("1", "One", body="Body text")])
    row = store.article(article_id)
    assert row is not None
    assert row["title"] == "One" and row["feed_title"] == "A" and row["feed_section"] == "World"
    assert row["feed_url"] == "https://a.example/rss" and "Body text" in row["summary_html"]
    assert store.article(999_999) is None
    assert store.ids_for_urls(["https://a.example/1", "https://x.example/"]) == {
        "https://a.example/1": article_id}


# -- full text ---------------------------------------------------------------------------


def test_pages_are_wanted_for_summaries_only_and_tried_a_bounded_number_of_times(
        store: Store) -> None:
    summary, whole = put(store, "A", [entry("s", "Summary", full=False),
                                      entry("w", "Whole", 1, full=True)], fulltext=True)
    put(store, "B", [entry("b", "B summary", full=False)], fulltext=True)  # B: fulltext off
    assert store.wanted_documents(max_attempts=2) == [(summary, "https://a.example/s")]
    store.set_document_error(summary, "HTTP 500")
    assert store.wanted_documents(max_attempts=2) == [(summary, "https://a.example/s")]
    store.set_document_error(summary, "HTTP 500")
    assert store.wanted_documents(max_attempts=2) == []  # tried twice: given up
    assert whole not in {i for i, _ in store.wanted_documents(max_attempts=9)}


def test_a_stored_document_becomes_the_searchable_text(store: Store) -> None:
    [article_id] = put(store, "A", [entry("1", "One", full=False)], fulltext=True)
    store.set_document(article_id, {"blocks": []}, "One", "harbour cranes and tugboats")
    row = store.article(article_id)
    assert row is not None and row["doc_status"] == "ok" and row["document"]
    assert [r.id for r in store.search("tugboats")] == [article_id]
    # a later refresh of a changed entry leaves the page's text searchable
    put(store, "A", [entry("1", "One, changed", full=False)], fulltext=True)
    assert [r.id for r in store.search("tugboats")] == [article_id]


def test_pages_opened_from_links_go_in_a_feed_of_their_own_once(store: Store) -> None:
    feed = store.ensure_feed("readerterm:opened", "Opened links", "")
    assert store.ensure_feed("readerterm:opened", "Opened links", "") == feed
    first = store.add_page_article(feed, "https://x.example/p", "Page", "Jo", "", None, NOW,
                                   {"blocks": []}, "lighthouse keepers")
    again = store.add_page_article(feed, "https://x.example/p", "Page again", "Jo", "", None,
                                   NOW, {"blocks": []}, "lighthouse keepers")
    assert first == again
    assert [r.title for r in store.search("lighthouse")] == ["Page again"]


# -- search ------------------------------------------------------------------------------


def test_search_snippets_are_marked_and_bad_queries_are_search_errors(store: Store) -> None:
    put(store, "A", [entry("1", "Ferry strike", body="the ferry strike goes on")])
    [row] = store.search("strike", marks=("<", ">"))
    assert "<strike>" in row.snippet
    with pytest.raises(SearchError, match="cannot read the search"):
        store.search('"unbalanced')
