"""Every payload in tests/data/hostile, end to end.

test_parse.py checks what `parse_feed` makes of each payload. Here the same files go the
whole way a user's feeds go: served over HTTP on 127.0.0.1, fetched and stored by a real
`readerterm refresh` (child process), then shown by `show` and `show --json` and opened
in the reader (headless App.run_test). At every step: no exception, no control or escape
sequence from the payload in the output, markup shown literally, no action fired.
`hostile.opml` goes through `readerterm import`, `hostile_article.html` through the
full-text path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from hostile_server import HostileServer, run_readerterm, write_home
from readerterm import paths
from readerterm.cli import main
from readerterm.feeds.parse import NotAFeed
from readerterm.library import Library
from readerterm.store.cache import Filters
from readerterm.tui.app import ReaderApp
from terminal_checks import foreign_sequences, screen_output, strings_in, unsafe_chars
from test_parse import HOSTILE_CASES
from tui_fixtures import NOW

HOSTILE = Path(__file__).parent / "data" / "hostile"
FEED_PAYLOADS = sorted(HOSTILE_CASES)
NOT_FEEDS = {name for name, case in HOSTILE_CASES.items() if case is NotAFeed}
SIZE = (120, 60)


@dataclass
class Filled:
    home: Path
    feeds: dict[str, Any]  # payload name -> FeedRow
    articles: dict[str, list[int]]  # payload name -> article ids


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    """A cache filled by `readerterm refresh` from every payload served on 127.0.0.1."""
    server = HostileServer(bombs=False)
    home = write_home(tmp_path_factory.mktemp("payloads"),
                      [(server.url(f"/payload/{name}"), name) for name in FEED_PAYLOADS],
                      deadline=10.0)
    run = run_readerterm(home, "refresh", timeout=120)
    server.stop()
    assert run.code == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    # Only the payload feeds were asked for: no entity, DTD or link was fetched.
    assert sorted(set(server.hits)) == sorted(f"/payload/{n}" for n in FEED_PAYLOADS)
    lib = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
    try:
        feeds = {f.title: f for f in lib.feeds()}
        articles = {name: [a.id for a in lib.articles(Filters(feed_id=feeds[name].id))]
                    for name in FEED_PAYLOADS}
    finally:
        lib.close()
    yield Filled(home, feeds, articles)


def cli(filled: Filled, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("READERTERM_HOME", str(filled.home))
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", FEED_PAYLOADS)
def test_payload_refreshed_into_the_cache(name: str, filled: Filled) -> None:
    feed = filled.feeds[name]
    if name in NOT_FEEDS:
        assert feed.status == "error" and (feed.error or "").startswith("not a feed"), feed
        assert filled.articles[name] == []
    else:
        assert feed.status == "ok", feed
        assert filled.articles[name], "no article stored"
    assert not unsafe_chars(feed.title) and not unsafe_chars(feed.error or "")


@pytest.mark.parametrize("name", sorted(set(FEED_PAYLOADS) - NOT_FEEDS))
def test_payload_shown_by_the_cli(name: str, filled: Filled, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    feed = filled.feeds[name].url
    code, listing, _ = cli(filled, monkeypatch, capsys, "articles", "--feed", feed, "--json")
    assert code == 0
    for text in strings_in(json.loads(listing)):
        assert not unsafe_chars(text), text
    code, lines, _ = cli(filled, monkeypatch, capsys, "articles", "--feed", feed)
    assert code == 0 and not unsafe_chars(lines.replace("\n", ""))
    for article_id in filled.articles[name]:
        code, text, err = cli(filled, monkeypatch, capsys, "show", str(article_id))
        assert code == 0 and err == "", err
        assert not unsafe_chars(text), (article_id, text)
        code, raw, err = cli(filled, monkeypatch, capsys, "show", str(article_id), "--json")
        assert code == 0 and err == ""
        shown = json.loads(raw)
        for value in strings_in(shown):
            assert not unsafe_chars(value), (article_id, value)
        assert shown["url"] is None or shown["url"].startswith(("http://", "https://"))
        # The title is text: all of it is in the rendering (wrapped), brackets and all.
        assert "".join(shown["title"].split()) in "".join(text.split()), shown["title"]


def test_markup_titles_are_literal_in_show(filled: Filled, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _code, raw, _ = cli(filled, monkeypatch, capsys, "articles", "--json")
    titles = {a["title"] for a in json.loads(raw)}
    for title in ("[@click=app.quit]Click to read more[/]", "[/", "[/]", "x [/bold] y",
                  "[@click=app.screenshot('x.svg','/tmp')]Save me[/]",
                  "[link=\"https://evil.example/phish\"]Your bank: verify account[/link]"):
        assert title in titles


@pytest.mark.parametrize("name", sorted(set(FEED_PAYLOADS) - NOT_FEEDS))
async def test_payload_opened_in_the_reader(name: str, filled: Filled, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Every article of the payload opened in the headless reader: the frame Textual would
    write holds only its own sequences, nothing fires on a click, the app keeps running."""
    monkeypatch.chdir(tmp_path)  # a [@click=app.screenshot(...)] would write here
    lib = Library.open(paths.resolve({"READERTERM_HOME": str(filled.home)}))
    app = ReaderApp(lib, clock=lambda: NOW)
    fired: list[str] = []
    monkeypatch.setattr(app, "action_quit", lambda: fired.append("quit"))
    monkeypatch.setattr(app, "action_screenshot", lambda *a, **k: fired.append("screenshot"))
    monkeypatch.setattr(app, "action_simulate_key", lambda *a, **k: fired.append("key"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            for article_id in filled.articles[name]:
                app.visit_article(article_id)
                await app.workers.wait_for_complete()
                await pilot.pause()
                view = app.reader.view
                assert view is not None and view.id == article_id
                raw = screen_output(app)
                assert not foreign_sequences(raw), (article_id, foreign_sequences(raw)[:5])
                for widget in app.reader.query(Static):
                    text = str(widget.render())
                    assert not unsafe_chars(text), (article_id, text[:200])
                if "@click" in view.title:  # clicks are slow: only where they matter
                    await pilot.click(".headline")
                    await pilot.pause()
                assert app.is_running
            for row in range(4):  # the list rows carry the same titles
                await pilot.click("#articles", offset=(20, row))
            await pilot.pause()
            assert app.is_running
            assert fired == []
            assert list(tmp_path.iterdir()) == []
    finally:
        lib.close()


def test_hostile_opml_import(tmp_path: Path) -> None:
    """`readerterm import hostile.opml`: only http(s) feeds, clean names, no command."""
    home = write_home(tmp_path / "home", [])
    run = run_readerterm(home, "import", str(HOSTILE / "hostile.opml"))
    assert run.code == 0, run.stderr
    lib = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
    try:
        feeds = lib.feeds()
        subscriptions = lib.subscriptions()
    finally:
        lib.close()
    assert feeds, "the good entries are imported"
    for feed in feeds:
        assert feed.url.startswith(("http://", "https://")), feed.url
        assert not unsafe_chars(feed.title) and not unsafe_chars(feed.section)
    for section in subscriptions:
        assert not unsafe_chars(section.name)
    text = (home / "config" / "feeds.toml").read_text()
    for bad in ("exec:", "filtercmd", "file:", "javascript:", "|"):
        assert bad not in text, bad


async def test_hostile_article_page_through_full_text(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """hostile_article.html as the page of a summary-only article: extracted, stored,
    shown and opened with no script text, no control character, markup literal."""
    server = HostileServer(bombs=False)
    try:
        page = server.url("/article.html")
        server.routes["/article.html"] = (HOSTILE / "hostile_article.html").read_bytes()
        server.routes["/feed.xml"] = (
            f'<rss version="2.0"><channel><title>t</title><item><guid>a</guid>'
            f"<title>Hostile page</title><link>{page}</link><description>Short.</description>"
            f"</item></channel></rss>").encode()
        home = write_home(tmp_path / "home", [(server.url("/feed.xml"), "pages")],
                          fulltext=True)
        run = run_readerterm(home, "refresh", timeout=60)
    finally:
        server.stop()
    assert run.code == 0 and "1 article page fetched" in run.stdout, run.stdout + run.stderr
    assert set(server.hits) == {"/feed.xml", "/article.html"}  # no image, no link fetched
    monkeypatch.setenv("READERTERM_HOME", str(home))
    capsys.readouterr()
    lib = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
    article_id = lib.articles()[0].id
    assert main(["show", str(article_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert main(["show", str(article_id)]) == 0
    text = capsys.readouterr().out
    assert not unsafe_chars(text)
    for value in strings_in(shown):
        assert not unsafe_chars(value), value
    body = shown["body_text"]
    assert body and "alert(" not in body and "<script" not in body
    assert "data:image" not in text
    for link in shown["related"]:
        assert link["url"].startswith(("http://", "https://"))
    app = ReaderApp(lib, clock=lambda: NOW)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.visit_article(article_id)
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            assert not foreign_sequences(screen_output(app))
            assert app.is_running
    finally:
        lib.close()
