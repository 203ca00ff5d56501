"""`readerterm demo`: the reader on bundled, fictional publications, with no network.

A newcomer's first command. Three made-up publications (World, Technology, Science) are
served by a small HTTP server on 127.0.0.1 inside this process (`server.py`), and the
reader runs on a temporary home that is deleted on exit: the user's own config, cache
and subscriptions are never read or touched.

    home = build_demo_home(Path(tmp))      # server started, feeds.toml written, Library open
    await home.library.refresh()           # feeds, then the article pages (well under a second)
    ...
    home.close()                           # closes the Library, stops the server

Tests and scripts/screenshots.py use `build_demo_home` the same way.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from readerterm import paths as paths_mod
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.demo.server import DemoServer
from readerterm.library import Filters, Library
from readerterm.safety import clean_line

__all__ = ["DEMO_FEEDS", "UNLISTED_PAGE", "DemoHome", "build_demo_home", "demo_sections",
           "run_demo"]

DEMO_FEEDS: tuple[tuple[str, str, str], ...] = (
    ("World", "/courier/world/rss.xml", "The Meridian Courier: World"),
    ("Technology", "/lattice/atom.xml", "Lattice"),
    ("Science", "/fieldorbit/feed.json", "Field & Orbit"),
    ("Science", "/fieldorbit/notebook.rss", "Field & Orbit: Notebook"),
)
"""(section, path on the demo server, title) of every demo feed, in order."""

UNLISTED_PAGE = "/courier/world/inside-the-harbour-archive.html"
"""A page that is served and linked as related, but is in no feed: fetched on demand."""


def demo_sections(server: DemoServer) -> list[Section]:
    """The demo subscriptions, pointing at `server`."""
    sections: dict[str, list[FeedEntry]] = {}
    for section, path, title in DEMO_FEEDS:
        sections.setdefault(section, []).append(FeedEntry(server.url(path), title))
    return [Section(name, tuple(feeds)) for name, feeds in sections.items()]


@dataclass
class DemoHome:
    """A demo home: its paths, the running server and the open Library."""

    root: Path
    paths: paths_mod.Paths
    server: DemoServer
    library: Library

    def close(self) -> None:
        """Close the Library and stop the server (safe to call twice)."""
        try:
            self.library.close()
        finally:
            self.server.stop()

    def __enter__(self) -> DemoHome:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def build_demo_home(root: Path, *, now: datetime | None = None) -> DemoHome:
    """Start the demo server and open a Library whose home is `root`.

    `root` must be a folder of its own (a temporary directory): config, data and cache go
    under it, as with READERTERM_HOME=root, but without touching the environment.
    Nothing is fetched yet: call `await home.library.refresh()`. `now` fixes the
    articles' dates (see `DemoServer`).
    """
    paths = paths_mod.resolve({"READERTERM_HOME": str(root)})
    server = DemoServer(now=now).start()
    try:
        save_sections(paths.config_dir / "feeds.toml", demo_sections(server))
        library = Library.open(paths)
    except BaseException:
        server.stop()
        raise
    return DemoHome(root, paths, server, library)


def run_demo() -> int:
    """Run the reader on the demo in a temporary home; returns the exit status."""
    print("Preparing the demo…", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="readerterm-demo-",
                                     ignore_cleanup_errors=True) as tmp, \
            build_demo_home(Path(tmp)) as home:
        report = asyncio.run(home.library.refresh(fulltext=True))
        for url, error in report.failed:
            print(f"readerterm demo: {url}: {clean_line(error, limit=200)}", file=sys.stderr)
        try:
            from readerterm.tui.app import run_reader
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith(("readerterm.tui", "textual")):
                raise
            return _print_articles(home.library)
        return run_reader(home.library, title="readerterm demo", refresh=False)


def _print_articles(library: Library) -> int:
    """The demo without the reader: the articles, by section."""
    print("The reader is not available in this build; the demo's articles are:")
    for section in library.section_names():
        print(f"\n{clean_line(section)}")
        for row in library.articles(Filters(section=section)):
            print(f"  {row.id:>4}  {clean_line(row.title, limit=90)}  "
                  f"({clean_line(row.feed, limit=40)})")
    return 0
