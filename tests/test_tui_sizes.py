"""The reader at every terminal size (issue 18): whole titles in the list, one pane at a
time when the three do not fit, the links in a pane of their own, the reader's measure
and zoom, the sections' width, the key line."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerterm.library import Library
from readerterm.tui.widgets.links import RelatedItem
from sizes_world import (
    GADGET,
    LINKED,
    RUSSIA,
    make_app,
    pane_words,
    screen_text,
    settle,
)
from sizes_world import wire as wire
from tui_fixtures import pages as pages

SIZES = [(80, 24), (120, 40), (200, 60)]


def shown(app: object) -> list[str]:
    """The panes with room on screen."""
    return [name for name in ("sections", "articles", "reader")
            if app.query_one(f"#{name}").region.width > 0]  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", SIZES)
async def test_the_whole_newest_title_is_in_the_list(wire: Library,
                                                     size: tuple[int, int]) -> None:
    app = make_app(wire)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        words = pane_words(app, app.articles)
        assert RUSSIA in words
        assert "The Wire · 3h" in words  # the source and age, whole
        assert "Jun 2024" in words  # a year ago: the year is shown


@pytest.mark.parametrize("size", SIZES)
async def test_the_first_related_title_is_on_screen_when_an_article_opens(
        wire: Library, size: tuple[int, int]) -> None:
    app = make_app(wire)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.view is not None and app.reader.view.title == RUSSIA
        assert app.reader.scroll_y == 0
        assert LINKED[0] in pane_words(app, app.links)
        assert "Related articles 12" in screen_text(app)


async def test_at_80x24_one_pane_at_a_time_and_sections_are_reachable(wire: Library) -> None:
    app = make_app(wire)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shown(app) == ["articles"] and app.articles.region.width == 80
        await pilot.press("escape")  # up one level: the sections
        await settle(pilot)
        assert shown(app) == ["sections"] and app.focused_pane() == "sections"
        labels = [app.sections.get_node_at_line(n) for n in range(10)]
        tech = next(n for n, node in enumerate(labels)
                    if node is not None and str(node.label).startswith("Tech"))
        while app.sections.cursor_line < tech:
            await pilot.press("down")
        await pilot.press("enter")  # the section's articles, full width
        await settle(pilot)
        assert shown(app) == ["articles"]
        assert app.articles.current is not None and app.articles.current.title == GADGET
        await pilot.press("shift+tab")  # and back: All
        await settle(pilot)
        assert shown(app) == ["sections"]
        await pilot.press("home", "enter")
        await settle(pilot)
        assert shown(app) == ["articles"] and app.articles.total == 6
        assert app.articles.current is not None and app.articles.current.title == RUSSIA
        await pilot.press("enter")  # the article takes the screen; tab goes round
        await settle(pilot)
        assert shown(app) == ["reader"] and app.focused_pane() == "reader"
        await pilot.press("tab")
        assert app.focused_pane() == "links"
        await pilot.press("tab")
        assert shown(app) == ["sections"]
        await pilot.press("tab", "tab")
        await settle(pilot)
        assert shown(app) == ["reader"]
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert shown(app) == ["sections"]


async def test_three_panes_side_by_side_at_120x40(wire: Library) -> None:
    app = make_app(wire)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert shown(app) == ["sections", "articles", "reader"]
        await pilot.press("enter")
        await settle(pilot)
        assert shown(app) == ["sections", "articles", "reader"]
        assert app.focused_pane() == "articles"


async def test_follow_link_11_from_the_links_pane(wire: Library) -> None:
    app = make_app(wire)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab")
        assert app.focused_pane() == "links"
        await pilot.press(*["down"] * 10)
        items = list(app.query(RelatedItem))
        assert len(items) == 12 and items[10].has_class("-cursor")
        assert items[10].region.height > 0  # scrolled into view
        await pilot.press("enter")  # not cached: fetched from 127.0.0.1, then opened
        await settle(pilot)
        assert app.reader.view is not None and app.reader.view.title == LINKED[10]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.reader.view is not None and app.reader.view.title == RUSSIA


async def test_links_pane_collapses_and_opens(wire: Library) -> None:
    app = make_app(wire)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        height = app.links.region.height
        await pilot.press("L")
        await settle(pilot)
        assert app.links.collapsed and app.links.region.height == 1
        assert "▸ Related articles 12" in screen_text(app)
        await pilot.press("tab", "tab", "tab")  # collapsed: not in the round
        assert app.focused_pane() != "links"
        await pilot.press("L")
        await settle(pilot)
        assert app.links.region.height == height


async def test_zoom_gives_the_reader_the_screen_at_its_measure(wire: Library) -> None:
    app = make_app(wire)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        body = app.reader.query(".body").first()
        assert body.region.width <= 80
        await pilot.press("z")
        await settle(pilot)
        assert shown(app) == ["reader"] and app.reader.region.width > 150
        assert app.query(".body").first().region.width == 80  # the measure, centred
        await pilot.press("z")
        await settle(pilot)
        assert shown(app) == ["sections", "articles", "reader"]


async def test_sections_fit_names_and_change_width(wire: Library) -> None:
    app = make_app(wire)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sections.region.width == 28
        await pilot.press("less_than_sign", "less_than_sign")
        await settle(pilot)
        assert app.sections.region.width == 24
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert app.sections.region.width == 26
        assert "▎" not in pane_words(app, app.sections)


async def test_footer_shows_the_focused_panes_keys_and_can_be_hidden(
        wire: Library, tmp_path: Path) -> None:
    app = make_app(wire)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-2]
        assert "⏎ open" in footer and "? keys" in footer and "^p palette" in footer
        await pilot.press("shift+tab")
        footer = screen_text(app).splitlines()[-2]
        assert "⏎ show" in footer and "< narrower" in footer
    (wire.paths.config_dir / "config.toml").write_text("[ui]\nfooter = false\nmeasure = 60\n")
    quiet = Library.open(wire.paths)
    try:
        app = make_app(quiet)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "? keys" not in screen_text(app)
            await pilot.press("enter", "z")
            await settle(pilot)
            assert app.query(".body").first().region.width == 60
    finally:
        quiet.close()
