"""tui/service.py: the reader's way to the library, on its own (no screen): what a
selection lists, pages, where a row is after new articles, the next unread article in
either direction past a scan chunk, search results and marks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from readerterm import paths
from readerterm.library import Filters, Library
from readerterm.models import ParsedEntry
from readerterm.store.rows import entry_row
from readerterm.tui.service import ALL, SCAN_CHUNK, ListSource, Selection, Service
from tui_fixtures import NOW, fill

COUNT = 1200  # more than two scan chunks


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(paths.resolve({"READERTERM_HOME": str(tmp_path / "home")}))
    fill(library, COUNT, feeds=2)
    try:
        yield library
    finally:
        library.close()


def test_selections_filter_and_label() -> None:
    assert ALL.filters == Filters() and ALL.label == "All"
    assert Selection("unread").filters == Filters(unread=True)
    assert Selection("starred").filters == Filters(starred=True)
    assert Selection("section", "World").filters == Filters(section="World")
    assert Selection("feed", "BBC", 7).filters == Filters(feed_id=7)
    assert Selection("feed", "BBC", 7).label == "BBC"
    assert ListSource(ALL, "ferry").label == "Search: ferry"
    assert ListSource(Selection("unread")).label == "Unread"


async def test_count_and_pages_follow_the_library(lib: Library) -> None:
    service = Service(lib)
    try:
        assert await service.count(ListSource()) == COUNT
        page = await service.page(ListSource(), 100, 50)
        assert [r.id for r in page] == [r.id for r in lib.articles(limit=50, offset=100)]
        feed = lib.feeds()[0]
        one_feed = ListSource(Selection("feed", feed.title, feed.id))
        assert await service.count(one_feed) == COUNT // 2
    finally:
        service.close()


async def test_a_row_is_found_again_after_newer_articles_arrive(lib: Library) -> None:
    service = Service(lib)
    try:
        row = lib.articles(limit=1, offset=700)[0]
        assert await service.locate(ListSource(), row) == 700
        feed = lib.feeds()[0]
        newer = [ParsedEntry(guid=f"new-{i}", title=f"New {i}", link=None,
                             published=NOW + timedelta(minutes=i + 1)) for i in range(3)]
        lib.store.store_feed(feed.id, [entry_row(e, e.title, True) for e in newer],
                             title="", link=None, etag=None, last_modified=None, now=NOW,
                             fulltext=False, keep_days=100000, keep_per_feed=COUNT)
        assert await service.locate(ListSource(), row) == 703
    finally:
        service.close()


async def test_the_next_unread_is_found_past_a_scan_chunk_both_ways(lib: Library) -> None:
    service = Service(lib)
    try:
        rows = lib.articles()
        for row in rows[1:SCAN_CHUNK + 200]:  # a run of read articles longer than a chunk
            lib.mark(row.id, read=True)
        target = SCAN_CHUNK + 200
        assert await service.step_unread(ListSource(), 0, 1) == (target, rows[target].id)
        assert await service.step_unread(ListSource(), target, -1) == (0, rows[0].id)
        for row in rows[target:]:
            lib.mark(row.id, read=True)
        assert await service.step_unread(ListSource(), target, 1) is None
    finally:
        service.close()


async def test_search_results_are_paged_and_follow_marks(lib: Library) -> None:
    service = Service(lib)
    source = ListSource(ALL, '"Article 7 of"')
    try:
        assert await service.count(source) == 1
        [row] = await service.page(source, 0, 10)
        assert row.title == "Article 7 of the big feed"
        snippet, spans = service.snippet(row)
        assert spans and all(0 <= a < b <= len(snippet) for a, b in spans)
        assert await service.step_unread(source, -1, 1) == (0, row.id)
        await service.mark(row.id, read=True, starred=True)
        [marked] = await service.page(source, 0, 10)
        assert marked.read and marked.starred  # the kept results show the new marks
        assert lib.article(row.id).read
        assert await service.step_unread(source, -1, 1) is None
    finally:
        service.close()


async def test_more_on_this_story_for_a_gone_article_is_empty(lib: Library) -> None:
    service = Service(lib)
    try:
        assert await service.similar(999_999) == []
    finally:
        service.close()


async def test_close_keeps_a_mark_already_asked_for(lib: Library) -> None:
    """The reader quits just after a key marked an article: the write still happens."""
    service = Service(lib)
    row = lib.articles(limit=1)[0]
    marking = asyncio.ensure_future(service.mark(row.id, starred=True))
    await asyncio.sleep(0)  # the mark is handed to its lane, not yet written
    service.close()  # waits for the marks' lane
    assert lib.article(row.id).starred
    await marking
