"""The daily reader's keys (issue 15), driven with App.run_test() against a real cache
filled from feeds served on 127.0.0.1."""

from __future__ import annotations

import pytest

from readerterm.library import Filters, Library
from readerterm.tui import bulk
from test_tui_flows import SIZE, make_app, palette_highlight, settle, wait_until
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
