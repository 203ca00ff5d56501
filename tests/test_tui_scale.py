"""The articles pane with 100,000 articles: rows are paged in, never one widget each.

What it checks is the shape, not the speed (timings belong to benchmarks/reader_bench.py):
the whole count is listed, only a bounded number of widgets and pages exist, and the
end of the list and an article near it can be reached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readerterm import paths
from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from tui_fixtures import NOW, fill


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    home = tmp_path_factory.mktemp("big")
    lib = Library.open(paths.resolve({"READERTERM_HOME": str(Path(home))}))
    fill(lib, 100_000)
    try:
        yield lib
    finally:
        lib.close()


async def test_a_hundred_thousand_articles_are_paged_in(big: Library) -> None:
    app = ReaderApp(big, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.articles.total == 100_000
        assert app.articles.current is not None
        assert app.articles.current.title == "Article 0 of the big feed"
        assert len(list(app.query("*"))) < 100  # no widget per article
        await pilot.press("end")
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.articles.cursor == 99_999
        row = app.articles.current
        assert row is not None and row.title == "Article 99999 of the big feed"
        assert "Article 99999" in app.export_screenshot().replace("&#160;", " ")
        assert len(app.articles._pages) <= 64  # the LRU bound, not every page
        await pilot.press("pageup", "k", "enter")
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.reader.view is not None
        row = app.articles.current
        assert row is not None and row.id == app.reader.view.id
        assert app.articles.cursor == 99_999 - (app.articles.rows_per_screen - 1) - 1
