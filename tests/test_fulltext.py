"""Full article text: refresh fetches summary-only articles' pages, extracts and caches
them; related links resolve to cached articles; an uncached link is fetched on demand."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from conftest import FeedServer
from readerterm import paths
from readerterm.cli import main
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.library import FetchFailed, Library
from test_refresh import open_library

BRIDGE = "Bridge approved by the council"
TRAMS = "Trams return to the old town"
FERRY = "Ferry service ends after 90 years"
PARAS = [
    "The council met on Tuesday night to approve the new bridge across the river.",
    "Engineers said the steel span would carry trams as well as bicycles and walkers.",
    "Residents who had waited a decade for a crossing applauded when the vote was read.",
]


def page(title: str, paras: list[str], related: list[tuple[str, str, str]]) -> str:
    rel = "".join(f'<li><a href="{u}">{t}</a> <span class="author">{a}</span></li>'
                  for t, u, a in related)
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f"""<!doctype html><html><head><title>{title} | The Courier</title></head><body>
<nav><a href="/">Home</a> <a href="/city">City</a></nav>
<article><span class="section-label">City</span><h1>{title}</h1>
<figure><img src="/img/{len(title)}.jpg" alt="x">
<figcaption>The river at dusk. <span class="credit">Photo: Ana Lima</span></figcaption></figure>
<p class="share">Please follow us on Gab, Minds and Telegram</p>
{body}
<div class="donate">Donate! The media company funded by the common man!</div>
</article>
<section class="related-articles"><h2>Related articles</h2><ul>{rel}</ul></section>
<div class="comments"><h3>Leave a Comment</h3><form><textarea></textarea></form></div>
<div class="newsletter">Subscribe to our evening newsletter</div>
</body></html>"""


def feed(base: str) -> str:
    items = "".join(
        f"<item><guid>{slug}</guid><title>{title}</title><link>{base}/{slug}.html</link>"
        f"<description>A short summary.</description>"
        f"<pubDate>Mon, 0{n} Jun 2026 10:00:00 GMT</pubDate></item>"
        for n, (slug, title) in enumerate([("bridge", BRIDGE),
                                           ("trams", TRAMS)], 1))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>'
            f"<link>{base}/</link>{items}</channel></rss>")


@pytest.fixture
def site(server: FeedServer) -> FeedServer:
    base = server.base
    server.serve("/feed.xml", feed(base))
    server.serve("/bridge.html", page(BRIDGE, PARAS, [
        (TRAMS, f"{base}/trams.html", "Jo Park"),
        (FERRY, f"{base}/ferry.html", "Sam Ode")]), content_type="text/html")
    server.serve("/trams.html", page(TRAMS, list(reversed(PARAS)), [
        (BRIDGE, f"{base}/bridge.html", "Ana Lima")]), content_type="text/html")
    server.serve("/ferry.html", page(FERRY, PARAS[:2], []), content_type="text/html")
    return server


def test_refresh_fetches_pages_and_show_works_offline(
        home: Path, site: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    lib = open_library(home, {"City": [site.url("/feed.xml")]})
    report = asyncio.run(lib.refresh())
    assert report.new_articles == 2 and report.pages_fetched == 2 and report.pages_failed == 0
    site.stop()  # offline from here on
    bridge = next(r for r in lib.articles() if r.title == BRIDGE)
    view = lib.article(bridge.id)
    assert view.fulltext == "page"
    assert view.section == "City"
    assert view.document.body_text.split("\n\n") == PARAS
    assert [(i.caption, i.credit) for i in view.document.images] == [
        ("The river at dusk.", "Ana Lima")]
    related = {r.title: r for r in view.related}
    assert related[TRAMS].author == "Jo Park"
    trams_id = next(r.id for r in lib.articles() if r.title == TRAMS)
    assert related[TRAMS].article_id == trams_id  # cached: opens offline
    assert related[FERRY].article_id is None  # in no feed
    body = view.document.body_text
    for furniture in ("Follow us", "Donate", "Comment", "newsletter", "Home"):
        assert furniture.lower() not in body.lower()

    assert main(["show", str(bridge.id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["body_text"] == "\n\n".join(PARAS)
    assert shown["related"][0] == {"title": TRAMS, "url": site.url("/trams.html"),
                                   "author": "Jo Park", "id": trams_id}
    assert main(["show", str(bridge.id)]) == 0
    text = capsys.readouterr().out
    assert "Related articles" in text and "The river at dusk. (Ana Lima)" in text

    # Offline, the uncached related link cannot be had, and says so.
    with pytest.raises(FetchFailed):
        asyncio.run(lib.open_url(site.url("/ferry.html")))


def test_uncached_related_link_is_fetched_on_demand(home: Path, site: FeedServer) -> None:
    lib = open_library(home, {"City": [site.url("/feed.xml")]})
    asyncio.run(lib.refresh())
    new_id = asyncio.run(lib.open_url(site.url("/ferry.html")))
    view = lib.article(new_id)
    assert view.title == FERRY and view.document.body_text.split("\n\n") == PARAS[:2]
    # It is cached now: a second open does not fetch again.
    hits = len(site.hits["/ferry.html"])
    assert asyncio.run(lib.open_url(site.url("/ferry.html"))) == new_id
    assert len(site.hits["/ferry.html"]) == hits
    bridge = next(r for r in lib.articles() if r.title == BRIDGE)
    assert {r.title: r.article_id for r in lib.article(bridge.id).related}[FERRY] == new_id


def test_failed_pages_are_retried_on_a_later_refresh_and_no_fulltext_skips(
        home: Path, site: FeedServer) -> None:
    site.serve("/trams.html", "down", status=503, content_type="text/plain")
    lib = open_library(home, {"City": [site.url("/feed.xml")]})
    first = asyncio.run(lib.refresh(fulltext=False))
    assert first.pages_fetched == 0 and "/bridge.html" not in site.hits
    second = asyncio.run(lib.refresh())
    assert second.pages_fetched == 1 and second.pages_failed == 1
    trams = next(r for r in lib.articles() if r.title == TRAMS)
    assert lib.article(trams.id).fulltext == "error"
    site.serve("/trams.html", page(TRAMS, PARAS, []), content_type="text/html")
    third = asyncio.run(lib.refresh())
    assert third.pages_fetched == 1 and lib.article(trams.id).fulltext == "page"


def test_a_feed_with_the_whole_story_is_used_as_it_is(home: Path, server: FeedServer) -> None:
    story = "".join(f"<p>{' '.join(['word'] * 60)} paragraph {n}.</p>" for n in range(6))
    server.serve("/full.xml", f"""<?xml version="1.0"?><rss version="2.0"
      xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Full</title>
      <item><guid>x</guid><title>Whole</title><link>{server.base}/x.html</link>
      <description>short</description><content:encoded><![CDATA[{story}]]></content:encoded>
      </item></channel></rss>""")
    lib = open_library(home, {"Blogs": [server.url("/full.xml")]})
    report = asyncio.run(lib.refresh())
    assert report.pages_fetched == 0 and "/x.html" not in server.hits
    view = lib.article(lib.articles()[0].id)
    assert view.fulltext == "feed" and "paragraph 5." in view.document.body_text


def test_extract_command_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "a.html"
    good.write_text(page(BRIDGE, PARAS, [(TRAMS, "https://x.org/t", "Jo")]))
    empty = tmp_path / "b.html"
    empty.write_text("")
    assert main(["extract", str(good), str(tmp_path / "missing.html"), str(empty), "--json",
                 "--url", "https://x.org/a"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert set(first) == {"title", "section", "byline", "images", "body_text", "blocks",
                          "related"}
    assert first["body_text"] == "\n\n".join(PARAS)
    assert first["related"] == [{"title": TRAMS, "url": "https://x.org/t",
                                 "author": "Jo"}]
    assert "error" in json.loads(lines[1]) and "error" in json.loads(lines[2])


def test_page_fetching_can_be_turned_off_per_feed_and_globally(
        home: Path, site: FeedServer) -> None:
    p = paths.resolve({"READERTERM_HOME": str(home)})
    save_sections(p.config_dir / "feeds.toml", [
        Section("City", (FeedEntry(site.url("/feed.xml"), fulltext=False),))])
    lib = Library.open(p)
    report = asyncio.run(lib.refresh())
    assert report.new_articles == 2 and report.pages_fetched == 0
    assert "/bridge.html" not in site.hits
    assert lib.article(lib.articles()[0].id).fulltext == "feed"

    home2 = home.parent / "home2"
    p2 = paths.resolve({"READERTERM_HOME": str(home2)})
    p2.config_dir.mkdir(parents=True)
    p2.config_file.write_text("[fulltext]\nenabled = false\n")
    save_sections(p2.config_dir / "feeds.toml",
                  [Section("City", (FeedEntry(site.url("/feed.xml")),))])
    report = asyncio.run(Library.open(p2).refresh())
    assert report.new_articles == 2 and report.pages_fetched == 0
    assert "/bridge.html" not in site.hits
