"""A few screenshots compared with stored SVGs (pytest-textual-snapshot).

Deterministic: a fixed size, a fixed clock for article ages, dates fixed by the feeds,
no cursor on screen. Update after an intended UI change with `--snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from tui_fixtures import NOW
from tui_fixtures import pages as pages
from tui_fixtures import world as world

SIZE = (120, 40)
SIZES = [(80, 24), (120, 40), (200, 60)]


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list(world: tuple[Library, dict[str, str]], snap_compare: Any,
              size: tuple[int, int]) -> None:
    """The article list: whole titles, then source and age (one pane below 120 columns)."""
    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_article_with_related_links(world: tuple[Library, dict[str, str]], snap_compare: Any,
                                    size: tuple[int, int]) -> None:
    """An open article, its links in their pane below the body, on screen from the start
    (at 80x24 the reader alone, one pane at a time)."""
    async def open_storm(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=open_storm)


def test_narrow_sections(world: tuple[Library, dict[str, str]], snap_compare: Any) -> None:
    """At 80x24, escape from the list: the sections pane, full width."""
    async def to_sections(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_sections)


def test_article_with_caption(world: tuple[Library, dict[str, str]], snap_compare: Any) -> None:
    async def open_storm(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_storm)


def test_related_articles(world: tuple[Library, dict[str, str]], snap_compare: Any) -> None:
    async def to_related(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # Harbour: short, two related links
        await settle(pilot)
        await pilot.press("tab", "tab", "down")  # the links pane, its second link
        await settle(pilot)

    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=to_related)


def test_help(world: tuple[Library, dict[str, str]], snap_compare: Any) -> None:
    async def help_screen(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=help_screen)
