"""The lxml fast path gives the entries feedparser gives, or hands the body back.

Over every fixture feed: wherever `parse_fast` reads a body, the feedparser path (the
fast path switched off) must give the same feed title, link and kind and, entry by
entry, the same guid, title, link, author, date, categories, enclosures, lead image,
related links, and the same text for summary and content (the HTML itself differs on
purpose: the fast path keeps the feed's HTML, feedparser's is sanitized; both are only
shown through readerterm.html). Plus: a refresh digests each entry's longer HTML (its
text and full-story decision are html_to_text's and is_full_story's; test_html_walk
holds those to recorded outputs), deep HTML keeps its text, the similar-index
tokenizer's ASCII shortcut gives the regex's tokens, and the benchmark feed server
answers 304 to a matching ETag.
"""

from __future__ import annotations

import asyncio
import re
import threading
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError

import pytest

from html_cases import load_feed_server
from readerterm.bodies import digest_entry
from readerterm.extract import is_full_story
from readerterm.feeds import parse as parse_mod
from readerterm.feeds.entry import text_of
from readerterm.feeds.fastparse import parse_fast
from readerterm.feeds.parse import NotAFeed
from readerterm.html import html_digest, html_to_text
from readerterm.models import ParsedFeed
from readerterm.store.sig import words as sig_words

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "data" / "feeds"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
URL = "https://feed.example/feed.xml"
FEED_FILES = sorted(p for p in FEEDS.iterdir() if p.is_file() and p.suffix not in (".tsv", ".md"))
FIELDS = ("guid", "title", "link", "author", "published", "categories", "enclosures",
          "lead_image", "related")


def slow_parse(body: bytes, monkeypatch: pytest.MonkeyPatch) -> ParsedFeed:
    """parse_feed with the fast path switched off: feedparser reads everything."""
    with monkeypatch.context() as patch:
        patch.setattr(parse_mod, "parse_fast", lambda *args: None)
        return parse_mod.parse_feed(body, {}, URL, now=NOW)


def fast_or_skipped(paths: list[Path]) -> list[object]:
    """The fixture feeds, those the fast path declines marked as skipped: for them there
    is nothing to compare (feedparser reads them either way)."""
    declined = pytest.mark.skip(reason="the fast path declines it: feedparser's alone")
    return [pytest.param(p, id=p.name, marks=() if parse_fast(p.read_bytes(), {}, URL, NOW)
                         else declined) for p in paths]


@pytest.mark.parametrize("path", fast_or_skipped(FEED_FILES))
def test_fast_path_equals_feedparser(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = path.read_bytes()
    fast = parse_fast(body, {}, URL, NOW)
    assert fast is not None
    try:
        slow = slow_parse(body, monkeypatch)
    except NotAFeed:
        pytest.fail("the fast path read a body feedparser calls no feed")
    assert (fast.title, fast.link, fast.kind) == (slow.title, slow.link, slow.kind)
    assert len(fast.entries) == len(slow.entries)
    for mine, theirs in zip(fast.entries, slow.entries, strict=True):
        for name in FIELDS:
            assert getattr(mine, name) == getattr(theirs, name), (name, mine.guid)
        for name in ("summary_html", "content_html"):
            assert text_of(getattr(mine, name), URL) == text_of(
                getattr(theirs, name), URL), (name, mine.guid)


def test_the_fast_path_is_taken_for_plain_feeds() -> None:
    taken = [p.name for p in FEED_FILES if parse_fast(p.read_bytes(), {}, URL, NOW)]
    assert len(taken) >= 10, taken
    assert "miniflux__large_rss.xml" in taken and "miniflux__large_atom.xml" in taken


PLAIN = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
         b"<item><title>A</title><link>https://a.example/1</link></item></channel></rss>")


@pytest.mark.parametrize("body", [
    b"\n" + PLAIN,  # not well-formed: feedparser's loose reading
    PLAIN.replace(b"UTF-8", b"ISO-8859-1"),
    PLAIN.replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY e "x">]><rss'),
    PLAIN.replace(b"<title>A</title>", b"<title>A &amp;amp; B</title>"),  # maybe HTML
    PLAIN.replace(b"<title>A</title>", b"<title>A<b>x</b></title>"),
    PLAIN.replace(b"</item>", b"<itunes:summary xmlns:itunes='http://www.itunes.com/dtds/"
                  b"podcast-1.0.dtd'>s</itunes:summary></item>"),
    PLAIN.replace(b"</item>", b"<media:content xmlns:media='http://search.yahoo.com/mrss/'"
                  b" url='https://a.example/i.jpg'/></item>"),
    PLAIN.replace(b'version="2.0"', b'version="0.91"'),
    PLAIN.replace(b"</channel>", b"<item><title>broken</channel>"),
    PLAIN.replace(b"<link>https://a.example/1</link>", b"<link>x</link><link>y</link>"),
    PLAIN.replace(b'<rss version="2.0">', b'<rss version="2.0" xml:base="https://b.example/">'),
], ids=["leading-newline", "latin-1", "doctype", "html-title", "markup-in-title", "itunes",
        "media", "rss091", "broken", "two-links", "xml-base"])
def test_unusual_bodies_go_to_feedparser(body: bytes) -> None:
    assert parse_fast(body, {}, URL, NOW) is None


def test_http_charset_decides() -> None:
    assert parse_fast(PLAIN, {"content-type": "application/rss+xml; charset=utf-8"}, URL) \
        is not None
    assert parse_fast(PLAIN, {"content-type": "application/rss+xml; charset=latin-1"}, URL) \
        is None
    latin = PLAIN.replace(b">A<", ">Ä<".encode())
    assert parse_fast(latin, {"content-type": "text/xml"}, URL) is None  # US-ASCII by RFC 3023


def test_refresh_digest_agrees_with_html_to_text_and_is_full_story(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for path in FEED_FILES:
        try:
            parsed = slow_parse(path.read_bytes(), monkeypatch)
        except NotAFeed:
            continue
        for entry in parsed.entries:
            longer = max(entry.content_html, entry.summary_html, key=len)
            for words in (250, 40):
                text, full = digest_entry(entry, words, URL)
                assert text == html_to_text(longer)
                assert full == is_full_story(longer, words), (path.name, entry.guid)


def test_ascii_tokens_are_the_regex_tokens() -> None:
    """sig.words splits ASCII text with str.translate: the same tokens as FTS5's rule."""
    samples = [p.read_bytes().decode("ascii", "ignore") for p in FEED_FILES[:40]]
    samples += ["a_b c-d e'f 9x x9 __ a..b\tTAB\nNL", "", "___", "ABC def 123 4_5"]
    for text in samples:
        assert sig_words(text) == re.findall(r"[^\W_]+", text.lower()), text[:100]


def test_deep_html_keeps_its_text_in_the_digest() -> None:
    html = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    assert html_digest(html).text == "deep text"


# -- the benchmark's feed server ------------------------------------------------------


def test_benchmark_server_answers_304_to_a_matching_etag() -> None:
    server = load_feed_server()
    state = server.State(feeds=3, items=4)
    loop = asyncio.new_event_loop()
    ready: asyncio.Future[int] = loop.create_future()
    task = loop.create_task(server.serve(state, 0, ready))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        port = asyncio.run_coroutine_threadsafe(asyncio.wait_for(
            asyncio.shield(ready), 10), loop).result(10)
        url = f"http://127.0.0.1:{port}/feed/1.xml"
        with urllib.request.urlopen(url, timeout=10) as answer:
            etag = answer.headers["ETag"]
            modified = answer.headers["Last-Modified"]
            assert answer.status == 200 and etag
            assert parse_fast(answer.read(), {}, url) is not None
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            with pytest.raises(HTTPError) as caught:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)
            assert caught.value.code == 304
        request = urllib.request.Request(url, headers={"If-None-Match": '"other"'})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
    finally:
        loop.call_soon_threadsafe(task.cancel)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
