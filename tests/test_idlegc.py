"""Full garbage collections wait for the reader to be idle (tui/idlegc.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from readerterm.tui.idlegc import IdleCollector
from tui_fixtures import NOW
from tui_fixtures import pages as pages
from tui_fixtures import world as world

World = tuple[Library, dict[str, str]]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Node:
    """One half of a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.other: Node | None = None


def make_cycles(count: int) -> None:
    """Cycles that live long enough to reach the oldest generation, then become garbage
    there (as a closed article's widgets do): only a full collection frees them."""
    alive = []
    for _ in range(count):
        a, b = Node(), Node()
        a.other, b.other = b, a
        alive.append(a)


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """How many objects each full collection (generation 2) freed, as they happen."""
    freed: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            freed.append(info["collected"])

    saved = gc.get_threshold()
    gc.collect()
    gc.callbacks.append(note)
    yield freed
    gc.callbacks.remove(note)
    gc.set_threshold(*saved)


def test_full_collections_wait_for_a_quiet_moment(full_collections: list[int]) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start()
    make_cycles(300_000)  # CPython would have run several full collections by now
    assert full_collections == []
    assert gc.get_count()[2] >= 10
    collector.touched()
    clock.now += collector.QUIET / 2
    assert not collector.tick()  # due, but the user is busy
    clock.now += collector.QUIET
    assert collector.tick()
    assert full_collections == [pytest.approx(600_000, rel=0.01)]  # the cycles went
    assert not collector.tick()  # nothing is due any more
    collector.stop()


def test_a_due_collection_runs_anyway_after_latest(full_collections: list[int]) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start()
    make_cycles(300_000)
    for _ in range(int(collector.LATEST) + 1):  # a key every second, for over a minute
        collector.touched()
        collector.tick()
        clock.now += 1
    assert len(full_collections) == 1 and collector.collections == 1
    collector.stop()


def test_stop_gives_cpython_its_thresholds_back(full_collections: list[int]) -> None:
    before = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**6
    collector.stop()
    assert gc.get_threshold() == before
    make_cycles(300_000)
    assert full_collections  # CPython's own again


def test_nothing_changes_when_the_collector_is_disabled() -> None:
    gc.disable()
    try:
        before = gc.get_threshold()
        collector = IdleCollector()
        collector.start()
        assert gc.get_threshold() == before and not collector.tick()
        collector.stop()
        assert gc.get_threshold() == before
    finally:
        gc.enable()


async def test_the_reader_defers_full_collections_while_it_runs(world: World) -> None:
    lib, _ = world
    before = gc.get_threshold()
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[2] > 10**6
        app.collector.last_input = 0.0
        await pilot.press("j")  # input counts as the user being busy
        assert app.collector.last_input > 0.0
    assert gc.get_threshold() == before
