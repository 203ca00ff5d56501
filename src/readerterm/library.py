"""The one API that the command line and the reader call.

Everything a user can do goes through `Library`: list and read from the cache, mark,
search, manage subscriptions, refresh, and fetch article pages. It is also the seam
where a sync backend (a Google Reader API server) could replace local fetching later:
read/star changes are logged in the cache for that.

Blocking work (SQLite, parsing, extraction) runs in threads; `refresh` and `open_url`
are coroutines so the reader's event loop never blocks.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readerterm import paths as paths_mod
from readerterm.config import (
    DEFAULT_SECTIONS,
    FeedEntry,
    Section,
    Settings,
    load_sections,
    load_settings,
    save_sections,
    write_default_settings,
)
from readerterm.feeds.bodies import Parsed, parse_body, warm
from readerterm.feeds.parse import NotAFeed, parse_feed
from readerterm.html import html_to_blocks, html_to_text
from readerterm.models import (
    ArticleRow,
    Document,
    FeedRow,
    Image,
    RelatedLink,
)
from readerterm.net import PAGE_ACCEPT, Fetcher, FetchResult
from readerterm.related import Similar, SimilarFinder
from readerterm.safety import clean_line, now_utc, safe_url
from readerterm.store.batch import BatchWriter
from readerterm.store.cache import Filters, SearchError, Store
from readerterm.store.rows import iso

if TYPE_CHECKING:
    from readerterm.search import SearchHit

__all__ = ["ArticleView", "BadInput", "FetchFailed", "Filters", "Library", "RefreshReport",
           "SearchError", "Similar"]

OPENED_FEED = "readerterm:opened"
OPENED_TITLE = "Opened links"
DEFAULT_SECTION = "Uncategorized"

Progress = Callable[[str, int, int, str], None]
"""progress(stage, done, total, label): stage is "feeds" or "pages"."""


class BadInput(ValueError):
    """A request that cannot be carried out as given (unknown id, bad URL, ...)."""


class FetchFailed(RuntimeError):
    """A page that could not be fetched or read (offline, HTTP error, not an article)."""


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
    new_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleView:
    """One article as the reader and `show` present it."""

    id: int
    title: str
    feed: str
    feed_url: str
    section: str
    url: str | None
    author: str
    published: str
    read: bool
    starred: bool
    document: Document
    fulltext: str  # "page" (extracted), "feed" (the feed's content), "pending", "error"
    note: str = ""

    @property
    def related(self) -> tuple[RelatedLink, ...]:
        return self.document.related

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "feed": self.feed,
            "url": self.url,
            "author": self.author,
            "published": self.published,
            "read": self.read,
            "starred": self.starred,
            "images": [i.to_dict() for i in self.document.images],
            "body_text": self.document.body_text,
            "blocks": [b.to_dict() for b in self.document.blocks],
            "related": [{**r.to_dict(), "id": r.article_id} for r in self.related],
        }


PROCESS_AFTER = 24
"""Bodies a refresh parses in a thread before it starts parser processes (at once when
more feeds than this have nothing to send for a 304: a first refresh)."""

PARSER_NICENESS = 10
"""How much lower the parser processes' CPU priority is than the refresh's own. The
writer (a thread of the refresh) and the requests then go first when they want a core,
and the parsers use the rest: the writer keeps up with them instead of being left with
a queue of feeds to write at the end, with one core idle (a first refresh of 200 feeds
ends about 0.4 s sooner). In the reader, the screen goes first too."""


class _Parsers:
    """Where a refresh parses feed bodies: one thread, or processes when there is much.

    Parsing is most of a refresh's CPU and holds the GIL, so with many bodies to read
    (a first refresh, a long list gone stale) two processes use two cores. A refresh
    that parses little (the common case: most feeds answer 304) never starts one.
    """

    def __init__(self) -> None:
        self.mode = os.environ.get("READERTERM_PARSE", "auto")
        self.count = 0
        self.thread: ThreadPoolExecutor | None = None
        self.pool: Executor | None = None
        self.no_processes = False

    def start(self) -> None:
        """Start the parser processes now, before the first body arrives, and without
        waiting for them: their start-up (an interpreter, lxml and the parsers
        imported, a quarter of a second here) overlaps the first fetches. Call it on
        the event loop; a thread of the loop's default executor waits for them."""
        pool = self._pool() if self.mode != "thread" else None
        if pool is None:
            return

        def spawn() -> None:
            # Shut down before they had started, or they could not start: then the
            # first body submitted meets the same error.
            with suppress(Exception):
                for _ in range(self.workers):
                    pool.submit(warm)

        asyncio.get_running_loop().run_in_executor(None, spawn)

    @property
    def workers(self) -> int:
        return min(2, os.cpu_count() or 1)

    def _pool(self) -> Executor | None:
        if self.pool is None and self.workers > 1 and not self.no_processes:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            try:
                # forkserver: never fork a process that has threads (the reader has
                # many); the server imports what a parser needs once, each worker is
                # its fork
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["readerterm.feeds.bodies", "lxml.etree"])
                self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                                initializer=os.nice,
                                                initargs=(PARSER_NICENESS,))
            except (ImportError, OSError, ValueError):
                # No working semaphores (Termux on Android, some sandboxes) or no
                # forkserver: parse in the thread, on one core.
                self.no_processes = True
        return self.pool

    def _executor(self) -> Executor:
        self.count += 1
        if self.pool is None and (
                self.mode == "process" or (self.mode == "auto" and self.count > PROCESS_AFTER)):
            self._pool()
        if self.pool is not None:
            return self.pool
        if self.thread is None:
            self.thread = ThreadPoolExecutor(1, thread_name_prefix="readerterm-parse")
        return self.thread

    async def run(self, body: bytes, headers: dict[str, str], url: str, now: datetime,
                  max_entries: int, min_words: int) -> Parsed:
        """Parse one body where `_executor` says. Never raises for the body.

        A parser process that dies (the OOM killer, a crash in a C library) breaks its
        pool and every parse in flight there. Each of those is tried once more in a new
        pool (never in this process: the body may be what killed it), so only a body
        that kills its parser again fails, as its feed's error."""
        loop = asyncio.get_running_loop()
        for _attempt in range(2):
            executor = self._executor()
            try:
                return await loop.run_in_executor(executor, parse_body, body, headers, url,
                                                  now, max_entries, min_words)
            except BrokenExecutor:
                if executor is self.pool:  # the first parse to hear of it starts a new pool
                    executor.shutdown(wait=False, cancel_futures=True)
                    self.pool = None
                    self._pool()
                if self.pool is None:
                    break  # no new pool could start
        return Parsed(error="could not parse: the parser process stopped while reading it")

    def shutdown(self) -> None:
        for executor in (self.thread, self.pool):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self.thread = self.pool = None


class Library:
    """readerterm's core: subscriptions, the cache, fetching."""

    def __init__(self, paths: paths_mod.Paths, settings: Settings, store: Store) -> None:
        self.paths = paths
        self.settings = settings
        self.store = store
        self._config_lock = threading.Lock()

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, paths: paths_mod.Paths | None = None) -> Library:
        """Open (creating on first run) the config, the subscriptions and the cache.

        Raises ConfigError for a broken config file; nothing is overwritten then.
        """
        paths = paths or paths_mod.resolve()
        settings = load_settings(paths.config_file)
        sections = load_sections(paths.config_dir / "feeds.toml")
        paths.ensure()
        write_default_settings(paths.config_file)
        if sections is None:
            sections = list(DEFAULT_SECTIONS)
            save_sections(paths.config_dir / "feeds.toml", sections)
        library = cls(paths, settings, Store(paths.database))
        library._sync(sections)
        return library

    def close(self) -> None:
        self.store.close()

    @property
    def feeds_file(self) -> Path:
        return self.paths.config_dir / "feeds.toml"

    def _sync(self, sections: list[Section]) -> None:
        rows = [(f.url, f.title, s.name, f.fulltext) for s in sections for f in s.feeds]
        rows.append((OPENED_FEED, OPENED_TITLE, "", False))
        self.store.sync_feeds(rows)

    def reload_subscriptions(self) -> None:
        """Read feeds.toml again (after an edit by hand or by another process)."""
        with self._config_lock:
            self._sync(self.subscriptions())

    def subscriptions(self) -> list[Section]:
        return load_sections(self.feeds_file) or []

    def _edit_subscriptions(self, change: Callable[[list[Section]], list[Section]]) -> None:
        with self._config_lock:
            sections = change(self.subscriptions())
            save_sections(self.feeds_file, sections)
            self._sync(sections)

    # -- reading the cache -------------------------------------------------------------
    def feeds(self) -> list[FeedRow]:
        """Subscribed feeds in order, with counts and errors."""
        return [f for f in self.store.feeds() if f.url != OPENED_FEED]

    def section_names(self) -> list[str]:
        names: list[str] = []
        for feed in self.feeds():
            if feed.section not in names:
                names.append(feed.section)
        return names

    def feed_by_url(self, url: str) -> FeedRow:
        for feed in self.store.feeds():
            if feed.url == url:
                return feed
        raise BadInput(f"no feed with the URL {url!r}")

    def check_section(self, name: str) -> None:
        if name not in self.section_names():
            raise BadInput(f"no section named {name!r}")

    def articles(self, filters: Filters = Filters(), limit: int | None = None,
                 offset: int = 0) -> list[ArticleRow]:
        return self.store.articles(filters, limit, offset)

    def count(self, filters: Filters = Filters()) -> int:
        return self.store.count(filters)

    def search(self, query: str, filters: Filters = Filters(), limit: int = 100,
               marks: tuple[str, str] = ("\x02", "\x03")) -> list[ArticleRow]:
        """FTS5 search in bm25 order (a title match above a body-only one); each row's
        snippet has its matches wrapped in `marks`. The query is FTS5's syntax (see
        search.prepare: words with punctuation are searched as phrases); raises
        SearchError, with a one-line message, for a query it cannot read."""
        from readerterm.search import explain, prepare

        fts = prepare(query)
        try:
            return self.store.search(fts, filters, limit, marks)
        except SearchError as exc:
            raise explain(query, exc.__cause__) from None

    def search_hits(self, query: str, filters: Filters = Filters(),
                    limit: int = 100) -> list[SearchHit]:
        """`search` for the reader: each hit's snippet as plain text plus the spans of
        the matched words to highlight."""
        from readerterm.search import MARKS, SearchHit, split_marks

        hits = []
        for row in self.search(query, filters, limit, MARKS):
            text, spans = split_marks(row.snippet, MARKS)
            hits.append(SearchHit(replace(row, snippet=text), text, spans))
        return hits

    def similar(self, article_id: int, limit: int = 10) -> list[Similar]:
        """Up to `limit` cached articles like `article_id`, best first: same-story
        coverage from other feeds first, near-copies of one wire story collapsed into one
        entry (`also_in`). Raises BadInput for an unknown id."""
        if self.store.article(article_id) is None:
            raise BadInput(f"no article with id {article_id}")
        return self._similar.similar(article_id, limit)

    @cached_property
    def _similar(self) -> SimilarFinder:
        return SimilarFinder(self.store)

    def mark(self, article_id: int, *, read: bool | None = None,
             starred: bool | None = None) -> None:
        if not self.store.mark(article_id, read=read, starred=starred):
            raise BadInput(f"no article with id {article_id}")

    def article(self, article_id: int) -> ArticleView:
        """One article with its readable Document; related links carry cached ids."""
        row = self.store.article(article_id)
        if row is None:
            raise BadInput(f"no article with id {article_id}")
        lead = Image.from_dict(json.loads(row["lead_image"])) if row["lead_image"] else None
        feed_related = [RelatedLink.from_dict(r) for r in json.loads(row["feed_related"] or "[]")]
        note = ""
        if row["document"]:
            doc = Document.from_dict(json.loads(row["document"]))
            status = "page"
        else:
            html = row["content_html"]
            summary = row["summary_html"]
            if len(html_to_text(summary)) > len(html_to_text(html)):
                html = summary
            doc = Document(blocks=tuple(html_to_blocks(html, row["url"])))
            status = {"wanted": "pending", "error": "error"}.get(row["doc_status"], "feed")
            if status == "pending":
                note = "Showing the feed's summary; the full article has not been fetched yet."
            elif status == "error":
                note = f"Showing the feed's summary; the full article failed: {row['doc_error']}"
        # The feed's lead image is shown at the top unless the body already has it.
        if (doc.lead_image is None and lead is not None
                and not any(i.src == lead.src for i in doc.images)):
            doc = replace(doc, lead_image=lead)
        related = self._resolve_related([*doc.related, *feed_related], row["url"])
        doc = replace(doc, related=tuple(related), title=doc.title or row["title"])
        return ArticleView(
            id=row["id"], title=row["title"] or doc.title, feed=row["feed_title"],
            feed_url=row["feed_url"],
            section=row["section"] or doc.section or row["feed_section"],
            url=row["url"], author=row["author"] or doc.byline, published=row["published"],
            read=bool(row["read"]), starred=bool(row["starred"]), document=doc,
            fulltext=status, note=note,
        )

    def _resolve_related(self, links: list[RelatedLink], own_url: str | None) -> list[RelatedLink]:
        seen: set[str] = set()
        unique: list[RelatedLink] = []
        for link in links:
            if not link.url or link.url in seen or link.url == own_url:
                continue
            seen.add(link.url)
            unique.append(link)
        ids = self.store.ids_for_urls(link.url for link in unique)
        return [replace(link, article_id=ids.get(link.url)) for link in unique]

    # -- subscriptions -----------------------------------------------------------------
    async def add_feed(self, url: str, section: str | None = None,
                       title: str | None = None) -> tuple[str, str]:
        """Subscribe to `url` (a feed, or a page whose feed is found by autodiscovery).

        Returns (feed URL, message). Raises BadInput for a non-http(s) URL or a page
        without a feed; when the network is down the URL is added as given.
        """
        checked = safe_url(url)
        if checked is None:
            raise BadInput(f"not an http(s) URL: {url!r}")
        feed_url, message = checked, "added"
        async with self._fetcher() as fetcher:
            result = await fetcher.fetch(checked)
        if result.ok and result.body:
            try:
                await asyncio.to_thread(parse_feed, result.body, result.headers, checked)
            except NotAFeed:
                from readerterm.feeds.discover import discover_feeds

                found = discover_feeds(result.body, result.final_url)
                if not found:
                    raise BadInput(f"{checked} is not a feed and names no feed") from None
                feed_url, message = found[0], f"added {found[0]} (found on {checked})"
        elif not result.ok:
            message = f"added without checking ({result.error})"
        name = clean_line(section or "") or DEFAULT_SECTION
        entry = FeedEntry(feed_url, clean_line(title or ""))

        def change(sections: list[Section]) -> list[Section]:
            if any(f.url == feed_url for s in sections for f in s.feeds):
                raise BadInput(f"already subscribed: {feed_url}")
            for i, sec in enumerate(sections):
                if sec.name == name:
                    sections[i] = replace(sec, feeds=(*sec.feeds, entry))
                    return sections
            return [*sections, Section(name, (entry,))]

        self._edit_subscriptions(change)
        return feed_url, message

    def remove_feed(self, url: str) -> None:
        def change(sections: list[Section]) -> list[Section]:
            if not any(f.url == url for s in sections for f in s.feeds):
                raise BadInput(f"not subscribed: {url}")
            return [replace(s, feeds=tuple(f for f in s.feeds if f.url != url))
                    for s in sections]

        self._edit_subscriptions(change)

    def import_subscriptions(self, data: bytes) -> tuple[int, list[str]]:
        """Add the feeds of an OPML or newsboat urls file; returns (added, skipped)."""
        from readerterm.feeds.opml import parse_subscriptions

        found, skipped = parse_subscriptions(data)
        added = 0

        def change(sections: list[Section]) -> list[Section]:
            nonlocal added
            known = {f.url for s in sections for f in s.feeds}
            by_name = {s.name: i for i, s in enumerate(sections)}
            for section, url, title in found:
                if url in known:
                    skipped.append(f"already subscribed: {url}")
                    continue
                known.add(url)
                name = clean_line(section) or DEFAULT_SECTION
                entry = FeedEntry(url, clean_line(title))
                if name in by_name:
                    i = by_name[name]
                    sections[i] = replace(sections[i], feeds=(*sections[i].feeds, entry))
                else:
                    by_name[name] = len(sections)
                    sections.append(Section(name, (entry,)))
                added += 1
            return sections

        self._edit_subscriptions(change)
        return added, skipped

    def export_opml(self) -> str:
        from readerterm.feeds.opml import to_opml

        return to_opml([(s.name, [(f.url, f.title) for f in s.feeds])
                        for s in self.subscriptions()])

    # -- refresh -----------------------------------------------------------------------
    def _fetcher(self) -> Fetcher:
        f = self.settings.fetch
        return Fetcher(max_in_flight=f.max_in_flight, per_host=f.per_host,
                       max_bytes=f.max_bytes, deadline=f.deadline)

    async def refresh(self, feed_ids: list[int] | None = None, *, fulltext: bool = True,
                      progress: Progress | None = None) -> RefreshReport:
        """Fetch feeds (all, or `feed_ids`) and then, unless `fulltext` is False, the
        article pages of new summary-only articles. Never raises for a feed's failure.

        Three kinds of work overlap: requests on the event loop; parsing (CPU) in
        `_Parsers`, processes when there is a lot of it; and every cache write of the
        refresh in one writer thread (`store.batch.BatchWriter`: in order, several
        feeds to a transaction), so no two of our own writes ever wait for each other's
        lock. A 304 costs one small write.
        """
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
        parsers = _Parsers()
        if sum(f.etag is None and f.last_modified is None for f in due) > PROCESS_AFTER:
            parsers.start()  # many bodies will come whole: parse them on every core
        try:
            async with self._fetcher() as fetcher:

                async def one(feed: Any) -> None:
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
                        await asyncio.to_thread(self._follow_move, feed.url, moved)
                    done += 1
                    if progress:
                        progress("feeds", done, len(due), feed.title or feed.url)

                await _all_or_none(one(feed) for feed in due)
                parsers.shutdown()
                if fulltext and self.settings.fulltext.enabled:
                    await self._fetch_pages(fetcher, report, progress)
        finally:
            parsers.shutdown()
            # Let a write in progress finish (and drop queued ones) before returning:
            # the caller may close the store next.
            await loop.run_in_executor(None, partial(writer.shutdown, wait=True,
                                                     cancel_futures=True))
        return report

    def _apply(self, feed: Any, result: FetchResult, report: RefreshReport,
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
            self.store.feed_not_modified(feed.id, now)
            report.not_modified += 1
            return moved
        ft = self.settings.fulltext
        parsed_body = parsed_body or Parsed(error="the body was not parsed")
        if parsed_body.entries is None:
            self.store.feed_error(feed.id, parsed_body.error, result.status, now)
            report.failed.append((url, parsed_body.error))
            return moved
        new_ids = self.store.store_feed(
            feed.id, parsed_body.entries, title=parsed_body.title, link=parsed_body.link,
            etag=result.etag, last_modified=result.last_modified, now=now,
            fulltext=ft.enabled and feed.fulltext, keep_days=self.settings.retention.days,
            keep_per_feed=self.settings.retention.per_feed,
        )
        report.updated += 1
        report.new_articles += len(new_ids)
        report.new_ids.extend(new_ids)
        return moved

    def _follow_move(self, old: str, new: str) -> None:
        """Rewrite feeds.toml for a feed that moved (after the cache has)."""

        def change(sections: list[Section]) -> list[Section]:
            return [replace(s, feeds=tuple(replace(f, url=new) if f.url == old else f
                                           for f in s.feeds)) for s in sections]

        with self._config_lock:
            save_sections(self.feeds_file, change(self.subscriptions()))

    async def _fetch_pages(self, fetcher: Fetcher, report: RefreshReport,
                           progress: Progress | None) -> None:
        ft = self.settings.fulltext
        wanted = await asyncio.to_thread(self.store.wanted_documents, ft.max_attempts)
        if not wanted:
            return
        limit = asyncio.Semaphore(ft.concurrency)
        done = 0

        async def one(article_id: int, url: str) -> None:
            nonlocal done
            async with limit:
                try:
                    await self._fetch_page(fetcher, url, article_id)
                    report.pages_fetched += 1
                except FetchFailed as exc:
                    await asyncio.to_thread(self.store.set_document_error, article_id, str(exc))
                    report.pages_failed += 1
            done += 1
            if progress:
                progress("pages", done, len(wanted), url)

        await _all_or_none(one(i, u) for i, u in wanted)

    async def _fetch_page(self, fetcher: Fetcher, url: str,
                          article_id: int | None) -> tuple[Document, str]:
        """Fetch and extract one page; store it on `article_id` when given."""
        result = await fetcher.fetch(url, accept=PAGE_ACCEPT)
        if not result.ok:
            raise FetchFailed(result.error or "failed")
        doc = await asyncio.to_thread(_extract, result.body, result.final_url)
        if not doc.body_text.strip():
            raise FetchFailed("no article text found on the page")
        if article_id is not None:
            row = await asyncio.to_thread(self.store.article, article_id)
            title = str(row["title"]) if row and row["title"] else doc.title
            await asyncio.to_thread(self.store.set_document, article_id, doc.to_dict(), title,
                                    doc.body_text)
        return doc, result.final_url

    async def fetch_fulltext(self, progress: Progress | None = None) -> RefreshReport:
        """Fetch pending article pages only."""
        report = RefreshReport()
        async with self._fetcher() as fetcher:
            await self._fetch_pages(fetcher, report, progress)
        return report

    async def open_url(self, url: str) -> int:
        """The cached article for `url`, fetching, extracting and caching it if needed.

        Raises BadInput for a URL that is not http(s), FetchFailed when it cannot be had
        (offline, HTTP error, no article on the page).
        """
        checked = safe_url(url)
        if checked is None:
            raise BadInput(f"not an http(s) URL: {url!r}")
        known = await asyncio.to_thread(self.store.ids_for_urls, [checked])
        if checked in known:
            return known[checked]
        async with self._fetcher() as fetcher:
            doc, final_url = await self._fetch_page(fetcher, checked, None)
        feed_id = await asyncio.to_thread(self.store.ensure_feed, OPENED_FEED, OPENED_TITLE, "")
        now = now_utc()
        title = doc.title or final_url
        return await asyncio.to_thread(
            self.store.add_page_article, feed_id, checked, title, doc.byline, doc.section,
            None, now, doc.to_dict(), doc.body_text)


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


def _extract(body: bytes, url: str) -> Document:
    from readerterm.extract import extract_document

    try:
        return extract_document(body, url)
    except Exception as exc:  # any extractor failure is that page's error
        raise FetchFailed(f"could not extract the article: {type(exc).__name__}: {exc}") from None


def parse_date_arg(value: str) -> str:
    """A YYYY-MM-DD (or ISO) date from the command line, as the cache's format."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"not a date: {value!r} (use YYYY-MM-DD)") from None
    return iso(when if when.tzinfo else when.replace(tzinfo=now_utc().tzinfo))
