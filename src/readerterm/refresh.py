"""Refresh: fetch the feeds, parse and store what changed, then fetch article pages.

Three kinds of work overlap: requests on the event loop; parsing (CPU) in a
`pool.ParserPool`, processes when there is a lot of it; and every cache write of the
refresh in one writer thread (`store.batch.BatchWriter`: in order, several feeds to a
transaction), so no two of our own writes ever wait for each other's lock. A 304 costs
one small write. A feed's failure is that feed's error; the others go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from readerterm.bodies import Parsed
from readerterm.config import Settings
from readerterm.errors import FetchFailed
from readerterm.images.cache import ImageCache
from readerterm.images.fetch import fetch_images
from readerterm.images.starred import prune_keeping_starred
from readerterm.models import Document
from readerterm.net import Fetcher, FetchResult
from readerterm.pages import fetch_document
from readerterm.pool import PROCESS_AFTER, ParserPool
from readerterm.safety import now_utc
from readerterm.store.batch import BatchWriter
from readerterm.store.cache import Store, StoredFeed
from readerterm.store.rows import iso
from readerterm.store.schedule import set_ttl
from readerterm.subscriptions import OPENED_FEED, Subscriptions

__all__ = ["Progress", "RefreshReport", "Refresher", "fetcher_for"]

Progress = Callable[[str, int, int, str], None]
"""progress(stage, done, total, label): stage is "feeds" or "pages"."""


@dataclass
class RefreshReport:
    """What a refresh did."""

    feeds: int = 0
    updated: int = 0
    not_modified: int = 0
    skipped: int = 0
    new_articles: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    pages_fetched: int = 0
    pages_failed: int = 0
    images_cached: int = 0  # articles' pictures cached by the full-text step (not in JSON)
    new_ids: list[int] = field(default_factory=list)


def fetcher_for(settings: Settings) -> Fetcher:
    """A Fetcher with the user's limits (config.toml's [fetch])."""
    f = settings.fetch
    return Fetcher(max_in_flight=f.max_in_flight, per_host=f.per_host,
                   max_bytes=f.max_bytes, deadline=f.deadline)


class Refresher:
    """Refreshes the cache's feeds and their articles' pages with the user's settings."""

    def __init__(self, store: Store, settings: Settings, subscriptions: Subscriptions,
                 images: ImageCache | None = None) -> None:
        self.store = store
        self.settings = settings
        self.subscriptions = subscriptions
        self.images = images  # where the pages' pictures go ([images] fetch)

    async def refresh(self, feed_ids: list[int] | None = None, *, fulltext: bool = True,
                      progress: Progress | None = None) -> RefreshReport:
        """Fetch feeds (all, or `feed_ids`) and then, unless `fulltext` is False, the
        article pages of new summary-only articles. Never raises for a feed's failure."""
        report = RefreshReport()
        now = now_utc()
        feeds = [f for f in await asyncio.to_thread(self.store.stored_feeds, feed_ids)
                 if f.url != OPENED_FEED]
        due = []
        for feed in feeds:
            dead = feed.status == "dead" and feed_ids is None
            waiting = feed.retry_after is not None and feed.retry_after > iso(now)
            if dead or waiting:
                report.skipped += 1
            else:
                due.append(feed)
        report.feeds = len(due)
        done = 0
        loop = asyncio.get_running_loop()
        limits = (self.settings.fetch.max_entries, self.settings.fulltext.min_words)
        writer = BatchWriter(self.store)
        parsers = ParserPool()
        if sum(f.etag is None and f.last_modified is None for f in due) > PROCESS_AFTER:
            parsers.start()  # many bodies will come whole: parse them on every core
        try:
            async with fetcher_for(self.settings) as fetcher:

                async def one(feed: StoredFeed) -> None:
                    nonlocal done
                    result = await fetcher.fetch(feed.url, etag=feed.etag,
                                                 last_modified=feed.last_modified)
                    parsed = None
                    if result.ok and not result.not_modified:
                        parsed = await parsers.run(result.body, result.headers,
                                                   result.final_url, now_utc(), *limits)
                    moved = await loop.run_in_executor(writer, self._apply, feed, result,
                                                       report, parsed)
                    if moved:  # committed: now the subscriptions follow
                        await asyncio.to_thread(self.subscriptions.follow_move, feed.url, moved)
                    done += 1
                    if progress:
                        progress("feeds", done, len(due), feed.title or feed.url)

                await _all_or_none(one(feed) for feed in due)
                parsers.shutdown()
                if fulltext and self.settings.fulltext.enabled:
                    await self._fetch_pages(fetcher, report, progress, feed_ids)
        finally:
            parsers.shutdown()
            # Let a write in progress finish (and drop queued ones) before returning:
            # the caller may close the store next.
            await loop.run_in_executor(None, partial(writer.shutdown, wait=True,
                                                     cancel_futures=True))
        return report

    async def fetch_fulltext(self, progress: Progress | None = None) -> RefreshReport:
        """Fetch pending article pages only."""
        report = RefreshReport()
        async with fetcher_for(self.settings) as fetcher:
            await self._fetch_pages(fetcher, report, progress)
        return report

    def _apply(self, feed: StoredFeed, result: FetchResult, report: RefreshReport,
               parsed_body: Parsed | None) -> str | None:
        """Record one fetch in the cache (runs in the writer thread, inside its
        transaction: no parsing here); `parsed_body` is the body `parse_body` read, for
        a fetch that got one. Returns the feed's new URL when a 301 moved it."""
        now = now_utc()
        url = feed.url
        moved = result.permanent_url
        if not (moved and result.ok and moved != url
                and self.store.set_feed_url(feed.id, moved)):
            moved = None
        url = moved or url
        if not result.ok:
            gone = result.status == 410
            message = "gone (HTTP 410): the publisher removed this feed" if gone else (
                result.error or "failed")
            self.store.feed_error(feed.id, message, result.status or None, now, dead=gone,
                                  retry_after=result.retry_after)
            report.failed.append((url, message))
            return moved
        if result.not_modified:
            kept = self.store.feed_not_modified(feed.id, now)
            if kept is None:
                report.not_modified += 1
            else:  # still the body that was not a feed
                report.failed.append((url, kept))
            return moved
        ft = self.settings.fulltext
        parsed = parsed_body or Parsed(error="the body was not parsed")
        if parsed.entries is None:
            self.store.feed_error(feed.id, parsed.error, result.status, now,
                                  validators=(result.etag, result.last_modified))
            report.failed.append((url, parsed.error))
            return moved
        new_ids = self.store.store_feed(
            feed.id, parsed.entries, title=parsed.title, link=parsed.link,
            etag=result.etag, last_modified=result.last_modified, now=now,
            fulltext=ft.enabled and feed.fulltext, keep_days=self.settings.retention.days,
            keep_per_feed=self.settings.retention.per_feed,
        )
        set_ttl(self.store, feed.id, parsed.ttl)
        report.updated += 1
        report.new_articles += len(new_ids)
        report.new_ids.extend(new_ids)
        return moved

    async def _fetch_pages(self, fetcher: Fetcher, report: RefreshReport,
                           progress: Progress | None,
                           feed_ids: list[int] | None = None) -> None:
        """The pending article pages (of `feed_ids` only, when given)."""
        ft = self.settings.fulltext
        wanted = await asyncio.to_thread(self.store.wanted_documents, ft.max_attempts,
                                         feed_ids=feed_ids)
        if not wanted:
            return
        limit = asyncio.Semaphore(ft.concurrency)
        pictures = self.images if self.settings.images.fetch else None
        picture_limit = asyncio.Semaphore(self.settings.images.concurrency)
        done = 0

        async def one(article_id: int, url: str) -> None:
            nonlocal done
            doc = None
            async with limit:
                try:
                    doc, _final = await fetch_document(fetcher, url)
                    await asyncio.to_thread(self._store_document, article_id, doc)
                    report.pages_fetched += 1
                except FetchFailed as exc:
                    await asyncio.to_thread(self.store.set_document_error, article_id, str(exc))
                    report.pages_failed += 1
            if doc is not None and pictures is not None:
                got = await fetch_images(fetcher, [i.src for i in doc.images], pictures,
                                         picture_limit)
                report.images_cached += sum(got.values())
            done += 1
            if progress:
                progress("pages", done, len(wanted), url)

        await _all_or_none(one(i, u) for i, u in wanted)
        if pictures is not None and report.images_cached:
            with contextlib.suppress(OSError, sqlite3.Error):  # pictures are no feed's error
                await asyncio.to_thread(prune_keeping_starred, pictures, self.store)

    def _store_document(self, article_id: int, doc: Document) -> None:
        """Keep an article's extracted page; its title stays the feed's when it has one."""
        row = self.store.article(article_id)
        title = str(row["title"]) if row and row["title"] else doc.title
        self.store.set_document(article_id, doc.to_dict(), title, doc.body_text)


async def _all_or_none(coros: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run the coroutines together; when one fails (a cache that cannot be written, say a
    full disk), cancel and wait for the others before raising, so none of them writes to
    a store its caller is about to close."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
