"""The daily reader's keys (issue 15), driven with App.run_test() against a real cache
filled from feeds served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import stat
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from readerterm.config import FeedEntry, OpenSettings, Section, save_sections
from readerterm.library import Filters, Library
from readerterm.tui import bulk
from readerterm.tui.app import ReaderApp
from readerterm.tui.screens.feed_settings import FeedSettingsScreen
from readerterm.tui.widgets.attachments import OutsideLink
from test_tui_flows import (
    SIZE,
    make_app,
    palette_highlight,
    row_title,
    settle,
    title_of,
    wait_until,
)
from tui_fixtures import CHIPS, FERRY, HARBOUR, INJECTION, STORM, Pages
from tui_fixtures import pages as pages
from tui_fixtures import world as world

World = tuple[Library, dict[str, str]]


def unread(lib: Library, **kw: object) -> int:
    return lib.count(Filters(unread=True, **kw))  # type: ignore[arg-type]


async def test_A_marks_the_section_in_view_read_and_u_undoes_it(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert unread(lib, section="World") == 4 and unread(lib, section="Tech") == 1
        app.sections.focus()
        await pilot.press("j", "j", "j")  # All, Unread, Starred, World
        await settle(pilot)
        assert app.source.selection.name == "World"
        await pilot.press("A")
        await settle(pilot)
        assert unread(lib, section="World") == 0 and unread(lib, section="Tech") == 1
        assert app.articles.current is not None and app.articles.current.read
        assert sum(f.unread for f in app.feeds) == 1  # the counts follow
        await pilot.press("u")
        await settle(pilot)
        assert unread(lib, section="World") == 4
        assert app.articles.current is not None and not app.articles.current.read
        # Only once: a second u has nothing to undo.
        await pilot.press("u")
        await settle(pilot)
        assert unread(lib, section="World") == 4


async def test_C_marks_everything_read_and_the_undo_expires(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(bulk, "UNDO_SECONDS", -1.0)  # the undo's time is over at once
        await pilot.press("C")
        await settle(pilot)
        assert unread(lib) == 0
        await pilot.press("u")
        await settle(pilot)
        assert unread(lib) == 0


async def test_mark_all_read_from_the_palette(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"mark every")
        await wait_until(pilot, lambda: "every article read" in palette_highlight(app), 5.0)
        assert "every article read" in palette_highlight(app)
        await pilot.press("enter")
        await settle(pilot)
        assert unread(lib) == 0


EPISODE = "The night shift on the tide"
RADIO = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Night Radio</title><link>http://127.0.0.1/</link>
<item><guid>ep1</guid><title>{EPISODE}</title><link>{{base}}/world/storm</link>
<pubDate>Wed, 11 Jun 2025 09:00:00 GMT</pubDate>
<description><![CDATA[<p>Notes: the <a href="{{base}}/world/harbour">harbour story</a> and
<a href="{{base}}/nowhere">a page</a>.</p>]]></description>
<enclosure url="{{base}}/ep1.mp3" type="audio/mpeg" length="1000000"/>
</item></channel></rss>"""


def recorder(tmp_path: Path, name: str) -> tuple[str, Path]:
    """A program that appends its arguments to a file: (command, file)."""
    out = tmp_path / f"{name}.txt"
    script = tmp_path / name
    script.write_text(f"#!{sys.executable}\nimport sys\n"
                      f"open({str(out)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{script} --flag", out


@pytest.fixture
def radio(world: World, pages: Pages) -> World:
    """The world with a podcast feed whose episode has an enclosure and two links."""
    lib, urls = world
    feed = pages.serve("/radio.xml", RADIO.replace("{base}", pages.base), "application/rss+xml")
    sections = lib.subscriptions()
    save_sections(lib.feeds_file, [*sections, Section("Radio", (FeedEntry(feed),))])
    lib.reload_subscriptions()
    asyncio.run(lib.refresh(fulltext=False))
    return lib, urls


async def open_episode(pilot: Pilot[int], app: ReaderApp) -> None:
    await settle(pilot)
    assert row_title(app) == EPISODE  # the newest
    await pilot.press("enter")
    await settle(pilot)
    assert title_of(app) == EPISODE


async def test_episode_lists_attachment_and_links_and_e_plays_it(
        radio: World, pages: Pages, tmp_path: Path) -> None:
    lib, _ = radio
    command, played = recorder(tmp_path, "player")
    lib.settings = replace(lib.settings, open=OpenSettings(player=command))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await open_episode(pilot, app)
        items = list(app.reader.query(OutsideLink))
        assert [(i.kind, i.url) for i in items] == [
            ("enclosure", pages.base + "/ep1.mp3"),
            ("link", pages.base + "/world/harbour"), ("link", pages.base + "/nowhere")]
        await pilot.press("e")
        await wait_until(pilot, played.exists, 10.0)
        assert played.read_text() == f"--flag {pages.base}/ep1.mp3\n"


async def test_a_link_of_the_text_opens_like_a_related_link(radio: World) -> None:
    lib, _ = radio
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await open_episode(pilot, app)
        link = next(i for i in app.reader.query(OutsideLink) if i.kind == "link")
        link.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert title_of(app) == HARBOUR  # the cached article, in the reader
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert title_of(app) == EPISODE


async def test_o_says_plainly_when_no_browser_started(radio: World, tmp_path: Path) -> None:
    lib, urls = radio
    lib.settings = replace(lib.settings, open=OpenSettings(browser=str(tmp_path / "none")))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        said = str(app.query_one("#status-message", Static).render())
        assert said.startswith("Could not start") and "Opened" not in said
    command, opened = recorder(tmp_path, "browser")
    lib.settings = replace(lib.settings, open=OpenSettings(browser=command))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await wait_until(pilot, opened.exists, 10.0)
        assert opened.read_text() == f"--flag {urls['storm']}\n"


async def test_y_copies_the_url_and_w_saves_markdown(radio: World) -> None:
    lib, urls = radio
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await open_episode(pilot, app)
        app.reader.focus()
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == urls["storm"]
        await pilot.press("w")
        await settle(pilot)
        saved = list(lib.paths.saved_dir.glob("*.md"))
        assert len(saved) == 1 and saved[0].name.endswith("-the-night-shift-on-the-tide.md")
        text = saved[0].read_text()
        assert text.startswith(f"# {EPISODE}\n") and "## Attachments" in text
        assert f"[harbour story](<{urls['harbour']}>)" in text


async def test_a_saved_search_is_a_section_with_its_unread_count(world: World) -> None:
    lib, _ = world
    lib.feeds_file.write_text(lib.feeds_file.read_text() +
                              '\n[[query]]\nname = "Storms"\nsearch = "storm"\n')
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        labels = [str(node.label) for node in app.sections.root.children]
        assert labels[-1] == "Saved searches"
        saved = app.sections.root.children[-1].children
        assert [str(node.label) for node in saved] == ["⌕ Storms 2"]
        app.sections.focus()
        await pilot.press(*"jjjjjjjj")  # ... Tech, Bytes, Saved searches, Storms
        await settle(pilot)
        assert app.source.selection.kind == "query"
        assert app.articles.total == 2 and row_title(app) == STORM
        await pilot.press("A")
        await settle(pilot)
        assert [str(node.label) for node in saved] == ["⌕ Storms"]
        assert lib.count(Filters(unread=True)) == 3


def shown(app: ReaderApp, lib: Library) -> list[str]:
    """The titles of the list as the reader has it, in its order."""
    return [r.title for r in lib.articles(app.service.filters(app.source))]


async def test_h_hides_read_articles_and_S_sorts_both_remembered(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.articles.total == 5 and row_title(app) == STORM
        await pilot.press("enter")  # read
        await settle(pilot)
        app.articles.focus()
        await pilot.press("h")
        await settle(pilot)
        assert app.articles.total == 4 and row_title(app) != STORM
        await pilot.press("S")  # oldest first
        await settle(pilot)
        assert shown(app, lib) == [INJECTION, FERRY, HARBOUR, CHIPS]
        await pilot.press("S")  # by feed: Daily Planet's newest unread, then Bytes
        await settle(pilot)
        assert app.articles.total == 4
        assert shown(app, lib) == [HARBOUR, FERRY, INJECTION, CHIPS]
    app = make_app(lib)  # the next run keeps both
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.articles.total == 4 and row_title(app) == HARBOUR
        await pilot.press("h", "S")  # read shown again; newest first again
        await settle(pilot)
        assert app.articles.total == 5
        assert shown(app, lib) == [STORM, CHIPS, HARBOUR, FERRY, INJECTION]


async def test_E_edits_the_selected_feed_and_writes_feeds_toml(world: World) -> None:
    lib, urls = world
    lib.feeds_file.write_text("# mine\n" + lib.feeds_file.read_text())
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")  # nothing selected: a hint, no screen
        await settle(pilot)
        assert not isinstance(app.screen, FeedSettingsScreen)
        app.sections.focus()
        await pilot.press(*"jjjj")  # All, Unread, Starred, World, Daily Planet
        await settle(pilot)
        await pilot.press("E")
        # (not settle: the screen's worker waits for the user)
        await wait_until(pilot, lambda: isinstance(app.screen, FeedSettingsScreen), 5.0)
        screen = app.screen
        assert isinstance(screen, FeedSettingsScreen)
        screen.query_one("#feed-title", Input).value = "The Planet"
        screen.query_one("#feed-section", Input).value = "Front page"
        screen.query_one("#feed-interval", Input).value = "often"
        # The button itself, not a click at its place: under load the click could land
        # before the screen is laid out, and the screen would wait for ever.
        screen.query_one("#feed-save", Button).press()
        await pilot.pause()
        assert app.screen is screen  # an interval it cannot read: said, not saved
        assert "not an interval" in str(screen.query_one("#feed-settings-error").render())
        screen.query_one("#feed-interval", Input).value = "2h"
        screen.query_one("#feed-save", Button).press()
        await wait_until(pilot, lambda: not isinstance(app.screen, FeedSettingsScreen), 10.0)
        await settle(pilot)
        assert not isinstance(app.screen, FeedSettingsScreen)
        sections = lib.subscriptions()
        assert [s.name for s in sections] == ["World", "Tech", "Front page"]
        moved = sections[2].feeds[0]
        assert (moved.url, moved.title, moved.interval) == (urls["world_feed"], "The Planet",
                                                            "2h")
        assert lib.feeds_file.read_text().startswith("# mine\n")
        assert any(f.title == "The Planet" and f.section == "Front page" for f in app.feeds)
