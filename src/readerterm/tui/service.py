"""The reader's only way to the library: every blocking call runs on a database thread.

Widgets never call this; the App's workers do, and hand the results to widgets. Reads
run on one thread, in the order they were asked (STYLE.md habit 2). Marks (read,
starred) are writes, which wait for the cache's write lock while a refresh holds it
(a refresh writes several feeds per transaction, up to a quarter of a second): they run
in a lane of their own, so that showing an article or a list never waits behind one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from readerterm.library import Added, BadInput, Filters, Library, RefreshReport, Similar
from readerterm.models import ArticleRow, ArticleView, FeedRow

T = TypeVar("T")

SEARCH_LIMIT = 500
SCAN_CHUNK = 500
SCAN_LIMIT = 20_000


@dataclass(frozen=True)
class Selection:
    """What the sections pane has selected: all, unread, starred, a section or a feed."""

    kind: str  # "all", "unread", "starred", "section", "feed", "query" (a saved search)
    name: str = ""
    feed_id: int | None = None
    saved: Filters | None = None  # a saved search's articles

    @property
    def filters(self) -> Filters:
        if self.kind == "unread":
            return Filters(unread=True)
        if self.kind == "starred":
            return Filters(starred=True)
        if self.kind == "section":
            return Filters(section=self.name)
        if self.kind == "feed":
            return Filters(feed_id=self.feed_id)
        if self.kind == "query" and self.saved is not None:
            return self.saved
        return Filters()

    @property
    def label(self) -> str:
        return {"all": "All", "unread": "Unread", "starred": "Starred"}.get(self.kind, self.name)


ALL = Selection("all")


@dataclass(frozen=True)
class ListSource:
    """What the articles pane lists: a selection, or search results."""

    selection: Selection = ALL
    query: str | None = None

    @property
    def label(self) -> str:
        if self.query is not None:
            return f"Search: {self.query}"
        return self.selection.label


class Service:
    """Async facade over `Library` for the reader."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readerterm-db")
        # "More on this story" takes tens of milliseconds (more on a cold cache): in a
        # lane of its own, so that opening the next article never waits behind it.
        self._similar_pool = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix="readerterm-similar")
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readerterm-marks")
        self.hide_read = False
        """The list shows unread articles only (the `h` key)."""
        self.order = "newest"
        """How the list is sorted (the `S` key): a key of store.filters.ORDERS."""
        self._results: dict[str, list[ArticleRow]] = {}
        self._spans: dict[int, tuple[tuple[int, int], ...]] = {}

    async def _run(self, fn: Callable[[], T], lane: ThreadPoolExecutor | None = None) -> T:
        """`fn` on the reads' thread, or on `lane`."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(lane or self._pool, fn)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._similar_pool.shutdown(wait=False, cancel_futures=True)
        self._writes.shutdown(wait=True)  # a mark the user made is not dropped

    # -- lists -------------------------------------------------------------------------
    def filters(self, source: ListSource) -> Filters:
        """What the list of `source` covers, as the user has it shown and sorted."""
        filters = replace(source.selection.filters, order=self.order)
        return replace(filters, unread=True) if self.hide_read else filters

    async def feeds(self) -> list[FeedRow]:
        return await self._run(self.lib.feeds)

    async def saved_searches(self) -> list[tuple[Selection, int]]:
        """Each saved search ([[query]] in feeds.toml) as a selection, with its unread
        count."""
        found = await self._run(self.lib.saved_searches)
        return [(Selection("query", q.name, saved=f), unread) for q, f, unread in found]

    async def search(self, query: str) -> int:
        """Run a search (raises SearchError); its results are then paged like a list."""
        hits = await self._run(partial(self.lib.search_hits, query, Filters(), SEARCH_LIMIT))
        self._results[query] = [hit.row for hit in hits]
        self._spans.update((hit.row.id, hit.spans) for hit in hits)
        return len(hits)

    def snippet(self, row: ArticleRow) -> tuple[str, tuple[tuple[int, int], ...]]:
        """A search result's snippet and the spans of its matched words."""
        return row.snippet, self._spans.get(row.id, ())

    async def count(self, source: ListSource) -> int:
        if source.query is not None:
            if source.query not in self._results:
                return await self.search(source.query)
            return len(self._results[source.query])
        return await self._run(partial(self.lib.count, self.filters(source)))

    async def page(self, source: ListSource, offset: int, limit: int) -> list[ArticleRow]:
        if source.query is not None:
            return self._results.get(source.query, [])[offset:offset + limit]
        return await self._run(partial(self.lib.articles, self.filters(source),
                                       limit, offset))

    def _locate(self, source: ListSource, row: ArticleRow) -> int | None:
        if source.query is not None:
            for i, found in enumerate(self._results.get(source.query, [])):
                if found.id == row.id:
                    return i
            return None
        filters = self.filters(source)
        if filters.order != "newest":
            return self._scan_for(filters, row.id)
        newer = self.lib.count(replace(filters, since=row.published))
        start = max(0, newer - 200)
        for i, found in enumerate(self.lib.articles(filters, limit=newer - start + 1,
                                                    offset=start)):
            if found.id == row.id:
                return start + i
        return None

    def _scan_for(self, filters: Filters, article_id: int) -> int | None:
        """Where `article_id` is in a list in another order than newest first."""
        offset = 0
        while offset < SCAN_LIMIT:
            chunk = self.lib.articles(filters, limit=SCAN_CHUNK, offset=offset)
            for i, found in enumerate(chunk):
                if found.id == article_id:
                    return offset + i
            if len(chunk) < SCAN_CHUNK:
                return None
            offset += SCAN_CHUNK
        return None

    async def locate(self, source: ListSource, row: ArticleRow) -> int | None:
        """Where `row` now is in the list (after a refresh added articles above it)."""
        return await self._run(partial(self._locate, source, row))

    def _step_unread(self, source: ListSource, start: int, step: int) -> tuple[int, int] | None:
        if source.query is not None:
            rows = self._results.get(source.query, [])
            index = start + step
            while 0 <= index < len(rows):
                if not rows[index].read:
                    return index, rows[index].id
                index += step
            return None
        filters = self.filters(source)
        if step > 0:
            offset = start + 1
            while True:
                chunk = self.lib.articles(filters, limit=SCAN_CHUNK, offset=offset)
                for i, row in enumerate(chunk):
                    if not row.read:
                        return offset + i, row.id
                if len(chunk) < SCAN_CHUNK:
                    return None
                offset += SCAN_CHUNK
        end = start
        while end > 0:
            offset = max(0, end - SCAN_CHUNK)
            chunk = self.lib.articles(filters, limit=end - offset, offset=offset)
            for i in range(len(chunk) - 1, -1, -1):
                if not chunk[i].read:
                    return offset + i, chunk[i].id
            end = offset
        return None

    async def step_unread(self, source: ListSource, start: int,
                          step: int) -> tuple[int, int] | None:
        """(index, article id) of the next (step 1) or previous (-1) unread article."""
        return await self._run(partial(self._step_unread, source, start, step))

    # -- articles ----------------------------------------------------------------------
    async def article(self, article_id: int) -> ArticleView:
        """The article (raises BadInput if gone)."""
        return await self._run(partial(self.lib.article, article_id))

    async def similar(self, article_id: int) -> list[Similar]:
        """"More on this story" for the article (empty if it has gone)."""
        return await self._run(partial(self._similar, article_id), self._similar_pool)

    def _similar(self, article_id: int) -> list[Similar]:
        try:
            return self.lib.similar(article_id)
        except BadInput:
            return []

    async def mark(self, article_id: int, *, read: bool | None = None,
                   starred: bool | None = None) -> None:
        """Set read and/or starred, in the marks' lane."""
        await self._run(partial(self.lib.mark, article_id, read=read, starred=starred),
                        self._writes)
        for rows in self._results.values():
            for i, row in enumerate(rows):
                if row.id == article_id:
                    rows[i] = replace(row, read=row.read if read is None else read,
                                      starred=row.starred if starred is None else starred)

    async def mark_all_read(self, filters: Filters) -> list[int]:
        """Mark what `filters` cover read, in the marks' lane; the ids it marked."""
        ids = await self._run(partial(self.lib.mark_all_read, filters), self._writes)
        self._set_cached(set(ids), True)
        return ids

    async def set_read(self, ids: list[int], read: bool) -> None:
        """Set the read flag of `ids` (mark-all-read's undo), in the marks' lane."""
        await self._run(partial(self.lib.set_read, ids, read), self._writes)
        self._set_cached(set(ids), read)

    def _set_cached(self, ids: set[int], read: bool) -> None:
        for rows in self._results.values():
            for i, row in enumerate(rows):
                if row.id in ids:
                    rows[i] = replace(row, read=read)

    def results(self, query: str) -> list[ArticleRow]:
        """The rows of a search already run."""
        return list(self._results.get(query, []))

    # -- network -----------------------------------------------------------------------
    async def refresh(self, feed_ids: list[int] | None,
                      progress: Callable[[str, int, int, str], None]) -> RefreshReport:
        return await self.lib.refresh(feed_ids, progress=progress)

    async def due_feeds(self, since: datetime | None) -> tuple[list[int], float]:
        """The feeds due for a refresh and the seconds until the next (Library.due_feeds)."""
        return await self._run(partial(self.lib.due_feeds, since))

    async def add_feed(self, url: str) -> Added:
        """Subscribe to `url` (raises BadInput when it answers but is not a feed)."""
        return await self.lib.add_feed(url)

    async def import_file(self, path: str) -> int:
        """Subscribe to the feeds of an OPML or newsboat urls file; how many were added.
        Raises BadInput for a missing file or one that is neither."""

        def read() -> int:
            file = Path(path).expanduser()
            if not file.is_file():
                raise BadInput(f"no such file: {path}")
            return self.lib.import_subscriptions(file.read_bytes())[0]

        return await self._run(read)

    async def add_sample_set(self) -> int:
        return await self._run(self.lib.add_sample_set)

    async def open_url(self, url: str) -> int:
        """The cached article for `url`, fetched and extracted first if need be."""
        return await self.lib.open_url(url)
