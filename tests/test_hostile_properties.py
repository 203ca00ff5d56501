"""Property tests: whatever a feed holds goes through fetch, parse, clean, store and render
with no exception, and nothing from it reaches the terminal as a control sequence.

Each example is a feed body served on 127.0.0.1 and refreshed into a real cache by
`Library.refresh`; then every stored article is rendered by `show`'s renderer
(`readerterm.render.render_article`) and, in the app test, by the headless reader.
Examples are few (the suite runs on 2 cores), the alphabet is biased towards escape
sequences, markup and HTML so that the few examples are hostile ones.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_server import HostileServer, write_home
from readerterm import paths
from readerterm.library import Library
from readerterm.render import render_article
from readerterm.store.cache import Filters
from readerterm.tui.app import ReaderApp
from terminal_checks import foreign_sequences, screen_output, strings_in, unsafe_chars
from tui_fixtures import NOW

SEQUENCES = [
    "\x1b[2J", "\x1b[H", "\x1b]52;c;ZWNobyBwd25lZA==\x07", "\x1b]8;;https://evil.example/\x1b\\",
    "\x1b]0;title\x07", "\x1b[31m", "\x9b31m", "\x9d0;x\x9c", "\x1bP+q\x1b\\", "\x07", "\x08",
    "\r", "\u202e", "\u200b", "\ufeff", "[@click=app.quit]", "[/]", "[/", "[bold]", "[link=x]",
    "<script>alert(1)</script>", "<b>", "</p>", "&lt;", "&amp;", "&#27;", "&#x9b;", "<![CDATA[",
    "\x00", "\udcff", "\U000e0041",
]
hostile_text = st.lists(st.one_of(st.sampled_from(SEQUENCES), st.text(max_size=12)),
                        max_size=12).map("".join)
hostile_html = st.lists(st.one_of(
    st.sampled_from(SEQUENCES),
    st.sampled_from(["<p>", "</p>", "<div>", "<pre>", "<blockquote>", "<ul><li>", "<h2>",
                     "<figure><img src='http://127.0.0.1:9/i.png'><figcaption>", "</figure>",
                     "<a href='javascript:alert(1)'>", "<a href='-x'>", "</a>", "<table><tr><td>"]),
    st.text(max_size=12)), max_size=20).map("".join)


def xml_text(value: str) -> str:
    """Text for an XML element: escaped, with the characters XML cannot carry as char refs
    (so the loose parser sees them) and surrogates dropped by the encoder."""
    out = []
    for ch in html.escape(value, quote=False):
        code = ord(ch)
        if code < 0x20 and ch not in "\n\t\r":
            out.append(f"&#{code};")
        else:
            out.append(ch)
    return "".join(out)


def rss_body(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>g{i}</guid><title>{xml_text(title)}</title>"
        f"<link>http://127.0.0.1:9/{i}</link><description>{xml_text(text)}</description></item>"
        for i, (title, text) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>p'
            f"</title>{body}</channel></rss>").encode("utf-8", "replace")


def json_body(items: list[tuple[str, str]]) -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "p",
        "items": [{"id": f"g{i}", "title": title, "content_html": text,
                   "url": f"http://127.0.0.1:9/{i}"} for i, (title, text) in enumerate(items)],
    }).encode("utf-8", "surrogatepass")


class Cache:
    """One served feed and one Library over a temporary home, reused by every example."""

    def __init__(self, home: Path) -> None:
        self.server = HostileServer(bombs=False)
        write_home(home, [(self.server.url("/feed"), "p")], deadline=5.0)
        self.lib = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
        self.feed_id = self.lib.feeds()[0].id

    def load(self, body: bytes) -> list[int]:
        """Serve `body`, refresh, and return the ids of the feed's articles."""
        self.server.routes["/feed"] = body
        report = asyncio.run(self.lib.refresh(fulltext=False))
        assert report.feeds == 1 and report.updated + len(report.failed) == 1, report
        for _, error in report.failed:
            assert not unsafe_chars(error)
        return [a.id for a in self.lib.articles(Filters(feed_id=self.feed_id))]

    def check_show(self, article_id: int) -> None:
        view = self.lib.article(article_id)
        text = render_article(view, 80)
        assert not unsafe_chars(text), text
        for value in strings_in(view.to_json()):
            assert not unsafe_chars(value), value
        json.dumps(view.to_json())  # what `show --json` prints

    def close(self) -> None:
        self.lib.close()
        self.server.stop()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cache]:
    found = Cache(tmp_path_factory.mktemp("prop"))
    yield found
    found.close()


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=3000) | st.builds(
    lambda head, junk: head + junk,
    st.sampled_from([b"<rss version='2.0'><channel><item><title>",
                     b'{"version":"https://jsonfeed.org/version/1","items":[{"title":"',
                     b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>"]),
    st.binary(max_size=500)))
def test_any_bytes_as_a_feed_body(cache: Cache, body: bytes) -> None:
    for article_id in cache.load(body):
        cache.check_show(article_id)


@SETTINGS
@given(st.lists(st.tuples(hostile_text, hostile_html), min_size=1, max_size=3),
       st.sampled_from([rss_body, json_body]))
def test_any_title_and_html_body(cache: Cache, items: list[tuple[str, str]],
                                 make: object) -> None:
    assert callable(make)
    ids = cache.load(make(items))
    assert ids
    for article_id in ids:
        cache.check_show(article_id)


async def _render_in_app(lib: Library, ids: list[int]) -> None:
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=(100, 50)) as pilot:
        for article_id in ids:
            view = await asyncio.to_thread(lib.article, article_id)
            await app.reader.show(view, 0)
            await pilot.pause()
            raw = screen_output(app)
            assert not foreign_sequences(raw), foreign_sequences(raw)[:5]
        assert app.is_running


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(hostile_text, hostile_html), min_size=1, max_size=4),
       st.sampled_from([rss_body, json_body]))
def test_any_title_and_html_body_in_the_reader(cache: Cache, items: list[tuple[str, str]],
                                               make: object) -> None:
    assert callable(make)
    ids = cache.load(make(items))
    asyncio.run(_render_in_app(cache.lib, ids))


async def test_the_screen_check_sees_a_sequence_that_gets_through() -> None:
    """The check is not vacuous: a Static given raw escape text (what the reader must never
    do) puts the feed's OSC 52 into the frame, and `foreign_sequences` finds it."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Leaky(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(Text("title \x1b]52;c;ZWNobyBwd25lZA==\x07 and \x1b[2J"))

    app = Leaky()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        found = foreign_sequences(screen_output(app))
    assert any(seq.startswith("\x1b]52") for seq in found), found
    assert "\x1b[2J" in found
