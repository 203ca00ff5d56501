"""The reader's self-timing driver for benchmarks/reader_bench.py (benchmarks/reader_driver.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from readerterm.library import Library
from tui_fixtures import NOW
from tui_fixtures import pages as pages
from tui_fixtures import world as world

DRIVER = Path(__file__).resolve().parents[1] / "benchmarks" / "reader_driver.py"


def load_driver() -> ModuleType:
    """benchmarks/reader_driver.py (not a package) as a module."""
    name = "readerterm_bench_reader_driver"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DRIVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_product_has_no_timing_code() -> None:
    """Starting the reader loads nothing of the benchmark's."""
    done = subprocess.run([sys.executable, "-c", "import readerterm.cli, readerterm.tui.app, sys;"
                           " print(sorted(m for m in sys.modules if 'bench' in m))"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_the_variable_nothing_is_timed(monkeypatch: pytest.MonkeyPatch) -> None:
    driver = load_driver()
    monkeypatch.delenv(driver.ENV, raising=False)
    assert driver.wanted() is None
    assert driver.main() == 2


async def test_the_driver_times_each_step_and_exits(
        world: tuple[Library, dict[str, str]], tmp_path: Path) -> None:
    driver = load_driver()
    lib, _urls = world
    report = tmp_path / "report.json"
    app = driver.BenchReader(lib, report, clock=lambda: NOW)
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
