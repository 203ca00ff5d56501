"""The server's new items, a page of its stream at a time: read, then stored.

Reading an item is a feed entry's CPU (the entry builder and the HTML digest, about a
millisecond each here): a page of 1,000 is read in the refresh's parser processes, two
halves at once, when it holds many new items, else in a thread. Each page is stored in
one transaction in a thread, while the server makes the next page. Items already in the
cache are skipped before they are read (`ot` counts whole seconds, so the newest
second's items come again on the next sync).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from concurrent.futures import BrokenExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from readerterm.html import clear_cache
from readerterm.pool import ParserPool
from readerterm.safety import clean_line, now_utc
from readerterm.store.rows import EntryRow
from readerterm.sync.client import READING_LIST, GReaderClient, Subscription, item_number
from readerterm.sync.items import item_row, item_stream, item_time, item_usec
from readerterm.sync.state import SyncState

if TYPE_CHECKING:
    from readerterm.library import Library

__all__ = ["IN_PROCESSES_FROM", "fetch_items", "read_items"]

Streams = dict[str, tuple[int, Subscription, bool]]
"""stream id -> (feed id, the subscription, fetch its article pages)"""
Row = tuple[str, int, int | None, EntryRow]
"""(stream id, item id, when the server got it in microseconds, the entry's row)"""

IN_PROCESSES_FROM = 200
"""New items in a page from which it is read in the parser processes."""


def read_items(items: list[dict[str, Any]], now: datetime, min_words: int) -> list[Row]:
    """Items as the cache stores them (runs in a parser process, or a thread)."""
    rows: list[Row] = []
    try:
        for item in items:
            row = item_row(item, now, min_words)
            stream = item_stream(item)
            if row is not None and stream is not None:
                rows.append((stream, row[0], item_usec(item), row[1]))
    finally:
        clear_cache()  # the fragments' digests, as a refresh forgets them after each body
    return rows


async def _read(pool: ParserPool, items: list[dict[str, Any]], min_words: int) -> list[Row]:
    now = now_utc()
    executor = pool._pool() if len(items) >= IN_PROCESSES_FROM else None
    if executor is not None:
        loop = asyncio.get_running_loop()
        half = len(items) // 2
        try:
            parts = await asyncio.gather(
                loop.run_in_executor(executor, read_items, items[:half], now, min_words),
                loop.run_in_executor(executor, read_items, items[half:], now, min_words))
            return parts[0] + parts[1]
        except BrokenExecutor:  # a parser process died: this page in a thread instead
            pool.shutdown()
            pool.no_processes = True
    return await asyncio.to_thread(read_items, items, now, min_words)


def _store(lib: Library, state: SyncState, streams: Streams, rows: list[Row]) -> list[int]:
    """One page's rows stored in one transaction; returns the new article ids."""
    settings = lib.settings
    now = now_utc()
    by_feed: dict[str, list[tuple[int, int | None, EntryRow]]] = defaultdict(list)
    for stream, item_id, crawled, entry in rows:
        by_feed[stream].append((item_id, crawled, entry))
    new_ids: list[int] = []
    with state.from_server():
        for stream, feed_rows in by_feed.items():
            feed_id, sub, fetch_pages = streams[stream]

            def store(entries: Any, feed_id: int = feed_id, sub: Subscription = sub,
                      fetch_pages: bool = fetch_pages) -> None:
                new_ids.extend(lib.store.store_feed(
                    feed_id, entries, title=clean_line(sub.title), link=None, etag=None,
                    last_modified=None, now=now,
                    fulltext=fetch_pages and settings.fulltext.enabled,
                    keep_days=settings.retention.days,
                    keep_per_feed=settings.retention.per_feed))

            state.store_items(feed_id, feed_rows, store)
    return new_ids


async def fetch_items(lib: Library, client: GReaderClient, state: SyncState, streams: Streams,
                      since: int | None) -> tuple[int | None, list[int]]:
    """The items the server got since `since` (seconds), stored; returns the next
    `since` and the new article ids."""
    known = await asyncio.to_thread(state.item_ids)
    min_words = lib.settings.fulltext.min_words
    pool = ParserPool()
    newest = since
    new_ids: list[int] = []

    async def one(items: list[dict[str, Any]]) -> list[int]:
        rows = await _read(pool, items, min_words)
        return await asyncio.to_thread(_store, lib, state, streams, rows)

    working: asyncio.Future[list[int]] | None = None  # the page before
    try:
        async for page in client.stream_items(READING_LIST, since=since):
            fresh = []
            for item in page:
                when = item_time(item)
                if when is not None and (newest is None or when > newest):
                    newest = when
                number = item_number(item.get("id"))
                if item_stream(item) in streams and number is not None and number not in known:
                    known.add(number)
                    fresh.append(item)
            if working is not None:
                new_ids.extend(await working)
            working = asyncio.ensure_future(one(fresh))
        if working is not None:
            new_ids.extend(await working)
            working = None
    finally:
        if working is not None:  # the next page failed: this one is still stored
            with contextlib.suppress(Exception):
                await working
        pool.shutdown()
    return newest, new_ids
