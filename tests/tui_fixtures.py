"""A small news world for the reader's tests: feeds and article pages served by a real
HTTP server on 127.0.0.1, refreshed into a real cache in a temporary READERTERM_HOME."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from readerterm import paths
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.library import Library

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
INJECTION = "[@click=app.quit]x[/]"


class Pages:
    """A threaded HTTP server on 127.0.0.1 serving a dict of path -> (type, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.hits: list[str] = []
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                pages.hits.append(self.path)
                found = pages.routes.get(self.path)
                status, (ctype, body) = (200, found) if found else (404, ("text/plain", b"no"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, body: str, ctype: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (ctype, body.encode("utf-8"))
        return self.base + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


PARAGRAPH = ("The harbour master said the water rose faster than at any time in the last "
             "forty years, and crews worked through the night to move boats to safety while "
             "residents filled sandbags along the sea wall and listened for the sirens. ")


def page(title: str, author: str, related: list[tuple[str, str, str]], *,
         paragraphs: int = 8, figure: tuple[str, str] | None = None) -> str:
    """An article page: headline, byline, body paragraphs, a figure, a related block."""
    body = "".join(f"<p>{escape(PARAGRAPH * 2)} Paragraph {n}.</p>"
                   for n in range(1, paragraphs + 1))
    fig = ""
    if figure:
        fig = (f'<figure><img src="/img/{len(title)}.jpg" alt="">'
               f"<figcaption>{escape(figure[0])} "
               f'<span class="credit">{escape(figure[1])}</span></figcaption></figure>')
    items = "".join(f'<li><a href="{u}">{escape(t)}</a> <span class="author">{escape(a)}'
                    f"</span></li>" for t, u, a in related)
    rel = (f'<aside class="related"><h2>Related articles</h2><ul>{items}</ul></aside>'
           if related else "")
    return (f"<!doctype html><html><head><title>{escape(title)}</title>"
            f'<meta name="author" content="{escape(author)}"></head><body>'
            f'<header><nav><a href="/">Home</a></nav></header><main><article>'
            f"<h1>{escape(title)}</h1><p class=\"byline\">By {escape(author)}</p>"
            f"{fig}{body}</article>{rel}</main><footer>Footer</footer></body></html>")


def rss(title: str, items: list[tuple[str, str, str, str]]) -> str:
    """items: (guid, title, link, pubDate)."""
    body = "".join(
        f"<item><guid>{escape(g)}</guid><title>{escape(t)}</title><link>{escape(u)}</link>"
        f"<description>A short summary of {escape(t)}.</description>"
        f"<pubDate>{d}</pubDate></item>" for g, t, u, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>http://127.0.0.1/</link>{body}"
            f"</channel></rss>")


STORM = "Storm reaches the coast overnight"
HARBOUR = "Harbour repairs begin after the storm"
FERRY = "Ferry services resume on the island routes"
CHIPS = "Chip makers report record demand this quarter"
EXTRA = "Insurers count the cost of the coastal storm"


def serve_world(srv: Pages) -> dict[str, str]:
    """Serve the feeds and pages; returns name -> URL."""
    b = srv.base
    urls = {
        "storm": b + "/world/storm", "harbour": b + "/world/harbour",
        "ferry": b + "/world/ferry", "chips": b + "/tech/chips",
        "extra": b + "/extra/insurers", "inject": b + "/world/inject",
    }
    srv.serve("/world/storm", page(STORM, "Ana Lima", [
        (HARBOUR, urls["harbour"], "Ben Okafor"),
        (EXTRA, urls["extra"], "Chloe Park"),
        (FERRY, urls["ferry"], "Dan Ruiz"),
    ], paragraphs=14, figure=("Waves break over the sea wall at dawn", "Photo: Eva Stone")))
    srv.serve("/world/harbour", page(HARBOUR, "Ben Okafor", [
        (STORM, urls["storm"], "Ana Lima"), (FERRY, urls["ferry"], "Dan Ruiz")]))
    srv.serve("/world/ferry", page(FERRY, "Dan Ruiz", [
        (HARBOUR, urls["harbour"], "Ben Okafor")]))
    srv.serve("/tech/chips", page(CHIPS, "Fay Wong", []))
    srv.serve("/extra/insurers", page(EXTRA, "Chloe Park", [
        (STORM, urls["storm"], "Ana Lima")]))
    srv.serve("/world/inject", page(INJECTION, "Mallory", []))
    srv.serve("/world.xml", rss("Daily Planet", [
        ("storm", STORM, urls["storm"], "Tue, 10 Jun 2025 09:00:00 GMT"),
        ("harbour", HARBOUR, urls["harbour"], "Mon, 09 Jun 2025 18:00:00 GMT"),
        ("ferry", FERRY, urls["ferry"], "Sun, 08 Jun 2025 08:00:00 GMT"),
        ("inject", INJECTION, urls["inject"], "Sat, 07 Jun 2025 08:00:00 GMT"),
    ]), "application/rss+xml")
    srv.serve("/tech.xml", rss("Bytes", [
        ("chips", CHIPS, urls["chips"], "Tue, 10 Jun 2025 07:30:00 GMT"),
    ]), "application/rss+xml")
    urls["world_feed"] = b + "/world.xml"
    urls["tech_feed"] = b + "/tech.xml"
    return urls


def open_world(home: Path, urls: dict[str, str], *, refresh: bool = True) -> Library:
    """A library subscribed to the world's two feeds, refreshed once (with full text)."""
    p = paths.resolve({"READERTERM_HOME": str(home)})
    save_sections(p.config_dir / "feeds.toml", [
        Section("World", (FeedEntry(urls["world_feed"]),)),
        Section("Tech", (FeedEntry(urls["tech_feed"]),)),
    ])
    lib = Library.open(p)
    if refresh:
        asyncio.run(lib.refresh())
    return lib


@pytest.fixture
def pages() -> Iterator[Pages]:
    srv = Pages()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def world(tmp_path: Path, pages: Pages,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Library, dict[str, str]]]:
    """(library, urls): the world served and refreshed into a fresh home."""
    home = tmp_path / "home"
    monkeypatch.setenv("READERTERM_HOME", str(home))
    urls = serve_world(pages)
    lib = open_world(home, urls)
    try:
        yield lib, urls
    finally:
        lib.close()


def fill(lib: Library, count: int, feeds: int = 4) -> None:
    """Put `count` articles straight into the cache (no network), spread over `feeds`
    subscribed feeds, one minute apart, newest at NOW."""
    from datetime import timedelta

    from readerterm.models import ParsedEntry
    from readerterm.store.rows import entry_row

    p = lib.paths
    urls = [f"http://127.0.0.1:9/big{n}.xml" for n in range(feeds)]
    save_sections(p.config_dir / "feeds.toml",
                  [Section("Big", tuple(FeedEntry(u, f"Big {n}") for n, u in enumerate(urls)))])
    lib.reload_subscriptions()
    ids = {f.url: f.id for f in lib.feeds()}
    per = count // feeds
    for n, url in enumerate(urls):
        entries = tuple(
            ParsedEntry(guid=f"{n}-{i}", title=f"Article {i * feeds + n} of the big feed",
                        link=f"http://127.0.0.1:9/a/{n}/{i}",
                        published=NOW - timedelta(minutes=i * feeds + n),
                        summary_html="<p>Short.</p>")
            for i in range(per))
        lib.store.store_feed(ids[url], [entry_row(e, e.title, True) for e in entries],
                             title=f"Big {n}", link=None, etag=None, last_modified=None,
                             now=NOW, fulltext=False, keep_days=100000, keep_per_feed=count)
