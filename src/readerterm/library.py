"""The one API that the command line and the reader call.

Everything a user can do goes through `Library`: list and read from the cache, mark,
search, manage subscriptions, refresh, and fetch article pages. It is also the seam
where a sync backend (a Google Reader API server) could replace local fetching later:
read/star changes are logged in the cache for that.

The work is done by its parts: `subscriptions` (feeds.toml and its edits), `refresh`
(feeds, then article pages, with `pool` parsing the bodies), `pages` (one article page
fetched and extracted) and the cache (`store`). Blocking work (SQLite, parsing,
extraction) runs in threads; `refresh` and `open_url` are coroutines so the reader's
event loop never blocks.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from readerterm import paths as paths_mod
from readerterm.config import (
    SAMPLE_SECTIONS,
    Section,
    Settings,
    load_sections,
    load_settings,
    write_default_settings,
)
from readerterm.errors import BadInput, FetchFailed
from readerterm.html import html_to_blocks, html_to_text
from readerterm.html.links import enclosures_from_json, text_links
from readerterm.images.cache import ImageCache, PruneResult, image_cache_for
from readerterm.images.starred import prune_keeping_starred
from readerterm.models import ArticleRow, ArticleView, Document, FeedRow, Image, RelatedLink
from readerterm.pages import fetch_document, read_document
from readerterm.refresh import Progress, Refresher, RefreshReport, fetcher_for
from readerterm.related import Similar, SimilarFinder
from readerterm.related_links import resolve_related
from readerterm.safety import now_utc, safe_url
from readerterm.store.cache import Filters, SearchError, Store
from readerterm.store.rows import iso
from readerterm.subscriptions import OPENED_FEED, OPENED_TITLE, Added, Subscriptions
from readerterm.userrules import FilterRule, SavedQuery, load_rules

if TYPE_CHECKING:
    from readerterm.feedsfile import FeedSettings
    from readerterm.search import SearchHit

__all__ = ["Added", "ArticleView", "BadInput", "FetchFailed", "Filters", "Library", "Progress",
           "RefreshReport", "SearchError", "Similar", "fetch_document", "parse_date_arg",
           "read_document"]


class Library:
    """readerterm's core: subscriptions, the cache, fetching."""

    def __init__(self, paths: paths_mod.Paths, settings: Settings, store: Store) -> None:
        self.paths = paths
        self.settings = settings
        self.store = store
        self.subs = Subscriptions(paths.config_dir / "feeds.toml", store)
        self.images: ImageCache = image_cache_for(paths, settings)  # opened on first use
        self.refresher = Refresher(store, settings, self.subs, self.images)

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
        # No subscriptions until the user asks for some: the reader offers a sample set
        # on a first start (tui/screens/first_run.py); `add` and `import` add only theirs.
        sections = sections or []
        library = cls(paths, settings, Store(paths.database))
        library.subs.sync(sections)
        library.apply_filters()
        return library

    def close(self) -> None:
        self.images.close()
        self.store.close()

    def prune_images(self) -> PruneResult:
        """Shrink the pictures cache to its cap ([images] cache_mb), starred last."""
        return prune_keeping_starred(self.images, self.store)

    @property
    def feeds_file(self) -> Path:
        return self.subs.path

    @property
    def first_start(self) -> bool:
        """No subscriptions were ever made here (no feeds.toml yet)."""
        return not self.subs.path.exists()

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

    # -- filters and saved searches (feeds.toml's [[filter]] and [[query]]) -------------
    def rules(self) -> tuple[list[FilterRule], list[SavedQuery]]:
        return load_rules(self.feeds_file)

    def apply_filters(self, ids: list[int] | None = None) -> int:
        """Apply the [[filter]] rules to `ids` (new articles) or to every article; see
        store/userfilters.py (done once: a marker in the data directory says up to
        where). Returns how many were hidden or shown again."""
        from readerterm.store.userfilters import apply_once

        return apply_once(self.store, self.rules()[0],
                          self.paths.data_dir / "filters-applied.json", ids)

    def section_filters(self, name: str) -> Filters:
        """What `--section NAME` lists: a section, else a saved search by that name.
        Raises BadInput when there is neither."""
        if name in self.section_names():
            return Filters(section=name)
        for query in self.rules()[1]:
            if query.name == name:
                return self.query_filters(query)
        raise BadInput(f"no section or saved search named {name!r}")

    def query_filters(self, query: SavedQuery) -> Filters:
        from readerterm.search import prepare

        feed_id = self.feed_by_url(query.feed).id if query.feed else None
        return Filters(search=prepare(query.search), section=query.section or None,
                       feed_id=feed_id, unread=query.unread)

    def saved_searches(self) -> list[tuple[SavedQuery, Filters, int]]:
        """Each saved search with its filters and its unread count."""
        out = []
        for query in self.rules()[1]:
            try:
                filters = self.query_filters(query)
                unread = self.count(replace(filters, unread=True))
            except (BadInput, SearchError):
                continue  # a search FTS5 cannot read, a feed no longer there: not listed
            out.append((query, filters, unread))
        return out

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

    def mark_all_read(self, filters: Filters = Filters()) -> list[int]:
        """Mark every unread article `filters` cover read (all of them by default);
        returns their ids, for `set_read` to undo."""
        from readerterm.store.bulk import mark_read_where

        return mark_read_where(self.store, filters)

    def set_read(self, ids: list[int], read: bool) -> int:
        """Set the read flag of many articles (an undo); returns how many exist."""
        from readerterm.store.bulk import set_read

        return set_read(self.store, ids, read)

    def article(self, article_id: int) -> ArticleView:
        """One article with its readable Document; related links carry cached ids."""
        row = self.store.article(article_id)
        if row is None:
            raise BadInput(f"no article with id {article_id}")
        lead = Image.from_dict(json.loads(row["lead_image"])) if row["lead_image"] else None
        feed_related = [RelatedLink.from_dict(r) for r in json.loads(row["feed_related"] or "[]")]
        note = ""
        html = row["content_html"]
        summary = row["summary_html"]
        if len(html_to_text(summary)) > len(html_to_text(html)):
            html = summary
        if row["document"]:
            doc = Document.from_dict(json.loads(row["document"]))
            status = "page"
        else:
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
        own_name = row["feed_title"] if row["feed_url"] != OPENED_FEED else ""
        related = resolve_related(self.store, [*doc.related, *feed_related], row["url"],
                                  own_name or doc.site_name)
        doc = replace(doc, related=tuple(related), title=doc.title or row["title"])
        return ArticleView(
            id=row["id"], title=row["title"] or doc.title, feed=row["feed_title"],
            feed_url=row["feed_url"],
            section=row["section"] or doc.section or row["feed_section"],
            url=row["url"], author=row["author"] or doc.byline, published=row["published"],
            read=bool(row["read"]), starred=bool(row["starred"]), document=doc,
            fulltext=status, note=note,
            enclosures=tuple(enclosures_from_json(row["enclosures"])),
            links=tuple(text_links(html, row["url"])),
        )

    # -- subscriptions -----------------------------------------------------------------
    def reload_subscriptions(self) -> None:
        """Read feeds.toml again (after an edit by hand or by another process)."""
        self.subs.reload()
        self.apply_filters()

    def subscriptions(self) -> list[Section]:
        return self.subs.sections()

    async def add_feed(self, url: str, section: str | None = None,
                       title: str | None = None) -> Added:
        """Subscribe to `url` (a feed, or a page whose feed is found by autodiscovery).

        Returns what was added. Raises BadInput, adding nothing, for a non-http(s) URL
        or one that answers but is not a feed; when it cannot be reached the URL is
        added as given, with a warning (see `Subscriptions.add`).
        """
        async with fetcher_for(self.settings) as fetcher:
            return await self.subs.add(fetcher, url, section, title)

    def update_feed(self, url: str, settings: FeedSettings) -> None:
        """Change a feed's title, section, interval or full text in feeds.toml (its
        comments and order kept), then the cache follows. Raises BadInput."""
        from readerterm.feedsfile import update_feed

        self.subs.rewrite(lambda path: update_feed(path, url, settings))

    def add_sample_set(self) -> int:
        """Subscribe to the sample set of public news feeds (the first-run screen's
        offer); returns how many were added (those already subscribed are left)."""
        return self.subs.add_many([(s.name, f.url, f.title)
                                   for s in SAMPLE_SECTIONS for f in s.feeds])

    def remove_feed(self, url: str) -> None:
        self.subs.remove(url)

    def import_subscriptions(self, data: bytes) -> tuple[int, list[str]]:
        """Add the feeds of an OPML or newsboat urls file; returns (added, skipped)."""
        return self.subs.import_data(data)

    def export_opml(self) -> str:
        return self.subs.export_opml()

    # -- fetching ----------------------------------------------------------------------
    async def refresh(self, feed_ids: list[int] | None = None, *, fulltext: bool = True,
                      progress: Progress | None = None) -> RefreshReport:
        """Fetch feeds (all, or `feed_ids`) and then, unless `fulltext` is False, the
        article pages of new summary-only articles. Never raises for a feed's failure
        (see `refresh.Refresher`). With sync on, the server is synced instead
        (`sync.engine`: all of it, whatever `feed_ids` says). Filters are applied to
        the new articles either way."""
        from readerterm.sync import syncing

        if syncing(self.store):
            from readerterm.sync.engine import sync_as_refresh

            report = await sync_as_refresh(self, fulltext=fulltext, progress=progress)
        else:
            report = await self.refresher.refresh(feed_ids, fulltext=fulltext,
                                                  progress=progress)
        if report.new_ids:
            await asyncio.to_thread(self.apply_filters, list(report.new_ids))
        return report

    def due_feeds(self, since: datetime | None = None) -> tuple[list[int], float]:
        """(ids of the feeds due for a refresh now, seconds until the next is due); see
        schedule.py. With `since`, no feed counts as fetched before it."""
        from readerterm.schedule import due_feeds, parse_interval
        from readerterm.store.schedule import schedule_rows

        own = {f.url: parse_interval(f.interval) for s in self.subscriptions()
               for f in s.feeds if f.interval}
        rows = schedule_rows(self.store, OPENED_FEED)
        return due_feeds(rows, own, self.settings.refresh.interval * 60, now_utc(), since)

    async def fetch_fulltext(self, progress: Progress | None = None) -> RefreshReport:
        """Fetch pending article pages only."""
        return await self.refresher.fetch_fulltext(progress)

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
        async with fetcher_for(self.settings) as fetcher:
            doc, final_url = await fetch_document(fetcher, checked)
        feed_id = await asyncio.to_thread(self.store.ensure_feed, OPENED_FEED, OPENED_TITLE, "")
        now = now_utc()
        title = doc.title or final_url
        return await asyncio.to_thread(
            self.store.add_page_article, feed_id, checked, title, doc.byline, doc.section,
            None, now, doc.to_dict(), doc.body_text)


def parse_date_arg(value: str) -> str:
    """A YYYY-MM-DD (or ISO) date from the command line, as the cache's format."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"not a date: {value!r} (use YYYY-MM-DD)") from None
    return iso(when if when.tzinfo else when.replace(tzinfo=now_utc().tzinfo))
