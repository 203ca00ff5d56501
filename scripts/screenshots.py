"""Save the README's screenshots (SVG) of the reader running on the demo.

    python scripts/screenshots.py [OUT_DIR]        # default: screenshots/ beside scripts/

Builds the demo home in a temporary folder (the demo server on 127.0.0.1, nothing else
is reached), refreshes it, then drives the reader headless with the keys a person would
press, and saves (at 120x40 unless named):

- main.svg      the three panes at start, the newest article open
- pictures.svg  that article on the whole screen (z): its lead picture in half-cells
                above the caption (`[ui] images = "halfcell"`, which SVG can show)
- article.svg   an article reached through a related link, scrolled to its inline
                figure caption, its links in the links pane
- search.svg    the results of a search, the first one opened
- help.svg      the help screen with every key
- list-80x24.svg, article-80x24.svg   a small terminal: one pane at a time, the list
                with whole titles, then an article with its links in view
- main-160x50.svg                      a large one: the three panes, an article open

The clock and the articles' dates are fixed, so a rerun changes the files only when the
reader's look changes. Rerun it whenever the UI changes.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from readerterm.demo import build_demo_home
from readerterm.library import Library
from readerterm.tui.app import ReaderApp

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
SIZE = (120, 40)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def settle(pilot: Pilot[int]) -> None:
    """Let workers finish and the screen catch up."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def save(app: ReaderApp, out: Path, name: str) -> Path:
    path = out / f"{name}.svg"
    app.save_screenshot(filename=path.name, path=str(out))
    print(f"saved {path}")
    return path


async def shoot(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="readerterm-shots-") as tmp, \
            build_demo_home(Path(tmp), now=NOW) as home:
        report = await home.library.refresh(fulltext=True)
        if report.failed or report.pages_failed:
            raise SystemExit(f"the demo did not refresh cleanly: {report}")
        # Half-cells whatever terminal this runs in: SVG shows them, not Sixel or Kitty's.
        settings = home.library.settings
        home.library.settings = replace(settings, ui=replace(settings.ui, images="halfcell"))
        app = ReaderApp(home.library, title="readerterm demo", clock=lambda: NOW)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)

            # The main screen: "All", the newest article highlighted and opened.
            await pilot.press("enter")
            await settle(pilot)
            saved.append(save(app, out, "main"))

            # The same article on the whole screen: its picture as wide as the measure.
            await pilot.press("tab", "z")
            await settle(pilot)
            saved.append(save(app, out, "pictures"))
            await pilot.press("z", "shift+tab")
            await settle(pilot)

            # Follow related link 2 (a cached article in another section), then page the
            # reader down to its inline figure; the links are in their pane below.
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("tab")
            caption = app.reader.query(".caption").last()
            while caption.region.y + 4 > app.reader.region.bottom:
                before = app.reader.scroll_y
                await pilot.press("space")
                await settle(pilot)
                if app.reader.scroll_y == before:
                    break
            await pilot.press("tab")  # the links pane, its first link highlighted
            await settle(pilot)
            saved.append(save(app, out, "article"))

            # Search results, the first one opened.
            await pilot.press("slash", *"whale", "enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            saved.append(save(app, out, "search"))

            # Help.
            await pilot.press("question_mark")
            await settle(pilot)
            saved.append(save(app, out, "help"))
            await pilot.press("escape")
        saved.extend(await shoot_sizes(home.library, out))
    return saved


async def shoot_sizes(library: Library, out: Path) -> list[Path]:
    """The list and an article at 80x24, and the three panes at 160x50."""
    saved: list[Path] = []
    app = ReaderApp(library, title="readerterm demo", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("home")
        await settle(pilot)
        saved.append(save(app, out, "list-80x24"))
        await pilot.press("enter")
        await settle(pilot)
        saved.append(save(app, out, "article-80x24"))
    app = ReaderApp(library, title="readerterm demo", clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        saved.append(save(app, out, "main-160x50"))
    return saved


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    asyncio.run(shoot(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
