"""One sync with the server: send what is queued, then take the server's state.

In order: log in; send the queued subscription changes, then the read and starred
changes (the last value of each item, one tag per request); take the server's
subscriptions and labels as feeds.toml's feeds and sections; fetch the items the server
got since the last sync (stream contents, paged by continuation, `ot`); take the server's
unread and starred ids as every synced article's flags, except where a change made
during the sync is still queued. Then, as a refresh does, the article pages of new
summary-only items. A failure stops the sync and keeps the queue; nothing is lost.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from readerterm.config import FeedEntry, Section, save_sections
from readerterm.errors import BadInput
from readerterm.refresh import Progress, RefreshReport
from readerterm.safety import clean_line, now_utc, safe_url
from readerterm.store.rows import iso
from readerterm.subscriptions import DEFAULT_SECTION
from readerterm.sync.client import (
    READ,
    READING_LIST,
    STARRED,
    GReaderClient,
    Subscription,
    SyncError,
)
from readerterm.sync.pages import fetch_items
from readerterm.sync.secret import load_password
from readerterm.sync.state import Account, Queued, SyncState

if TYPE_CHECKING:
    from readerterm.library import Library

__all__ = ["NotSetUp", "SyncReport", "as_refresh_report", "sync_as_refresh", "sync_now"]


MARK_ALL_AT = 20
"""Read changes of one feed from which a feed all read is sent as mark-all-as-read."""


class NotSetUp(BadInput):
    """Sync is not set up, or its password is missing."""


@dataclass
class SyncReport:
    """What one sync moved."""

    server: str
    sent: int = 0
    feeds: int = 0
    new_items: int = 0
    read_changed: int = 0
    starred_changed: int = 0
    refused: list[str] = field(default_factory=list)
    pages_fetched: int = 0
    pages_failed: int = 0
    new_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("new_ids")
        return data


def client_for(lib: Library, account: Account, password: str) -> GReaderClient:
    fetch = lib.settings.fetch
    return GReaderClient(account.server, account.user, password, deadline=fetch.deadline,
                         max_bytes=fetch.max_bytes)


async def sync_now(lib: Library, *, fulltext: bool = True,
                   progress: Progress | None = None) -> SyncReport:
    """Sync once. Raises NotSetUp, LoginFailed or SyncError (the queue is kept)."""
    state = SyncState(lib.store)
    account = await asyncio.to_thread(state.account)
    if account is None:
        raise NotSetUp("sync is not set up (readerterm sync setup URL --user NAME "
                       "--password-stdin)")
    password = load_password(lib.paths.data_dir, account.server, account.user)
    if password is None:
        raise NotSetUp("no sync password found: run readerterm sync setup again")
    report = SyncReport(account.server)
    step = _Steps(progress)
    try:
        async with client_for(lib, account, password) as client:
            step("logging in")
            await client.login()
            step("sending changes")
            subs = await client.subscriptions()
            if await _send_queue(client, state, subs, report):
                subs = await client.subscriptions()
            step("subscriptions")
            streams = await asyncio.to_thread(_take_subscriptions, lib, state, subs,
                                              account.last_sync is None)
            report.feeds = len(streams)
            step("new items")
            newest, report.new_ids = await fetch_items(lib, client, state, streams,
                                                      account.newest_ot)
            report.new_items = len(report.new_ids)
            step("read and starred")
            unread = await client.item_ids(READING_LIST, exclude=READ)
            starred = await client.item_ids(STARRED)
            report.read_changed, report.starred_changed = await asyncio.to_thread(
                state.apply_states, unread, starred)
            step("done")
    except SyncError as exc:
        await asyncio.to_thread(state.finished, iso(now_utc()), None, str(exc))
        raise
    await asyncio.to_thread(state.finished, iso(now_utc()), newest, None)
    if fulltext and lib.settings.fulltext.enabled:
        pages = await lib.fetch_fulltext(progress)
        report.pages_fetched, report.pages_failed = pages.pages_fetched, pages.pages_failed
    return report


class _Steps:
    """Progress as the reader's status line shows a refresh's: steps of the sync."""

    TOTAL = 5

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0

    def __call__(self, label: str) -> None:
        if self.progress is not None:
            self.progress("feeds", self.done, self.TOTAL, f"sync: {label}")
        self.done += 1


async def _send_queue(client: GReaderClient, state: SyncState, subs: list[Subscription],
                      report: SyncReport) -> bool:
    """Send the queue; each change leaves it once the server has it. True when a
    subscription changed."""
    queued = await asyncio.to_thread(state.queued)
    by_url = {s.url: s for s in subs}
    changed = False
    for change in (q for q in queued if q.item_id is None):
        error = await _send_subscription(client, change, by_url)
        if error:
            report.refused.append(error)
        changed = True
        report.sent += 1
        await asyncio.to_thread(state.done, [change.id])
    latest: dict[tuple[str, int], Queued] = {}
    for change in queued:
        if change.item_id is not None:
            latest[(change.kind, change.item_id)] = change
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for (kind, item_id), change in latest.items():
        groups[(kind, bool(change.value))].append(item_id)
    # A feed marked read as a whole goes as the API's own mark-all-as-read: one request
    # (FreshRSS on SQLite marks edit-tag's items one transaction each, 5 ms apiece).
    reads = groups.get(("read", True), [])
    if len(reads) >= MARK_ALL_AT:
        for url, newest, covered in await asyncio.to_thread(state.feeds_all_read, reads,
                                                            MARK_ALL_AT):
            if url in by_url:
                await client.mark_all_read(by_url[url].stream_id, newest)
                groups[("read", True)] = [i for i in groups[("read", True)]
                                          if i not in covered]
    for (kind, value), items in sorted(groups.items()):
        await client.edit_tag(sorted(items), READ if kind == "read" else STARRED, value)
    sent = [q.id for q in queued if q.item_id is not None]
    report.sent += len(latest)
    await asyncio.to_thread(state.done, sent)
    return changed


async def _send_subscription(client: GReaderClient, change: Queued,
                             by_url: dict[str, Subscription]) -> str | None:
    """One queued subscription change; returns why the server refused it, if it did
    (such a change is dropped: sending it again would fail again)."""
    url = change.url or ""
    sub = by_url.get(url)
    try:
        # `by_url` follows each change, for the next ones in the queue
        if change.kind == "subscribe":
            stream = sub.stream_id if sub else await client.quickadd(url)
            labels = sub.labels if sub else ()
            section = change.section or DEFAULT_SECTION
            if section not in labels:
                await client.edit_subscription(stream, title=change.title or None,
                                               add_label=section, remove_labels=labels)
            by_url[url] = Subscription(stream, url, change.title or "", (section,))
        elif change.kind == "unsubscribe" and sub is not None:
            await client.edit_subscription(sub.stream_id, action="unsubscribe")
            del by_url[url]
        elif change.kind == "move" and sub is not None:
            section = change.section or DEFAULT_SECTION
            await client.edit_subscription(
                sub.stream_id, add_label=section,
                remove_labels=[name for name in sub.labels if name != section])
            by_url[url] = Subscription(sub.stream_id, url, sub.title, (section,))
    except SyncError as exc:
        if change.kind == "subscribe" and "could not subscribe" in str(exc):
            return str(exc)
        raise
    return None


def _take_subscriptions(lib: Library, state: SyncState, subs: list[Subscription],
                        first: bool) -> dict[str, tuple[int, Subscription, bool]]:
    """The server's subscriptions become feeds.toml and the cache's feeds; returns
    stream id -> (feed id, subscription, fetch pages)."""
    old = {f.url: f for s in lib.subs.sections() for f in s.feeds}
    sections: dict[str, list[FeedEntry]] = {}
    kept: list[tuple[str, Subscription]] = []
    for sub in subs:
        url = safe_url(sub.url)
        if url is None or any(url == u for u, _ in kept):
            continue
        name = clean_line(sub.labels[0] if sub.labels else "", limit=100) or DEFAULT_SECTION
        fulltext = old[url].fulltext if url in old else True
        sections.setdefault(name, []).append(FeedEntry(url, clean_line(sub.title), fulltext))
        kept.append((url, sub))
    wanted = [Section(name, tuple(feeds)) for name, feeds in sections.items()]
    with lib.subs._lock, state.from_server():  # the edit lock first, as Subscriptions does
        save_sections(lib.subs.path, wanted)
        lib.subs.sync(wanted)
    pages = {f.url: f.fulltext for s in wanted for f in s.feeds}
    streams: dict[str, tuple[int, Subscription, bool]] = {}
    for url, sub in kept:
        feed_id = lib.store.feed_id(url)
        if feed_id is not None:
            streams[sub.stream_id] = (feed_id, sub, pages[url])
    if first:
        state.drop_unsynced([feed_id for feed_id, _, _ in streams.values()])
    return streams


def as_refresh_report(report: SyncReport) -> RefreshReport:
    """A sync told as a refresh (what the reader's refresh shows)."""
    return RefreshReport(feeds=report.feeds, updated=report.feeds, new_articles=report.new_items,
                         pages_fetched=report.pages_fetched, pages_failed=report.pages_failed,
                         new_ids=list(report.new_ids))


async def sync_as_refresh(lib: Library, *, fulltext: bool = True,
                          progress: Progress | None = None) -> RefreshReport:
    """`Library.refresh` with sync on: a sync, whose failure (offline, a refused
    password) is the report's one failed "feed", the server; the queue is kept."""
    try:
        return as_refresh_report(await sync_now(lib, fulltext=fulltext, progress=progress))
    except (SyncError, BadInput) as exc:
        account = await asyncio.to_thread(SyncState(lib.store).account)
        return RefreshReport(feeds=1, failed=[(account.server if account else "sync",
                                               str(exc))])
