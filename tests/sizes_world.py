"""A news world for the reader at every terminal size: a wire feed whose newest title is
long (68 characters) and whose article has twelve related links, and a second section
with one feed, served by a real HTTP server on 127.0.0.1 (tui_fixtures.Pages)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from readerterm import paths
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.library import Library
from readerterm.tui.app import ReaderApp
from tui_fixtures import NOW, Pages, page, rss

RUSSIA = "Russia Says Taliban Will Not Harm A Hair On Russian Diplomat's Heads"
"""A real headline (Antiwar.com, 2021), long enough to be cut in the list before."""
LINKED = [f"Linked story number {n} about the talks in Kabul and Moscow" for n in range(1, 13)]
"""The twelve related links of RUSSIA's article; the first three are in the feed."""
GADGET = "A new phone folds twice and fits in a shirt pocket"


def serve(srv: Pages) -> dict[str, str]:
    """Serve the feeds and pages; returns name -> URL."""
    b = srv.base
    links = [f"{b}/wire/linked-{n}" for n in range(1, 13)]
    srv.serve("/wire/russia", page(RUSSIA, "Wire Desk", [
        (title, url, "Wire Desk") for title, url in zip(LINKED, links, strict=True)],
        paragraphs=12))
    for title, url in zip(LINKED, links, strict=True):
        srv.serve(url.removeprefix(b), page(title, "Wire Desk", [], paragraphs=3))
    srv.serve("/tech/gadget", page(GADGET, "Gadget Desk", [], paragraphs=3))
    items = [("russia", RUSSIA, f"{b}/wire/russia", "Tue, 10 Jun 2025 09:00:00 GMT")]
    items += [(f"linked-{n}", LINKED[n - 1], links[n - 1], f"Mon, 09 Jun 2025 0{n}:00:00 GMT")
              for n in (1, 2, 3)]
    items.append(("old", "An old story from a year before", f"{b}/wire/linked-12",
                  "Sat, 01 Jun 2024 08:00:00 GMT"))
    srv.serve("/wire.xml", rss("The Wire", items), "application/rss+xml")
    srv.serve("/tech.xml", rss("Gadgets Weekly", [
        ("gadget", GADGET, f"{b}/tech/gadget", "Tue, 10 Jun 2025 07:30:00 GMT")]),
        "application/rss+xml")
    return {"wire": f"{b}/wire.xml", "tech": f"{b}/tech.xml"}


def write_home(home: Path, urls: dict[str, str], config: str = "") -> paths.Paths:
    """A home subscribed to the two feeds (and `config` as config.toml)."""
    p = paths.resolve({"READERTERM_HOME": str(home)})
    save_sections(p.config_dir / "feeds.toml", [
        Section("News", (FeedEntry(urls["wire"]),)),
        Section("Tech", (FeedEntry(urls["tech"]),)),
    ])
    if config:
        (p.config_dir / "config.toml").write_text(config, encoding="utf-8")
    return p


@pytest.fixture
def wire(tmp_path: Path, pages: Pages,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    """The library, refreshed once with full text, in a fresh home."""

    home = tmp_path / "home"
    monkeypatch.setenv("READERTERM_HOME", str(home))
    lib = Library.open(write_home(home, serve(pages)))
    asyncio.run(lib.refresh())
    try:
        yield lib
    finally:
        lib.close()


def make_app(lib: Library) -> ReaderApp:
    return ReaderApp(lib, clock=lambda: NOW)


SETTLE_SECONDS = 60.0


async def settle(pilot: Pilot[Any]) -> None:
    """Until the workers are done and the screen has caught up."""
    for _ in range(3):
        await pilot.pause()
        # Bounded: a worker waiting for the user (a modal screen) fails the test, not
        # the whole run.
        await asyncio.wait_for(pilot.app.workers.wait_for_complete(), SETTLE_SECONDS)
    await pilot.pause()


def screen_text(app: ReaderApp) -> str:
    """What the terminal shows, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def pane_words(app: ReaderApp, widget: Widget) -> str:
    """The words `widget` shows on screen, in order, its lines joined: a title wrapped
    onto two lines reads whole again."""
    region = widget.region
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    return " ".join(" ".join(line[region.x:region.right].split()) for line in lines)
