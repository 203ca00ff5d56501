"""A few screenshots compared with stored SVGs (pytest-textual-snapshot).

Deterministic: a fixed size, a fixed clock for article ages, dates fixed by the feeds,
no cursor on screen. Update after an intended UI change with `--snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from tui_fixtures import NOW
from tui_fixtures import pages as pages
from tui_fixtures import world as world

SIZE = (120, 40)


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen(world: tuple[Library, dict[str, str]], snap_compare: Any) -> None:
    app = ReaderApp(world[0], clock=lambda: NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


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
        await pilot.press("tab", "end")
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
