"""Every reader flow, driven with App.run_test() against a real cache that was filled by
refreshing feeds and article pages served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from conftest import FeedServer
from conftest import rss as feed_rss
from readerterm import paths
from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from readerterm.tui.refreshing import RefreshProgress
from readerterm.tui.screens.help import HelpScreen
from readerterm.tui.widgets.article_list import ArticleList
from readerterm.tui.widgets.links import RelatedItem, SimilarItem
from test_refresh import open_library
from tui_fixtures import (
    CHIPS,
    EXTRA,
    FERRY,
    HARBOUR,
    INJECTION,
    NOW,
    STORM,
    Pages,
    open_world,
    page,
    rss,
    serve_world,
)
from tui_fixtures import pages as pages
from tui_fixtures import world as world

World = tuple[Library, dict[str, str]]
SIZE = (120, 40)


def make_app(lib: Library) -> ReaderApp:
    return ReaderApp(lib, clock=lambda: NOW)


SETTLE_SECONDS = 60.0


async def settle(pilot: Pilot[int]) -> None:
    """Wait until the workers are done and the screen has caught up."""
    for _ in range(3):
        await pilot.pause()
        # Bounded: a worker waiting for the user (a modal screen) fails the test, not
        # the whole run.
        await asyncio.wait_for(pilot.app.workers.wait_for_complete(), SETTLE_SECONDS)
    await pilot.pause()


async def wait_until(pilot: Pilot[int], ready: Callable[[], bool], seconds: float,
                     step: float = 0.05) -> None:
    """Pause until `ready()` holds or `seconds` have passed (the caller asserts)."""
    end = time.monotonic() + seconds
    while not ready() and time.monotonic() < end:
        await pilot.pause(step)


def palette_highlight(app: ReaderApp) -> str:
    """The text of the command palette's highlighted hit ("" when there is none)."""
    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return ""
    options = screen.query_one(CommandList)
    index = options.highlighted
    if index is None:
        return ""
    prompt = options.get_option_at_index(index).prompt
    return prompt.plain if isinstance(prompt, Content | Text) else str(prompt)


def title_of(app: ReaderApp) -> str | None:
    return app.reader.view.title if app.reader.view else None


def row_title(app: ReaderApp) -> str | None:
    row = app.articles.current
    return row.title if row else None


async def test_start_all_selected_focus_in_list_newest_highlighted(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.sections.selection.kind == "all"
        assert app.focused_pane() == "articles"
        assert app.articles.cursor == 0
        assert row_title(app) == STORM
        assert app.articles.total == 5


async def test_open_an_article_marks_it_read_and_shows_captions_and_related(
        world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert title_of(app) == STORM
        assert lib.article(app.reader.view.id).read  # type: ignore[union-attr]
        captions = [str(w.render()) for w in app.query(".caption").results(Static)]
        assert any("Waves break over the sea wall" in c and "Eva Stone" in c for c in captions)
        links = list(app.query(RelatedItem))
        assert [link.link.title for link in links] == [HARBOUR, EXTRA, FERRY]
        assert "Ben Okafor" in links[0].text.plain
        # The publication's name (the cached article's feed), not the link's host.
        assert "Daily Planet" in links[0].text.plain
        assert "127.0.0.1" not in links[0].text.plain


async def test_follow_related_back_forward(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert title_of(app) == STORM
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        await pilot.press("alt+left")
        await settle(pilot)
        assert title_of(app) == STORM
        await pilot.press("alt+right")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        await pilot.press("backspace")
        await settle(pilot)
        assert title_of(app) == STORM


async def test_related_links_follow_from_any_pane_and_by_enter_and_click(
        world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.sections.focus()
        await pilot.press("3")
        await settle(pilot)
        assert title_of(app) == FERRY
        assert app.query_one(RelatedItem).link.title == HARBOUR  # Ferry's only link
        app.links.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        link = app.query(RelatedItem).first()  # Harbour's first link: Storm
        await pilot.pause()
        await pilot.click(link)
        await settle(pilot)
        assert title_of(app) == STORM


async def test_back_restores_scroll_position_and_focused_pane(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab")
        assert app.focused_pane() == "reader"
        await pilot.press("space")
        await pilot.press("j", "j", "j")
        await settle(pilot)
        scrolled = app.reader.scroll_y
        assert scrolled > 10
        await pilot.press("1")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        assert app.reader.scroll_y == 0
        app.articles.focus()
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert title_of(app) == STORM
        assert app.reader.scroll_y == scrolled
        assert app.focused_pane() == "reader"


async def test_a_new_visit_after_back_drops_forward(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")  # Harbour
        await settle(pilot)
        await pilot.press("left_square_bracket")  # Storm
        await settle(pilot)
        await pilot.press("3")  # Ferry: a new visit
        await settle(pilot)
        assert title_of(app) == FERRY
        assert not app.history.can_forward
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert title_of(app) == FERRY
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert title_of(app) == STORM
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert title_of(app) == FERRY


async def test_next_and_previous_unread(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the highlighted newest article is unread and not open yet
        await settle(pilot)
        assert (app.articles.cursor, title_of(app)) == (0, STORM)
        await pilot.press("n")
        await settle(pilot)
        assert (app.articles.cursor, title_of(app)) == (1, CHIPS)
        await pilot.press("n")
        await settle(pilot)
        assert (app.articles.cursor, title_of(app)) == (2, HARBOUR)
        await pilot.press("p")  # Storm and Chips are read now: nothing unread above
        await settle(pilot)
        assert (app.articles.cursor, title_of(app)) == (2, HARBOUR)
        await pilot.press("n")
        await settle(pilot)
        assert (app.articles.cursor, title_of(app)) == (3, FERRY)
        lib.mark(next(r.id for r in lib.articles() if r.title == CHIPS), read=False)
        app.articles.update_row(app.articles.row(1).id, read=False)  # type: ignore[union-attr]
        await pilot.press("p")
        await settle(pilot)
        assert (app.articles.cursor, title_of(app)) == (1, CHIPS)


async def test_j_k_move_and_sections_filter_the_list(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "k")
        assert row_title(app) == CHIPS
        app.sections.focus()
        await pilot.press("j", "j", "j")  # All, Unread, Starred, World
        await settle(pilot)
        assert app.source.selection.kind == "section"
        assert app.articles.total == 4
        await pilot.press("j", "j", "j")  # Daily Planet, Tech, Bytes
        await settle(pilot)
        assert app.source.selection.kind == "feed"
        assert app.articles.total == 1 and row_title(app) == CHIPS


async def test_search(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"ferry")
        await pilot.press("enter")
        await settle(pilot)
        assert app.source.query == "ferry"
        assert row_title(app) == FERRY
        assert app.focused_pane() == "articles"
        await pilot.press("enter")
        await settle(pilot)
        assert title_of(app) == FERRY
        # A query FTS5 cannot read is an error message, not a crash.
        await pilot.press("slash")
        await pilot.press("ctrl+a", "ctrl+k", "quotation_mark")
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert any("Search" in n.title for n in app._notifications)


async def test_back_returns_to_search_results(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"harbour", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.sections.focus()
        await pilot.press("j")  # Unread: leaves the search
        await settle(pilot)
        assert app.source.query is None
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.source.query == "harbour"


async def test_star_and_toggle_read(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        storm = app.articles.current
        assert storm is not None
        await pilot.press("s")
        await settle(pilot)
        assert lib.article(storm.id).starred
        assert app.articles.current is not None and app.articles.current.starred
        await pilot.press("m")
        await settle(pilot)
        assert lib.article(storm.id).read
        await pilot.press("m")
        await settle(pilot)
        assert not lib.article(storm.id).read
        app.sections.focus()
        await pilot.press("j", "j")  # Starred
        await settle(pilot)
        assert app.articles.total == 1 and row_title(app) == STORM
        # In the reader, s stars the open article.
        await pilot.press("tab", "enter")
        await settle(pilot)
        app.reader.focus()
        await pilot.press("s")
        await settle(pilot)
        assert not lib.article(storm.id).starred


async def test_refresh_while_reading_keeps_highlighted_and_open_article(
        world: World, pages: Pages) -> None:
    lib, urls = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        app.reader.focus()
        await pilot.press("space")
        await settle(pilot)
        scroll = app.reader.scroll_y
        highlighted = app.articles.current
        # Two newer articles arrive in the feed.
        b = pages.base
        pages.serve("/world/new1", page("Tide tables rewritten after surge", "Gus Hale", []))
        pages.serve("/world/new2", page("Schools reopen along the coast road", "Ida Moss", []))
        pages.serve("/world.xml", rss("Daily Planet", [
            ("new1", "Tide tables rewritten after surge", b + "/world/new1",
             "Tue, 10 Jun 2025 11:00:00 GMT"),
            ("new2", "Schools reopen along the coast road", b + "/world/new2",
             "Tue, 10 Jun 2025 11:30:00 GMT"),
            ("storm", STORM, urls["storm"], "Tue, 10 Jun 2025 09:00:00 GMT"),
            ("harbour", HARBOUR, urls["harbour"], "Mon, 09 Jun 2025 18:00:00 GMT"),
            ("ferry", FERRY, urls["ferry"], "Sun, 08 Jun 2025 08:00:00 GMT"),
            ("inject", INJECTION, urls["inject"], "Sat, 07 Jun 2025 08:00:00 GMT"),
        ]), "application/rss+xml")
        await pilot.press("R")
        await settle(pilot)
        assert app.articles.total == 7
        assert app.articles.current is not None and highlighted is not None
        assert app.articles.current.id == highlighted.id
        assert app.articles.cursor == 4
        assert title_of(app) == HARBOUR
        assert app.reader.scroll_y == scroll
        assert "2 new articles" in str(app.query_one("#status-message", Static).render())


async def test_markup_in_titles_is_shown_literally_and_does_nothing(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert row_title(app) == INJECTION
        first = app.articles.cursor * app.articles.row_height  # the row's first line
        line = app.articles.render_line(first - round(app.articles.scroll_y))
        assert INJECTION in line.text
        await pilot.press("enter")
        await settle(pilot)
        headline = app.query_one(".headline", Static)
        assert INJECTION in str(headline.render())
        await pilot.click(headline)
        await pilot.click(app.articles, offset=(10, first - round(app.articles.scroll_y)))
        await settle(pilot)
        assert app.is_running
        assert INJECTION in app.export_screenshot()


async def test_cached_related_link_opens_offline(world: World, pages: Pages) -> None:
    lib, _ = world
    pages.stop()
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert title_of(app) == HARBOUR
        assert app.reader.view is not None and app.reader.view.fulltext == "page"


async def test_uncached_related_link_is_fetched_on_demand(world: World, pages: Pages) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        before = pages.hits.count("/extra/insurers")
        await pilot.press("2")
        await settle(pilot)
        assert title_of(app) == EXTRA
        assert pages.hits.count("/extra/insurers") == before + 1
        assert any(link.title == STORM for link in app.reader.related)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("2")  # cached now: no second fetch
        await settle(pilot)
        assert title_of(app) == EXTRA
        assert pages.hits.count("/extra/insurers") == before + 1


async def test_uncached_related_link_offline_says_so(world: World, pages: Pages) -> None:
    lib, _ = world
    pages.stop()
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert title_of(app) == STORM
        status = str(app.query_one("#status-message", Static).render())
        assert status.startswith("Offline")
        assert app.offline


async def test_pending_full_text_shows_summary_then_updates_in_place(
        tmp_path: Path, pages: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("READERTERM_HOME", str(home))
    urls = serve_world(pages)
    lib = open_world(home, urls, refresh=False)
    await lib.refresh(fulltext=False)
    try:
        app = make_app(lib)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            view = app.reader.view
            assert view is not None and view.title == STORM and view.fulltext == "pending"
            assert "summary" in str(app.query_one(".note", Static).render())
            await pilot.press("R")
            await settle(pilot)
            view = app.reader.view
            assert view is not None and view.title == STORM and view.fulltext == "page"
            assert not app.query(".note")
            assert len(app.query(RelatedItem)) == 3
    finally:
        lib.close()


async def test_open_in_browser_only_safe_links(world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lib, urls = world
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == [urls["storm"]]
        row = app.articles.current
        assert row is not None
        for bad in ("javascript:alert(1)", "-dangerous", "file:///etc/passwd"):
            monkeypatch.setattr(ArticleList, "current", replace(row, url=bad))
            await pilot.press("o")
            await settle(pilot)
        assert opened == [urls["storm"]]


async def test_keys_are_remappable_from_the_config(world: World) -> None:
    lib, _ = world
    lib.settings = replace(lib.settings, ui=replace(lib.settings.ui,
                                                   keys={"star": "f", "nope": "x"}))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = app.articles.current
        assert row is not None
        await pilot.press("s")
        await settle(pilot)
        assert not lib.article(row.id).starred
        await pilot.press("f")
        await settle(pilot)
        assert lib.article(row.id).starred
        assert any("nope" in str(n.message) for n in app._notifications)
        assert app.key_displays()["star"] == "f"
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert ("f", "Star or unstar the article", "star") in screen.rows()


async def test_help_lists_every_binding(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        # The list is longer than the screen: what a reader sees paging down through it.
        box = app.screen.query_one("#help-box")
        shots = [app.export_screenshot()]
        for _ in range(10):
            if box.scroll_y >= box.max_scroll_y:
                break
            box.scroll_page_down(animate=False)
            await pilot.pause()
            shots.append(app.export_screenshot())
        shot = "".join(shots)
        from readerterm.tui.keys import ALL_KEYS

        for spec in ALL_KEYS:
            if not spec.id.startswith("related-"):
                assert spec.id in shot, spec.id
        assert "related-1" in shot and "related-9" in shot
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused_pane() == "articles"


async def test_theme_is_remembered_outside_config(world: World) -> None:
    lib, _ = world
    config_before = lib.paths.config_file.read_bytes()
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    state = json.loads((lib.paths.data_dir / "ui-state.json").read_text())
    assert state["theme"] == "nord"
    assert lib.paths.config_file.read_bytes() == config_before
    again = make_app(lib)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_palette_offers_every_action(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"star")
        # the palette's search runs in a worker: enter once its best hit is the star action
        await wait_until(pilot, lambda: "star" in palette_highlight(app).lower(), 5.0)
        assert "star" in palette_highlight(app).lower()
        await pilot.press("enter")
        await settle(pilot)
        row = app.articles.current
        assert row is not None and lib.article(row.id).starred


async def test_more_on_this_story_is_numbered_after_related_and_in_history(
        world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert title_of(app) == STORM
        related = app.reader.related
        similar = app.reader.similar
        assert len(related) == 3 and similar
        linked = {link.article_id for link in related}
        assert all(item.id not in linked and item.title != STORM for item in similar)
        title = str(app.links.border_title)
        assert "Related articles 3" in title and "More on this story" in title
        headings = [str(w.render()) for w in app.links.query(".links-heading")]
        assert headings == ["More on this story"]
        numbers = [item.number for item in app.links.query(SimilarItem)]
        assert numbers == list(range(4, 4 + len(similar)))
        # Its first entry is link 4, followed like any link, from any pane.
        await pilot.press("4")
        await settle(pilot)
        assert title_of(app) == similar[0].title
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert title_of(app) == STORM and app.reader.similar == similar
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert title_of(app) == similar[0].title


async def test_search_results_show_the_snippet_with_matches_marked(world: World) -> None:
    lib, _ = world
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        snippet = app.query_one("#snippet", Static)
        assert not snippet.display
        await pilot.press("slash", *"sandbags", "enter")
        await settle(pilot)
        assert snippet.display
        text = snippet.render()
        assert isinstance(text, Content) and "sandbags" in text.plain.lower()
        marked = [text.plain[s.start:s.end].lower() for s in text.spans
                  if "reverse=True" in repr(s.style)]
        assert marked and all(m == "sandbags" for m in marked)
        await pilot.press("escape")
        await pilot.press("down")
        await settle(pilot)
        assert "sandbags" in snippet.render().plain.lower()  # type: ignore[union-attr]


async def test_the_refresh_on_start_begins_once_the_cached_list_is_shown(
        tmp_path: Path, pages: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first refresh starts parser processes: it must not take the cores from the first
    screen, so it begins after the cached list has been loaded (and then fills it)."""
    monkeypatch.setenv("READERTERM_HOME", str(tmp_path / "home"))
    lib = open_world(tmp_path / "home", serve_world(pages), refresh=False)
    app = ReaderApp(lib, clock=lambda: NOW, refresh_on_start=True)
    lists_loaded_at_refresh: list[int] = []
    refresh = lib.refresh

    async def watched(*args: object, **kwargs: object) -> object:
        lists_loaded_at_refresh.append(app.articles.generation)
        return await refresh(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lib, "refresh", watched)
    articles = lib.articles

    def slow_first_page(*args: object, **kwargs: object) -> object:
        if not lists_loaded_at_refresh:
            time.sleep(0.5)  # a large cache: the first page takes a while
        return articles(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lib, "articles", slow_first_page)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # the refresh, then the list shown again
            await wait_until(pilot, lambda: app.articles.total == 5, 5.0, step=0.1)
            assert lists_loaded_at_refresh and lists_loaded_at_refresh[0] >= 1
            assert app.articles.total == 5 and row_title(app) == STORM
    finally:
        lib.close()


async def test_a_refresh_ending_as_an_article_opens_does_not_bring_back_the_old_one(
        world: World) -> None:
    """The open article shows the feed's text, so the end of a refresh shows it again (its
    page may have come). When that end comes while another article is loading, the
    old one must not replace it (the benchmark driver met this: opening an article as
    the refresh on start ended, the reader went back to the previous one)."""
    lib, _ = world
    rows = lib.articles()
    old, new = rows[0], rows[1]
    with lib.store.write() as conn:  # the old one's page not fetched yet
        conn.execute("UPDATE articles SET document = NULL, doc_status = 'wanted' "
                     "WHERE id = ?", (old.id,))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.visit_article(old.id)
        await settle(pilot)
        assert app.reader.view is not None and app.reader.view.fulltext == "pending"
        app.visit_article(new.id)
        app.on_refresh_progress(RefreshProgress("feeds", 1, 1, "a feed"))  # the end, now
        await settle(pilot)
        assert title_of(app) == new.title


async def test_opening_an_article_does_not_wait_for_the_write_lock(world: World) -> None:
    """A refresh (here: another connection) may hold the cache's write lock for a
    quarter of a second at a time: the article is shown at once, marked read, and the
    mark is written when the lock is free."""
    lib, _ = world
    app = make_app(lib)
    blocker = sqlite3.connect(lib.store.path, isolation_level=None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            blocker.execute("BEGIN IMMEDIATE")
            await pilot.press("enter")
            await wait_until(pilot, lambda: title_of(app) == STORM, 2.0, step=0.02)
            assert title_of(app) == STORM
            view = app.reader.view
            assert view is not None and view.read and app.articles.current is not None
            assert app.articles.current.read
            assert not lib.article(view.id).read  # the write waits for the lock
            blocker.execute("COMMIT")
            await settle(pilot)
            assert lib.article(view.id).read
    finally:
        blocker.close()


async def test_a_long_refresh_lists_articles_as_their_feeds_are_stored(
        home: Path, server: FeedServer) -> None:
    """A first refresh of many feeds takes seconds. The articles of the feeds stored so
    far appear in the list (and the sections' counts) while the rest are on their way,
    not all at the end."""
    gate = threading.Event()
    fast = server.serve("/fast.xml", feed_rss("Fast", [(f"f{n}", f"Fast story {n}", "Text.")
                                                      for n in range(3)]))
    slow = server.serve("/slow.xml", feed_rss("Slow", [(f"s{n}", f"Slow story {n}", "Text.")
                                                      for n in range(2)]), gate=gate)
    config = paths.resolve({"READERTERM_HOME": str(home)}).config_dir
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[fulltext]\nenabled = false\n")
    lib = open_library(home, {"News": [fast, slow]})
    app = ReaderApp(lib, clock=lambda: NOW, refresh_on_start=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.articles.total == 3, 5.0)
            assert app.articles.total == 3  # the fast feed's, with the slow one held
            assert any(w.group == "refresh" and not w.is_finished for w in app.workers)
            assert sum(f.unread for f in app.feeds) == 3
            gate.set()
            await wait_until(pilot, lambda: app.articles.total == 5, 5.0)
            assert app.articles.total == 5
    finally:
        gate.set()
        lib.close()
