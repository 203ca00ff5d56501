"""The subscriptions: feeds.toml, its edits, and the cache's feeds table kept in step.

feeds.toml is the user's file (sections holding feeds); the cache's feeds table follows
it. Every edit (add, remove, import, a feed that moved) reads the file, changes it and
writes it back under one lock, then makes the cache match, so two edits from the
reader's threads never lose each other's change.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from readerterm.config import FeedEntry, Section, load_sections, save_sections
from readerterm.errors import BadInput
from readerterm.feeds.parse import NotAFeed, parse_feed
from readerterm.net import Fetcher
from readerterm.safety import clean_line, safe_url
from readerterm.store.cache import Store

__all__ = ["DEFAULT_SECTION", "OPENED_FEED", "OPENED_TITLE", "Added", "Subscriptions"]

OPENED_FEED = "readerterm:opened"
"""The cache's feed that holds articles opened from links (not a subscription)."""
OPENED_TITLE = "Opened links"
DEFAULT_SECTION = "Uncategorized"

Change = Callable[[list[Section]], list[Section]]

_REFUSED = frozenset({400, 404, 405, 406, 410, 414, 415, 422, 451})
"""Statuses that say the URL has no feed (not a passing trouble: 401/403 may be a feed
behind a login, 408/429/5xx may answer later): `add` refuses them."""


@dataclass(frozen=True)
class Added:
    """What `Subscriptions.add` subscribed to."""

    url: str
    section: str
    title: str = ""
    found_on: str | None = None
    """The page the feed was found on, when the URL given was a page."""
    warning: str | None = None
    """Why the URL was added unchecked (it could not be reached)."""

    def to_json(self) -> dict[str, str | None]:
        return {"url": self.url, "section": self.section, "title": self.title,
                "found_on": self.found_on, "warning": self.warning}


class Subscriptions:
    """feeds.toml at `path`, with the cache's feeds table made to match on every edit."""

    def __init__(self, path: Path, store: Store) -> None:
        self.path = path
        self.store = store
        self._lock = threading.Lock()

    def sections(self) -> list[Section]:
        """The sections and their feeds, as feeds.toml has them now."""
        return load_sections(self.path) or []

    def sync(self, sections: list[Section]) -> None:
        """Make the cache's feeds table match `sections` (feeds no longer there go, with
        their articles)."""
        rows = [(f.url, f.title, s.name, f.fulltext) for s in sections for f in s.feeds]
        rows.append((OPENED_FEED, OPENED_TITLE, "", False))
        self.store.sync_feeds(rows)

    def reload(self) -> None:
        """Read feeds.toml again (after an edit by hand or by another process)."""
        with self._lock:
            self.sync(self.sections())

    def edit(self, change: Change, *, sync: bool = True) -> None:
        """Apply `change` to the sections and save them; `change` may raise BadInput,
        and then nothing is written. With `sync`, the cache follows."""
        with self._lock:
            sections = change(self.sections())
            save_sections(self.path, sections)
            if sync:
                self.sync(sections)

    def rewrite(self, change: Callable[[Path], None]) -> None:
        """Let `change` edit feeds.toml in place (feedsfile.py), under the lock; then the
        cache follows."""
        with self._lock:
            change(self.path)
            self.sync(self.sections())

    async def add(self, fetcher: Fetcher, url: str, section: str | None = None,
                  title: str | None = None) -> Added:
        """Subscribe to `url` (a feed, or a page whose feed is found by autodiscovery).

        Returns what was added. Raises BadInput, adding nothing, for a non-http(s)
        URL and for one that answers but is not a feed: a page naming no feed, an empty
        body, a status that says there is nothing there (404, 410, ...). When it cannot be
        reached (offline, a server error) the URL is added as given, with a warning.
        """
        checked = safe_url(url)
        if checked is None:
            raise BadInput(f"not an http(s) URL: {url!r}")
        feed_url, found_on, warning = checked, None, None
        result = await fetcher.fetch(checked)
        if not result.ok and result.status in _REFUSED:
            raise BadInput(f"{checked} answers HTTP {result.status}: not a feed; nothing added")
        if result.ok and not result.body.strip():
            raise BadInput(f"{checked} answers with an empty body: not a feed; nothing added")
        if result.ok:
            try:
                await asyncio.to_thread(parse_feed, result.body, result.headers, checked)
            except NotAFeed:
                from readerterm.feeds.discover import discover_feeds

                found = discover_feeds(result.body, result.final_url)
                if not found:
                    raise BadInput(f"{checked} is not a feed and names no feed; nothing added"
                                   ) from None
                feed_url, found_on = found[0], checked
        else:
            warning = f"not checked: {result.error}"
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

        self.edit(change)
        return Added(feed_url, name, entry.title, found_on, warning)

    def remove(self, url: str) -> None:
        """Unsubscribe from `url`; raises BadInput when it is not a subscription."""

        def change(sections: list[Section]) -> list[Section]:
            if not any(f.url == url for s in sections for f in s.feeds):
                raise BadInput(f"not subscribed: {url}")
            return [replace(s, feeds=tuple(f for f in s.feeds if f.url != url))
                    for s in sections]

        self.edit(change)

    def import_data(self, data: bytes) -> tuple[int, list[str]]:
        """Add the feeds of an OPML or newsboat urls file; returns (added, skipped).
        Raises BadInput, changing nothing, for data that is neither."""
        from readerterm.feeds.opml import parse_subscriptions

        try:
            found, skipped = parse_subscriptions(data)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        return self.add_many(found), skipped

    def add_many(self, found: list[tuple[str, str, str]], skipped: list[str] | None = None
                 ) -> int:
        """Add (section, url, title) subscriptions, unchecked, leaving those already there
        (each noted in `skipped`); returns how many were added."""
        skipped = skipped if skipped is not None else []
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

        self.edit(change)
        return added

    def export_opml(self) -> str:
        """Every subscription as OPML 2.0, sections as folders."""
        from readerterm.feeds.opml import to_opml

        return to_opml([(s.name, [(f.url, f.title) for f in s.feeds])
                        for s in self.sections()])

    def follow_move(self, old: str, new: str) -> None:
        """Rewrite feeds.toml for a feed that moved (a permanent redirect), after the
        cache has moved it."""

        def change(sections: list[Section]) -> list[Section]:
            return [replace(s, feeds=tuple(replace(f, url=new) if f.url == old else f
                                           for f in s.feeds)) for s in sections]

        self.edit(change, sync=False)
