"""The reader timing itself, for benchmarks/reader_bench.py.

    READERTERM_HOME=DIR READERTERM_BENCH_REPORT=FILE python benchmarks/reader_driver.py

Starts the reader as `readerterm` does (the library opened, a refresh once the first
list is painted), as a `BenchReader`: a ReaderApp that, from a worker, waits until the
article list has rows and the screen has been painted with them, notes the time (wall
clock, so the benchmark can subtract the moment it spawned the process), then does what
a user does first: opens articles (five with the reader idle, five each straight after
the previous one, while its "More on this story" and the sections' counts are still
being worked out), switches sections and searches, each through the app's own handlers
(telling the idle collector, tui/idlegc.py, as the key press would), timing each until
the result is on the screen. It writes the times as JSON to FILE and exits. The product
knows nothing of this module.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from readerterm.tui.pictures import ask_terminal
from readerterm.tui.pictures import prepare as prepare_pictures
from readerterm.tui.service import ALL, ListSource, Selection

ENV = "READERTERM_BENCH_REPORT"
PICTURES = "READERTERM_BENCH_PICTURES"
TIMEOUT = 60.0


def wanted() -> Path | None:
    """The report file, when the benchmark asked for one."""
    value = os.environ.get(ENV)
    return Path(value) if value else None


async def _painted(app: ReaderApp) -> float:
    """The time just after the next screen refresh."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def painted() -> None:
        if not done.done():
            done.set_result(None)

    app.call_after_refresh(painted)
    await done
    return time.time()


async def _until(app: ReaderApp, ready: Callable[[], bool]) -> float:
    """Wait (polling each millisecond) until `ready()`, then for the screen to show it."""
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the reader did not get there")
        await asyncio.sleep(0.001)
    return await _painted(app)


async def drive(app: ReaderApp, report: Path) -> None:
    """Time first screen, opening articles, switching sections and searching."""
    listing = app.articles
    times: dict[str, list[float] | float] = {}
    times["ready"] = await _until(app, lambda: listing.total > 0 and listing.current is not None)
    times["rows"] = listing.total

    def settled() -> bool:  # what opening an article sets off has finished
        return all(w.is_finished for w in app.workers if w.group != "bench"
                   and w.group != "refresh")

    opened: list[float] = []
    opened_at_once: list[float] = []
    for index in range(min(10, listing.total)):
        # even: with the reader idle; odd: at once after the previous one (its "More on
        # this story" and the sections' new counts still on their way)
        if index % 2 == 0:
            await _until(app, settled)
        listing.move_to(index)
        row = listing.current
        assert row is not None
        start = time.time()
        app.collector.touched()  # as the key press that opens it would
        app.visit_article(row.id)
        (opened if index % 2 == 0 else opened_at_once).append(await _until(
            app, lambda r=row: (  # type: ignore[misc]
                app.reader.view is not None and app.reader.view.id == r.id)) - start)
    times["open"] = opened
    times["open_at_once"] = opened_at_once
    await _until(app, settled)
    times.update(await _open_pictures(app, settled))

    await _until(app, lambda: bool(app.feeds))
    switched: list[float] = []
    for name in app.lib.section_names()[:4]:
        selection = Selection("section", name=name)
        generation = listing.generation
        start = time.time()
        app.collector.touched()
        app.sections.select(selection)
        switched.append(await _until(app, lambda s=selection, g=generation: (  # type: ignore[misc]
            app.source.selection == s and listing.generation > g)) - start)
    times["switch"] = switched

    searched: list[float] = []
    for query in ("council", "minister OR harbour", '"the government"', "elect*"):
        generation = listing.generation
        start = time.time()
        app.collector.touched()
        app.source = ListSource(ALL, query)
        app.show_list(app.source)
        searched.append(await _until(app, lambda g=generation: (  # type: ignore[misc]
            listing.generation > g)) - start)
    times["search"] = searched
    report.write_text(json.dumps(times), encoding="utf-8")
    app.exit()


async def _open_pictures(app: ReaderApp, settled: Callable[[], bool]) -> dict[str, list[float]]:
    """Open the article with three cached pictures and the one with none (their ids in
    READERTERM_BENCH_PICTURES, set by reader_bench.py), in turn, five times each, with
    the reader idle: until the article is on the screen (its pictures' placeholders), and
    for the first, until its three pictures are drawn."""
    from readerterm.tui.widgets.picture import Picture

    ids = [int(n) for n in os.environ.get(PICTURES, "").split(",") if n]
    if len(ids) != 2:
        return {}
    out: dict[str, list[float]] = {"open_pictures": [], "pictures_drawn": [],
                                   "open_no_pictures": []}
    for turn in range(10):
        article_id = ids[turn % 2]
        await _until(app, settled)
        start = time.time()
        app.collector.touched()
        app.visit_article(article_id)
        shown = await _until(app, lambda a=article_id: (  # type: ignore[misc]
            app.reader.view is not None and app.reader.view.id == a))
        if turn % 2:
            out["open_no_pictures"].append(shown - start)
            continue
        out["open_pictures"].append(shown - start)
        if app.reader.pictures is None:  # images = "off"
            continue
        drawn = await _until(app, lambda: (
            len(app.reader.query(Picture)) == 3
            and all(p.drawn for p in app.reader.query(Picture))))
        out["pictures_drawn"].append(drawn - start)
    return out


class BenchReader(ReaderApp):
    """The reader, driven and timed by `drive` once it is mounted; the report goes to
    `report`."""

    def __init__(self, lib: Library, report: Path, **kwargs: Any) -> None:
        super().__init__(lib, **kwargs)
        self.report = report

    def on_mount(self) -> None:
        super().on_mount()
        self.run_worker(drive(self, self.report), group="bench")


def main() -> int:
    """Run the timed reader on the user's (READERTERM_HOME's) library."""
    report = wanted()
    if report is None:
        print(f"{ENV}=FILE is not set: nothing to time", file=sys.stderr)
        return 2
    lib = Library.open()
    try:
        # As run_reader does: the terminal asked what it draws before the app reads keys
        # (`readerterm` asks while it imports the reader's code, which is imported here
        # already: the questions' time-outs count in full).
        ask_terminal(lib.settings.ui.images)
        app = BenchReader(lib, report, refresh_on_start=True)
        prepare_pictures(lib.settings.ui.images)
        app.run()
        return app.return_code or 0
    finally:
        lib.close()


if __name__ == "__main__":
    sys.exit(main())
