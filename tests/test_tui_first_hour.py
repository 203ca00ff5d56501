"""Issue 14 in the reader: the first-run screen (point 1), `n` moving on to the next
feed with unread articles, feed errors leaving the status line, and `q` during a refresh
(point 8); the real app with App.run_test() and, for quitting, in tmux."""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static

from conftest import FeedServer
from conftest import rss as feed_rss
from readerterm import paths
from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from readerterm.tui.screens.first_run import FirstRunScreen
from readerterm.tui.service import Selection
from test_tui_flows import SIZE, make_app, settle, title_of
from tmux_session import Tmux
from tui_fixtures import CHIPS, FERRY, HARBOUR, INJECTION, NOW, STORM
from tui_fixtures import pages as pages
from tui_fixtures import world as world

World = tuple[Library, dict[str, str]]


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[], Library]]:
    """Opens a library on tmp_path/home (as the test left it), closed afterwards."""
    opened: list[Library] = []

    def open_home() -> Library:
        opened.append(Library.open(paths.resolve({"READERTERM_HOME": str(tmp_path / "home")})))
        return opened[-1]

    yield open_home
    for lib in opened:
        lib.close()


def status_text(app: ReaderApp) -> str:
    return str(app.status.query_one("#status-message", Static).content)


# -- the first-run screen ----------------------------------------------------------------


async def test_a_first_start_offers_a_way_in_and_the_sample_set_is_only_an_offer(
        fresh: Callable[[], Library]) -> None:
    lib = fresh()
    assert lib.feeds() == []
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert lib.feeds() == []  # offered, not imposed
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, FirstRunScreen)
        feeds = lib.feeds()
        assert len(feeds) == 13
        assert {f.section for f in feeds} == {"World", "Technology", "Science", "Business"}


async def test_the_first_run_screen_adds_a_feed_and_lists_it(
        fresh: Callable[[], Library], server: FeedServer) -> None:
    url = server.serve("/mine.xml", feed_rss("Mine", [("a", "My first article", "Hello.")]))
    lib = fresh()
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*url)
        await pilot.press("enter")
        await settle(pilot)
        assert [f.url for f in lib.feeds()] == [url]
        assert app.articles.current is not None
        assert app.articles.current.title == "My first article"


async def test_a_file_that_is_no_subscription_list_brings_the_screen_back_saying_why(
        fresh: Callable[[], Library], tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some words\n")
    lib = fresh()
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.press(*str(junk))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        note = str(app.screen.query_one("#first-run-note", Static).content)
        assert "not an OPML file or a newsboat urls file" in note
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FirstRunScreen) and lib.feeds() == []


async def test_no_first_run_screen_once_there_are_subscriptions(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, FirstRunScreen)


# -- n moves on to the next feed with unread articles -----------------------------------


async def test_n_after_the_last_unread_of_a_feed_opens_the_next_feed_with_unread(
        world: World) -> None:
    lib, urls = world
    ids = {f.url: f.id for f in lib.feeds()}
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        world_feed = app.sections.feed(ids[urls["world_feed"]])
        assert world_feed is not None
        app.sections.select(Selection("feed", world_feed.title, world_feed.id))
        await settle(pilot)
        opened = []
        for _ in range(4):
            await pilot.press("n")
            await settle(pilot)
            opened.append(title_of(app))
        assert opened == [STORM, HARBOUR, FERRY, INJECTION]
        await pilot.press("n")  # the world feed has no unread left: on to Tech
        await settle(pilot)
        assert app.source.selection.feed_id == ids[urls["tech_feed"]]
        assert app.sections.selection.feed_id == ids[urls["tech_feed"]]
        assert title_of(app) == CHIPS and app.articles.current is not None
        assert app.articles.current.title == CHIPS
        await pilot.press("n")  # nothing unread anywhere now
        await settle(pilot)
        assert title_of(app) == CHIPS
        assert app.source.selection.feed_id == ids[urls["tech_feed"]]


# -- stale feed errors leave the status line --------------------------------------------


async def test_a_feed_error_leaves_the_status_line_with_its_cause(world: World) -> None:
    lib, urls = world
    ids = {f.url: f.id for f in lib.feeds()}
    tech = ids[urls["tech_feed"]]
    lib.store.feed_error(tech, "HTTP 500 from the server", 500, NOW)
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def highlight(feed_id: int) -> None:
            feed = app.sections.feed(feed_id)
            assert feed is not None
            app.sections.select(Selection("feed", feed.title or feed.url, feed.id))
            await settle(pilot)

        await highlight(tech)
        assert "HTTP 500 from the server" in status_text(app)
        await highlight(ids[urls["world_feed"]])  # a feed without an error
        assert status_text(app) == ""
        await highlight(tech)
        assert "HTTP 500" in status_text(app)
        lib.store.feed_not_modified(tech, NOW)  # the cause is gone (a later refresh)
        app.load_feeds()
        await settle(pilot)
        assert status_text(app) == ""


# -- q during a refresh -------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_q_during_a_refresh_quits_and_leaves_a_sound_cache(
        tmux: Tmux, tmp_path: Path, server: FeedServer) -> None:
    """The reader quits while a refresh waits on a feed that never answers and others
    are being stored; the cache is sound afterwards; and Python is left little to trace
    at exit (tracing all the reader's objects again made `q` take a second or more)."""
    gate = threading.Event()
    urls = [server.serve(f"/f{n}.xml", feed_rss(f"Feed {n}", [
        (f"{n}-{i}", f"Story {i} of feed {n}", "Text. " * 40) for i in range(30)]))
        for n in range(20)]
    urls.append(server.serve("/slow.xml", feed_rss("Slow", []), gate=gate))
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config/feeds.toml").write_text("".join(
        f'[[sections]]\nname = "S{n}"\n[[sections.feeds]]\nurl = "{u}"\n'
        for n, u in enumerate(urls)))
    stats = tmp_path / "gc.txt"
    program = ("import gc, sys\nfrom readerterm.cli import main\ncode = main([])\n"
               f"sys.stderr = open({str(stats)!r}, 'w')\ngc.set_debug(gc.DEBUG_STATS)\n"
               "sys.exit(code)\n")
    try:
        tmux("new-session", "-d", "-s", "reader", "-x", "120", "-y", "40",
             "-e", f"READERTERM_HOME={home}", "-e", "READERTERM_PARSE=process",
             sys.executable, "-c", program)
        tmux.wait_until(lambda s: "Story" in s and "Refreshing" in s,
                        "articles listed while the refresh goes on")
        tmux("send-keys", "-t", "reader", "q")
        tmux.wait_exit()
        assert not gate.is_set()  # the slow feed was still being waited for
    finally:
        gate.set()
    conn = sqlite3.connect(home / "data/readerterm.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    traced = [sum(int(n) for n in m.split()) for m in
              re.findall(r"objects in each generation: ([\d ]+)", stats.read_text())]
    assert traced, "Python's collections at exit were reported"
    assert max(traced) < 20_000, traced


# -- an unknown theme in config.toml is reported -----------------------------------------


async def test_an_unknown_theme_in_the_config_is_reported(
        fresh: Callable[[], Library], tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config/config.toml").write_text('[ui]\ntheme = "solarised-nope"\n')
    lib = fresh()
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("'solarised-nope' is not a theme" in m and "theme = " in m
                   for m in messages), messages
        assert app.theme == "textual-dark"


async def test_a_list_row_without_a_date_shows_no_age(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = app.articles.current
        assert row is not None and row.date_known
        undated = replace(row, published=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), date_known=False)
        assert app.articles._row_text(undated, 80).plain.rstrip().endswith("?")
        assert not app.articles._row_text(row, 80).plain.rstrip().endswith("?")
