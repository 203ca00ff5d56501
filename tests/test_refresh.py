"""Refresh against a real HTTP server on 127.0.0.1, into a real SQLite cache."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, FeedServer, rss
from readerterm import paths
from readerterm.config import FeedEntry, Section, load_sections, save_sections
from readerterm.library import Filters, Library
from readerterm.pool import PARSER_NICENESS, PROCESS_AFTER, ParserPool


def open_library(home: Path, feeds: dict[str, list[str]]) -> Library:
    p = paths.resolve({"READERTERM_HOME": str(home)})
    sections = [Section(name, tuple(FeedEntry(u) for u in urls)) for name, urls in feeds.items()]
    save_sections(p.config_dir / "feeds.toml", sections)
    return Library.open(p)


def refresh(lib: Library, **kw: object):  # type: ignore[no-untyped-def]
    return asyncio.run(lib.refresh(fulltext=False, **kw))  # type: ignore[arg-type]


def test_second_refresh_is_all_304(home: Path, server: FeedServer) -> None:
    bbc = server.serve("/bbc.xml", (DATA / "feeds/feedrs__rss_2.0_bbc.xml").read_bytes())
    df = server.serve("/df.rss", (DATA / "feeds/nnw__DaringFireball.rss").read_bytes(),
                      content_type="application/atom+xml")
    lib = open_library(home, {"World": [bbc], "Tech": [df]})
    first = refresh(lib)
    assert first.updated == 2 and not first.failed
    assert first.new_articles == lib.count()
    assert lib.count() > 10
    second = refresh(lib)
    assert second.not_modified == 2 and second.updated == 0 and second.new_articles == 0
    assert server.hits["/bbc.xml"] == [200, 304]
    assert server.hits["/df.rss"] == [200, 304]
    feeds = {f.url: f for f in lib.feeds()}
    assert feeds[bbc].status == "ok" and feeds[bbc].title  # title taken from the feed
    assert feeds[bbc].total == feeds[bbc].unread > 0


def test_read_and_starred_survive_refresh_and_dropped_items_stay(
        home: Path, server: FeedServer) -> None:
    items = [(f"g{i}", f"Story {i}", f"text {i}") for i in range(5)]
    url = server.serve("/f.xml", rss("Feed", items))
    lib = open_library(home, {"News": [url]})
    refresh(lib)
    rows = lib.articles()
    assert [r.title for r in rows][:1] == ["Story 4"]  # newest first by pubDate
    target = next(r for r in rows if r.title == "Story 2")
    lib.mark(target.id, read=True, starred=True)
    # The feed changes: item 2 is edited, item 0 leaves the feed, one is new.
    changed = [("g1", "Story 1", "text 1"), ("g2", "Story 2 (updated)", "more text"),
               ("g3", "Story 3", "text 3"), ("g4", "Story 4", "text 4"), ("g5", "New", "n")]
    server.serve("/f.xml", rss("Feed", changed))
    report = refresh(lib)
    assert report.new_articles == 1
    view = lib.article(target.id)
    assert view.title == "Story 2 (updated)" and view.read and view.starred
    titles = {r.title for r in lib.articles()}
    assert "Story 0" in titles  # left the feed, kept for offline reading
    assert lib.count() == 6
    assert lib.count(Filters(unread=True)) == 5
    assert [r.id for r in lib.articles(Filters(starred=True))] == [target.id]


def test_permanent_redirect_updates_the_stored_url(home: Path, server: FeedServer) -> None:
    new = server.serve("/new.xml", rss("Moved", [("a", "A", "x")]))
    old = server.redirect("/old.xml", new, 301)
    lib = open_library(home, {"News": [old]})
    report = refresh(lib)
    assert not report.failed
    assert [f.url for f in lib.feeds()] == [new]
    sections = load_sections(lib.feeds_file)
    assert sections is not None and [f.url for f in sections[0].feeds] == [new]
    # A temporary redirect does not move the feed.
    tmp_target = server.serve("/t.xml", rss("T", [("b", "B", "y")]))
    temp = server.redirect("/temp.xml", tmp_target, 302)
    lib2 = open_library(home, {"News": [new, temp]})
    refresh(lib2)
    assert {f.url for f in lib2.feeds()} == {new, temp}


def test_gone_marks_the_feed_dead_and_others_go_on(home: Path, server: FeedServer) -> None:
    gone = server.serve("/gone.xml", "gone", status=410, content_type="text/plain")
    page = server.serve("/page.html", "<html><body><p>Hello</p></body></html>",
                        content_type="text/html")
    missing = server.url("/missing.xml")
    good = server.serve("/good.xml", rss("Good", [("a", "A", "x")]))
    lib = open_library(home, {"News": [gone, page, missing, good]})
    report = refresh(lib)
    feeds = {f.url: f for f in lib.feeds()}
    assert feeds[gone].status == "dead" and "410" in (feeds[gone].error or "")
    assert feeds[page].status == "error" and "not a feed" in (feeds[page].error or "").lower()
    assert feeds[missing].status == "error" and "404" in (feeds[missing].error or "")
    assert feeds[good].status == "ok" and feeds[good].total == 1
    assert {u for u, _ in report.failed} == {gone, page, missing}
    # A dead feed is not fetched again by a refresh of everything.
    refresh(lib)
    assert server.hits["/gone.xml"] == [410]


def test_retry_after_is_honoured(home: Path, server: FeedServer) -> None:
    busy = server.serve("/busy.xml", "slow down", status=429, content_type="text/plain",
                        headers={"Retry-After": "3600"})
    lib = open_library(home, {"News": [busy]})
    refresh(lib)
    again = refresh(lib)
    assert again.skipped == 1 and server.hits["/busy.xml"] == [429]


def test_offline_reads_come_from_the_cache(home: Path, server: FeedServer) -> None:
    url = server.serve("/f.xml", rss("Feed", [("a", "Kabul embassy", "Diplomats stay in Kabul"),
                                              ("b", "Other", "Nothing here")]))
    lib = open_library(home, {"World": [url]})
    refresh(lib)
    server.stop()
    report = refresh(lib)
    assert len(report.failed) == 1  # the feed reports the failure; nothing raised
    rows = lib.search("kabul")
    assert [r.title for r in rows] == ["Kabul embassy"]
    view = lib.article(rows[0].id)
    assert "Diplomats stay in Kabul" in view.document.body_text
    assert lib.feeds()[0].error


def test_retention_keeps_the_newest_per_feed_and_every_starred_article(
        home: Path, server: FeedServer) -> None:
    config = home / "config/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[retention]\ndays = 1\nper_feed = 2\n")
    items = [(f"g{i}", f"Story {i}", "old news") for i in range(5)]  # June 2026: old
    url = server.serve("/f.xml", rss("Feed", items))
    lib = open_library(home, {"News": [url]})
    refresh(lib)
    assert [r.title for r in lib.articles()] == ["Story 4", "Story 3"]
    lib.mark(lib.articles()[1].id, starred=True)  # Story 3
    server.serve("/f.xml", rss("Feed", [*items, ("g5", "Story 5", "x"), ("g6", "Story 6", "y")]))
    refresh(lib)
    # The two newest stay, and the starred Story 3 stays for ever.
    assert [r.title for r in lib.articles()] == ["Story 6", "Story 5", "Story 3"]
    assert [r.title for r in lib.search("old")] == ["Story 3"]  # the index follows


class _ImportLog:
    """A meta path finder that only records which modules were looked for."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name: str, *_args: object) -> None:
        self.names.append(name)


def test_a_refresh_looks_for_no_module_once_warm(home: Path, server: FeedServer) -> None:
    """httpcore asks for sniffio on every request. Without it installed, each ask was a
    failed import that searched sys.path again (0.6 ms of a 304's 2 ms of CPU)."""
    urls = [server.serve(f"/{n}.xml", rss(f"F{n}", [(f"g{n}", "T", "D")])) for n in range(4)]
    lib = open_library(home, {"News": urls})
    refresh(lib)  # whatever a refresh imports, once
    log = _ImportLog()
    sys.meta_path.insert(0, log)  # type: ignore[arg-type]
    try:
        assert refresh(lib).not_modified == 4
    finally:
        sys.meta_path.remove(log)  # type: ignore[arg-type]
    lib.close()
    assert log.names == []


def _stored(lib: Library) -> list[tuple[str, str, str | None, str]]:
    rows = lib.store.conn.execute(
        "SELECT f.url, a.guid, a.url, a.title || '|' || a.summary_html || '|'"
        " || IIF(a.published = a.first_seen, 'undated', a.published)"
        " || '|' || a.doc_status || '|' || COALESCE(a.lead_image, '') || '|' || fts.body"
        " FROM articles a JOIN feeds f ON f.id = a.feed_id"
        " JOIN articles_fts fts ON fts.rowid = a.id ORDER BY f.url, a.guid")
    return [tuple(r) for r in rows]


def _refresh_in_processes_and_in_a_thread(
        tmp_path: Path, server: FeedServer,
        monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[str, str, str | None, str]]]:
    """A first refresh of more fixture feeds than PROCESS_AFTER, into two caches: one
    parsed in processes (READERTERM_PARSE=auto), one in a thread; what each stored."""
    names = sorted(n for n in os.listdir(DATA / "feeds") if n.endswith((".xml", ".rss")))
    urls = [server.serve(f"/{i}.xml", (DATA / "feeds" / name).read_bytes())
            for i, name in enumerate(names[:PROCESS_AFTER + 6])]
    stored = {}
    for mode in ("auto", "thread"):
        monkeypatch.setenv("READERTERM_PARSE", mode)
        home = tmp_path / mode
        monkeypatch.setenv("READERTERM_HOME", str(home))
        lib = open_library(home, {"News": urls})
        report = refresh(lib)
        assert report.updated + len(report.failed) == len(urls) and report.updated > 20
        stored[mode] = _stored(lib)
        lib.close()
    return stored


def test_a_first_refresh_of_many_feeds_parses_in_processes_as_in_a_thread(
        tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """More feeds with nothing cached than PROCESS_AFTER: the parser processes start at
    once, and what they parse is stored exactly as a thread would have parsed it (no
    other test refreshes enough feeds to use them)."""
    pools: list[str] = []
    niceness: list[int] = []
    shutdown = ParserPool.shutdown

    def record(self: ParserPool) -> None:
        if self.pool is not None or self.thread is not None:
            pools.append(type(self.pool or self.thread).__name__)
        if self.pool is not None:  # the parsers' priority, below the refresh's own
            niceness.append(self.pool.submit(os.nice, 0).result(timeout=30))
        shutdown(self)

    monkeypatch.setattr(ParserPool, "shutdown", record)
    stored = _refresh_in_processes_and_in_a_thread(tmp_path, server, monkeypatch)
    assert pools == ["ProcessPoolExecutor", "ThreadPoolExecutor"]
    assert niceness == [min(19, os.nice(0) + PARSER_NICENESS)]
    assert len(stored["auto"]) > 150
    assert stored["auto"] == stored["thread"]


def test_a_parser_process_that_dies_costs_no_feed(
        tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser process killed mid-refresh (the OOM killer, a crash in a C library)
    breaks its pool and every parse in flight there. The refresh does not stop: those
    bodies are parsed again in a new pool, and every feed is stored."""
    run = ParserPool.run
    killed: list[int] = []

    async def run_and_kill(self: ParserPool, *args: Any) -> Any:
        if not killed and self.count >= 5 and isinstance(self.pool, ProcessPoolExecutor):
            for _ in range(500):  # the workers start in the background
                workers = list(self.pool._processes or {})  # (a test may peek)
                if workers:
                    break
                await asyncio.sleep(0.01)
            killed.append(workers[0])
            os.kill(workers[0], signal.SIGKILL)
        return await run(self, *args)

    monkeypatch.setattr(ParserPool, "run", run_and_kill)
    stored = _refresh_in_processes_and_in_a_thread(tmp_path, server, monkeypatch)
    assert len(killed) == 1
    assert stored["auto"] == stored["thread"]


def test_without_working_semaphores_a_refresh_parses_in_its_thread(
        tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where multiprocessing has no semaphores (Termux on Android, some sandboxes) no
    process pool can start: a first refresh of many feeds parses them in its thread
    instead of failing."""

    def no_semaphores(*_args: Any, **_kwargs: Any) -> None:
        raise ImportError("This platform lacks a functioning sem_open implementation")

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", no_semaphores)
    stored = _refresh_in_processes_and_in_a_thread(tmp_path, server, monkeypatch)
    assert len(stored["auto"]) > 150
    assert stored["auto"] == stored["thread"]
