"""The open reader refreshes feeds on its own as they come due (tui/autorefresh.py), and
`r` refreshes only the selected feed and its article pages."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conftest import FeedServer, rss
from readerterm import paths
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from test_tui_flows import SIZE, make_app, settle, wait_until
from tui_fixtures import NOW, Pages, open_world, serve_world
from tui_fixtures import pages as pages


@pytest.fixture
def two_feeds(tmp_path: Path, server: FeedServer,
              monkeypatch: pytest.MonkeyPatch) -> tuple[Library, FeedServer]:
    """A fast feed (interval 2 s) and a slow one (1 h), each fetched once already."""
    home = tmp_path / "home"
    monkeypatch.setenv("READERTERM_HOME", str(home))
    fast = server.serve("/fast.xml", rss("Fast", [("f1", "Fast news", "x")]))
    slow = server.serve("/slow.xml", rss("Slow", [("s1", "Slow news", "x")]))
    p = paths.resolve({"READERTERM_HOME": str(home)})
    save_sections(p.config_dir / "feeds.toml", [Section("News", (
        FeedEntry(fast, interval="2s"), FeedEntry(slow, interval="1h")))])
    lib = Library.open(p)
    asyncio.run(lib.refresh(fulltext=False))
    assert server.hits == {"/fast.xml": [200], "/slow.xml": [200]}
    return lib, server


async def test_the_open_reader_refreshes_a_due_feed_without_a_key(
        two_feeds: tuple[Library, FeedServer]) -> None:
    lib, server = two_feeds
    app = make_app(lib)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # No key is pressed: the 2 s feed is fetched again, twice over.
            await wait_until(pilot, lambda: len(server.hits["/fast.xml"]) >= 3, 30.0)
            assert len(server.hits["/fast.xml"]) >= 3
            assert server.hits["/slow.xml"] == [200]  # its hour has not come
            # New articles of the fast feed show up in the open list.
            server.serve("/fast.xml", rss("Fast", [("f1", "Fast news", "x"),
                                                   ("f2", "Faster news", "y")]))
            await wait_until(pilot, lambda: app.articles.total == 3, 30.0)
            assert app.articles.total == 3
    finally:
        lib.close()


async def test_on_start_refreshes_everything_then_what_is_due(
        two_feeds: tuple[Library, FeedServer]) -> None:
    lib, server = two_feeds
    app = ReaderApp(lib, clock=lambda: NOW, refresh_on_start=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert len(server.hits["/slow.xml"]) == 2  # the refresh on start
            await wait_until(pilot, lambda: len(server.hits["/fast.xml"]) >= 4, 30.0)
            assert len(server.hits["/fast.xml"]) >= 4 and len(server.hits["/slow.xml"]) == 2
    finally:
        lib.close()


async def test_r_refreshes_the_selected_feed_and_only_its_pages(
        tmp_path: Path, pages: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READERTERM_HOME", str(tmp_path / "home"))
    lib = open_world(tmp_path / "home", serve_world(pages), refresh=False)
    await lib.refresh(fulltext=False)  # every page is still to fetch
    pages.hits.clear()
    app = make_app(lib)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.sections.focus()
            await pilot.press("j", "j", "j", "j", "j", "j")  # ... World, Daily Planet, Tech, Bytes
            await settle(pilot)
            assert app.source.selection.name == "Bytes"
            await pilot.press("r")
            await settle(pilot)
            assert sorted(pages.hits) == ["/tech.xml", "/tech/chips"]
    finally:
        lib.close()
