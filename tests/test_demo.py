"""`readerterm demo`: the bundled publications, their server and the first refresh.

The demo is a newcomer's first sight of readerterm, so these tests hold it to what it is
there to show: every feed loads, every article has its full text, captions come out as
captions and furniture does not, related links between demo articles open from the
cache, and the one page in no feed is fetched on demand.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError

import pytest

from readerterm.demo import DEMO_FEEDS, UNLISTED_PAGE, DemoHome, build_demo_home, run_demo
from readerterm.demo.server import DemoServer, data_files
from readerterm.library import ArticleView, Filters

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
FURNITURE = ("follow us", "follow field", "funded by its readers", "donate today", "donate now",
             "chip in", "reader-supported", "newsletter", "leave a comment", "leave a reply",
             "share this", "sign up", "fictional", "skip to content", "cookie")


@pytest.fixture
def home(tmp_path: Path) -> Iterator[DemoHome]:
    """A demo home in tmp_path, refreshed once (feeds and article pages)."""
    with build_demo_home(tmp_path, now=NOW) as demo:
        report = asyncio.run(demo.library.refresh(fulltext=True))
        assert report.failed == []
        assert report.pages_failed == 0
        yield demo


def views(home: DemoHome) -> list[ArticleView]:
    lib = home.library
    return [lib.article(row.id) for row in lib.articles()]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# -- the home ----------------------------------------------------------------------------
def test_home_is_under_the_given_folder_only(tmp_path: Path) -> None:
    before = dict(os.environ)
    with build_demo_home(tmp_path) as demo:
        assert demo.paths.database.is_relative_to(tmp_path)
        assert demo.paths.config_dir.is_relative_to(tmp_path)
        assert demo.library.feeds_file.is_file()
        assert demo.server.base_url.startswith("http://127.0.0.1:")
    assert dict(os.environ) == before
    assert not demo.server.running


def test_sections_and_feeds(home: DemoHome) -> None:
    feeds = home.library.feeds()
    assert [(f.section, f.url, f.title) for f in feeds] == [
        (section, home.server.url(path), title) for section, path, title in DEMO_FEEDS]
    assert home.library.section_names() == ["World", "Technology", "Science"]
    for feed in feeds:
        assert feed.status == "ok", (feed.url, feed.error)
        assert feed.error is None
        assert 2 <= feed.total <= 6
    for section in ("World", "Technology", "Science"):
        assert 4 <= home.library.count(Filters(section=section)) <= 6


# -- full text, captions, furniture ------------------------------------------------------
def test_every_article_has_its_full_text(home: DemoHome) -> None:
    all_views = views(home)
    assert len(all_views) == 16
    for view in all_views:
        doc = view.document
        assert view.fulltext in ("page", "feed"), view.title
        assert view.author, view.title
        assert len(doc.body_text) > 700, view.title
        assert sum(b.kind == "paragraph" for b in doc.blocks) >= 5, view.title
        text = doc.body_text.lower()
        for phrase in FURNITURE:
            assert phrase not in text, (view.title, phrase)
    # Summary-only feeds were completed from their pages; the Notebook carries full text.
    by_feed = {v.feed: v.fulltext for v in all_views}
    assert by_feed["Field & Orbit: Notebook"] == "feed"
    assert {by_feed[t] for t in ("The Meridian Courier: World", "Lattice", "Field & Orbit")} \
        == {"page"}


def test_pages_give_headline_section_byline_and_lead_image(home: DemoHome) -> None:
    for view in views(home):
        if view.fulltext != "page":
            continue
        doc = view.document
        assert doc.title == view.title
        assert doc.section in ("World", "Technology", "Science")
        assert doc.byline == view.author
        assert doc.lead_image is not None and doc.lead_image.caption and doc.lead_image.credit


def test_captions_are_captions(home: DemoHome) -> None:
    for view in views(home):
        doc = view.document
        figures = [b.image for b in doc.blocks if b.kind == "figure" and b.image]
        assert len(figures) >= 2, view.title  # the lead image and one inside the body
        for image in figures:
            assert image.src.startswith(home.server.base_url + "/"), view.title
            assert image.caption, (view.title, image.src)
            assert image.caption not in doc.body_text
        if view.fulltext == "page":
            texts = [b.text for b in doc.blocks if b.kind != "figure"]
            for image in figures:
                assert image.credit, (view.title, image.src)
                assert not any(t.endswith(image.credit) for t in texts), (view.title, image.credit)
    bridge = _by_title(home, "Vessaly and Ardmoor reopen the Calder Bridge")
    lead = bridge.document.lead_image
    assert lead is not None
    assert lead.caption == "People walk across the reopened Calder Bridge at dawn on Tuesday."
    assert lead.credit.endswith("Noor Tasker/Meridian Courier")  # with or without "Photograph:"


def test_feed_media_caption_and_credit_are_kept(home: DemoHome) -> None:
    """The Courier's RSS carries media:description and media:credit for its images."""
    row = home.library.store.article(_by_title(home, "Night ferries return").id)
    assert row is not None
    lead = json.loads(row["lead_image"])
    assert lead["caption"].startswith("The Osk Star leaves Brannock harbour")
    assert lead["credit"] == "Anika Dorsey/Meridian Courier"


# -- related links ---------------------------------------------------------------------
def test_related_links_between_demo_articles_carry_cached_ids(home: DemoHome) -> None:
    ids = {row.id for row in home.library.articles()}
    unlisted = home.server.url(UNLISTED_PAGE)
    linked_unlisted = 0
    for view in views(home):
        if view.fulltext != "page":
            continue
        assert len(view.related) >= 2, view.title
        for link in view.related:
            assert link.author, (view.title, link.title)
            assert link.url.startswith(home.server.base_url + "/")
            if link.url == unlisted:
                linked_unlisted += 1
                assert link.article_id is None
            else:
                assert link.article_id in ids, (view.title, link.url)
                target = home.library.article(link.article_id)
                assert target.title == link.title
                assert target.author == link.author
    assert linked_unlisted >= 1


def test_the_unlisted_related_page_is_fetched_on_demand(home: DemoHome) -> None:
    bridge = _by_title(home, "Vessaly and Ardmoor reopen the Calder Bridge")
    first = bridge.related[0]
    assert first.url == home.server.url(UNLISTED_PAGE)
    assert first.article_id is None

    article_id = asyncio.run(home.library.open_url(first.url))

    opened = home.library.article(article_id)
    assert opened.title == first.title == "Inside the harbour archive that kept the bridge " \
                                          "talks alive"
    assert opened.author == first.author == "Ruth Abernant"
    assert "Clause 14" in opened.document.body_text
    assert any(b.kind == "figure" and b.image and b.image.caption.startswith("Clause 14")
               for b in opened.document.blocks)
    # Now cached: the bridge article's link carries its id, and opening it fetches nothing.
    assert home.library.article(bridge.id).related[0].article_id == article_id
    hits = len(home.server.requests)
    assert asyncio.run(home.library.open_url(first.url)) == article_id
    assert len(home.server.requests) == hits


def test_search_finds_demo_articles(home: DemoHome) -> None:
    titles = {row.title for row in home.library.search("bridge")}
    assert "Vessaly and Ardmoor reopen the Calder Bridge after eleven years" in titles
    assert len(titles) >= 2


# -- the server --------------------------------------------------------------------------
def test_second_refresh_is_all_not_modified(home: DemoHome) -> None:
    report = asyncio.run(home.library.refresh(fulltext=True))
    assert report.failed == []
    assert report.not_modified == len(DEMO_FEEDS)
    assert report.new_articles == 0
    assert report.pages_fetched == 0


def test_server_fills_placeholders_and_answers_conditional_get() -> None:
    with DemoServer(now=NOW) as server:
        status, headers, body = get(server.url("/courier/world/rss.xml"))
        assert status == 200
        text = body.decode("utf-8")
        assert "{base}" not in text and "{rfc822" not in text
        assert server.url("/courier/world/calder-bridge-reopens.html") in text
        assert "Tue, 10 Jun 2025 10:00:00 GMT" in text  # NOW minus two hours
        etag, modified = headers["ETag"], headers["Last-Modified"]

        assert get(server.url("/courier/world/rss.xml"), {"If-None-Match": etag})[0] == 304
        assert get(server.url("/courier/world/rss.xml"),
                   {"If-Modified-Since": modified})[0] == 304
        assert get(server.url("/courier/world/rss.xml"), {"If-None-Match": '"other"'})[0] == 200

        feed = json.loads(get(server.url("/fieldorbit/feed.json"))[2])
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["items"][0]["url"].startswith(server.base_url)

        status, _, body = get(server.url("/lattice/2025/back-to-the-terminal/"))
        assert status == 200 and b"<h1" in body
        assert get(server.url("/../../etc/passwd"))[0] == 404
        assert get(server.url("/nothing-here.html"))[0] == 404
        base = server.base_url
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/", timeout=2)


def test_data_has_no_unfilled_or_foreign_links() -> None:
    """Every link in the data points at the demo server: nothing reaches the network."""
    for path, entry in data_files():
        if not path.endswith((".html", ".xml", ".rss", ".json")):
            continue
        text = entry.read_text(encoding="utf-8")
        for url in re.findall(r"""(?:href|src|url)\s*=\s*["']([^"']+)""", text):
            assert url.startswith(("{base}/", "/", "#")), (path, url)
        for url in re.findall(r"https?://[^\s\"'<>]+", text):
            assert url.startswith(("https://schema.org", "https://jsonfeed.org/version/1.1",
                                   "http://www.w3.org/", "http://search.yahoo.com/mrss/",
                                   "http://purl.org/")), (path, url)


# -- the command -------------------------------------------------------------------------
def test_run_demo_without_the_reader(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """With no reader importable the command still shows the demo (as a list)."""
    monkeypatch.setitem(sys.modules, "readerterm.tui.app", None)
    assert run_demo() == 0
    out, err = capsys.readouterr()
    assert "Preparing the demo" in err
    assert "Vessaly and Ardmoor reopen the Calder Bridge after eleven years" in out


def test_run_demo_hands_the_filled_library_to_the_reader(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import readerterm.tui.app as app

    seen: dict[str, object] = {}

    def fake_reader(lib: object, **options: object) -> int:
        from readerterm.library import Library

        assert isinstance(lib, Library)
        seen["count"] = lib.count()
        seen["home"] = lib.paths.database
        seen["refresh"] = options.get("refresh")
        return 7

    monkeypatch.setattr(app, "run_reader", fake_reader)
    assert run_demo() == 7
    assert seen["count"] == 16
    assert seen["refresh"] is False  # the cache is already filled: no second refresh at start
    home = seen["home"]
    assert isinstance(home, Path)
    assert not home.exists()  # the temporary home is gone


def _by_title(home: DemoHome, start: str) -> ArticleView:
    for row in home.library.articles():
        if row.title.startswith(start):
            return home.library.article(row.id)
    raise AssertionError(f"no demo article starting {start!r}")


async def test_reader_on_the_demo_follows_the_unlisted_link(tmp_path: Path) -> None:
    """In the reader: open the newest article, press 1, and the page in no feed is
    fetched from the demo server and shown."""
    from readerterm.tui.app import ReaderApp

    with build_demo_home(tmp_path, now=NOW) as demo:
        await demo.library.refresh(fulltext=True)
        app = ReaderApp(demo.library, clock=lambda: NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            view = app.reader.view
            assert view is not None and view.title.startswith("Vessaly and Ardmoor")
            await pilot.press("1")
            for _ in range(50):
                await app.workers.wait_for_complete()
                await pilot.pause()
                view = app.reader.view
                if view is not None and view.title.startswith("Inside the harbour"):
                    break
            assert view is not None
            assert view.title == "Inside the harbour archive that kept the bridge talks alive"
            assert view.fulltext == "page"
            assert any(r.path == UNLISTED_PAGE for r in demo.server.requests)
