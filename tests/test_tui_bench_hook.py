"""The reader's self-timing hook for benchmarks/reader_bench.py (src/readerterm/tui/bench.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readerterm.library import Library
from readerterm.tui import bench
from readerterm.tui.app import ReaderApp
from tui_fixtures import NOW
from tui_fixtures import pages as pages
from tui_fixtures import world as world


async def test_without_the_variable_nothing_is_timed(
        world: tuple[Library, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(bench.ENV, raising=False)
    assert bench.wanted() is None


async def test_the_hook_times_each_step_and_exits(
        world: tuple[Library, dict[str, str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _urls = world
    report = tmp_path / "report.json"
    monkeypatch.setenv(bench.ENV, str(report))
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if report.exists():
                break
            await pilot.pause(0.05)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["rows"] > 0 and data["ready"] > 0
    assert data["open"] and data["open_at_once"] and len(data["search"]) == 4
    assert len(data["switch"]) == len(lib.section_names()[:4])
    assert all(0 <= t < 30 for key in ("open", "open_at_once", "switch", "search")
               for t in data[key])
