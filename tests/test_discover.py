"""Feed autodiscovery and feed sniffing."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerterm.feeds.discover import discover_feeds, looks_like_feed

DATA = Path(__file__).parent / "data"

PAGE = """<!DOCTYPE html>
<html><head>
<title>News</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.rss">
<link rel="alternate" type="application/atom+xml" href="https://news.example/atom.xml">
<LINK REL="Alternate" TYPE="application/feed+json" HREF="feed.json">
<link rel="alternate" type="application/json" href="//cdn.example/f.json">
<link rel="alternate" type="application/rss+xml" href="/feed.rss">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
<link rel="alternate" type="application/rss+xml" href="-–-option">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="text/html" href="/mobile/">
<link rel="alternate stylesheet" type="text/css" href="/dark.css">
</head><body><a rel="alternate" type="application/rss+xml" href="/not-a-link-tag.rss">x</a>
</body></html>"""


def test_finds_feeds_in_document_order() -> None:
    assert discover_feeds(PAGE, "https://news.example/section/page.html") == [
        "https://news.example/feed.rss",
        "https://news.example/atom.xml",
        "https://news.example/section/feed.json",
        "https://cdn.example/f.json",
        "https://news.example/section/-–-option",
    ]


def test_bytes_and_base_element() -> None:
    page = (b'<html><head><base href="https://other.example/blog/">'
            b'<link rel="alternate" type="application/atom+xml" href="atom.xml"></head></html>')
    assert discover_feeds(page, "https://news.example/") == ["https://other.example/blog/atom.xml"]


def test_no_feeds_and_broken_markup() -> None:
    assert discover_feeds("<html><head><title>x</title></head></html>", "https://a.example/") == []
    assert discover_feeds(b"\x00\xff<link rel=alternate type=application/rss+xml href=/f",
                          "https://a.example/") == []
    assert discover_feeds("", "https://a.example/") == []


def test_relative_link_without_http_base_is_dropped() -> None:
    page = '<link rel="alternate" type="application/rss+xml" href="/feed">'
    assert discover_feeds(page, "file:///home/me/page.html") == []


def test_deeply_nested_page() -> None:
    page = "<div>" * 20000 + '<link rel="alternate" type="application/rss+xml" href="/f">'
    assert discover_feeds(page, "https://a.example/") == ["https://a.example/f"]


@pytest.mark.parametrize(("name", "content_type"), [
    ("feeds/rssparser__guardian.rss", "text/xml"),
    ("feeds/nnw__DaringFireball.rss", "text/html"),  # a feed with the wrong type
    ("feeds/nnw__bio.rdf", ""),
    ("feeds/nnw__DaringFireball.json", "application/json"),
    ("feeds/gofeed__json11_feed.json", "text/plain"),
    ("feeds/feedparser__encoding_utf-16le-bom.xml", "application/xml"),
    ("feeds/nnw__livemint.xml", "application/rss+xml"),
])
def test_looks_like_feed(name: str, content_type: str) -> None:
    assert looks_like_feed((DATA / name).read_bytes(), content_type)


# Each way a body starting with "{" is taken for a JSON Feed, alone.
@pytest.mark.parametrize(("body", "content_type"), [
    (b'{"version": "https://jsonfeed.org/version/1", "title": "T"}', "text/plain"),
    (b'{"title": "T", "items": []}', "text/plain"),
    (b'{"title": "T"}', "application/feed+json"),
    (b'{"title": "T"}', "application/json; charset=utf-8"),
], ids=["jsonfeed.org", "items", "feed+json", "json"])
def test_json_feed_is_recognised_by_each_sign_alone(body: bytes, content_type: str) -> None:
    assert looks_like_feed(body, content_type)


@pytest.mark.parametrize(("body", "content_type"), [
    (b"<!DOCTYPE html><html><head></head><body>hi</body></html>", "text/html"),
    (b"<!doctype html><html></html>", "application/rss+xml"),  # the type lies
    ((DATA / "hostile" / "not_xml_html_page.xml").read_bytes(), "text/html"),
    (b"", "application/rss+xml"),
    (b'{"name": "not a feed"}', "text/plain"),
    (b"<data>1</data>", "application/json"),  # JSON type, XML body: no feed either way
    (b"plain text", "text/plain"),
])
def test_does_not_look_like_feed(body: bytes, content_type: str) -> None:
    assert not looks_like_feed(body, content_type)
