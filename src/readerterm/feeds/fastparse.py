"""A fast path for plain feeds: well-formed UTF-8 RSS 2.0 and Atom 1.0, read with lxml.

feedparser reads about 1-3 MB/s; most of its time goes to its loose SGML machinery, its
HTML sanitizer and its relative-URI resolver. Most feeds need none of that: they are
well-formed XML in UTF-8 with a handful of plain elements. `parse_fast` reads exactly
those, gives the same `ParsedFeed` as the feedparser path (tests/test_fastparse.py holds
it to that over every fixture feed), and returns None for anything else, so that
feedparser, which copes with the broken feeds of the world, takes over:

- not UTF-8 (a BOM, an XML declaration or an HTTP charset naming anything else; a text/*
  type without a charset, which feedparser reads as US-ASCII, unless the body is ASCII);
- a DOCTYPE or an entity declaration (feeds/_xml.py: no DTD ever reaches lxml), xml:base;
- any XML error at all (lxml runs with recover=False);
- not RSS 2.0 or Atom 1.0; an element inside an item or entry that is not on the short
  list below, or markup where text is expected (XHTML content, escaped-less HTML);
- anything feedparser would read in a way this module does not copy (several
  descriptions or authors, Media RSS, a feed-level RSS author, ...).

What differs, by design: `summary_html` and `content_html` are the feed's HTML as
published, not feedparser's sanitized and URI-resolved copy. That HTML is never shown as
HTML: the reader and `show` turn it into text blocks with `readerterm.html` (scripts, styles
and forms dropped, images and links through `safety.safe_url`), the same as any other
feed content.

This module only reads the elements; the entry rules (guid, title, story, dates, lead
image, ...) are `entry.build_entry`'s, the same for every format, and where feedparser
reads a text or a link in its own way, `_fpcompat` copies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from readerterm.feeds._fpcompat import (
    LINK_ENTITY,
    author_name,
    fp_text,
    looks_like_html,
    urljoin,
    utf8_only,
)
from readerterm.feeds.dates import first_date, read_feed_date
from readerterm.feeds.entry import MAX_ENTRIES, RawEntry, build_entry, feed_of, html_line
from readerterm.models import ParsedEntry, ParsedFeed
from readerterm.safety import clean_line, safe_url

__all__ = ["parse_fast"]

_ATOM = "http://www.w3.org/2005/Atom"
_A = "{" + _ATOM + "}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_HTML_TYPES = ("text/html", "application/xhtml+xml")

# RSS 2.0 item children this module reads (or may ignore because feedparser's reading of
# them never reaches a ParsedEntry). Anything else means feedparser.
_RSS_ITEM = {"title", "link", "description", "guid", "pubDate", "author", "category",
             "enclosure", "comments", f"{_CONTENT}encoded", f"{_DC}creator"}
_RSS_CHANNEL_IGNORED = {
    "description", "language", "copyright", "webMaster", "pubDate", "lastBuildDate",
    "category", "generator", "docs", "cloud", "ttl", "image", "rating", "textInput",
    "skipHours", "skipDays", f"{_A}link", "{http://purl.org/rss/1.0/modules/syndication/}"
    "updatePeriod", "{http://purl.org/rss/1.0/modules/syndication/}updateFrequency",
}
_ATOM_ENTRY = {f"{_A}{n}" for n in ("title", "link", "id", "published", "updated", "author",
                                    "category", "summary", "content", "rights",
                                    "contributor")}
_ATOM_FEED_IGNORED = {f"{_A}{n}" for n in ("id", "updated", "subtitle", "rights", "generator",
                                           "icon", "logo", "category", "contributor")}

class _Unusual(Exception):
    """Something the fast path does not read the way feedparser does: use feedparser."""


def _leaf(el: Any) -> str:
    """The text of an element that must hold text only."""
    if len(el):
        raise _Unusual("markup where text was expected")
    return fp_text(el.text)


# -- the entry point ------------------------------------------------------------------


def parse_fast(body: bytes, headers: Mapping[str, str], url: str | None,
               now: datetime | None = None) -> ParsedFeed | None:
    """The feed, when it is plain UTF-8 RSS 2.0 or Atom 1.0; None to use feedparser.

    `headers` are the response headers with lower-case names.
    """
    if not utf8_only(body, headers):
        return None
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body or b"xml:base" in body:
        return None
    if b"http://search.yahoo.com/mrss" in body:
        return None  # Media RSS: feedparser and the lxml media scan read it together
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             recover=False, remove_comments=True, remove_pis=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
        if root is None:
            return None
        if root.tag == "rss" and root.get("version", "").strip() == "2.0":
            return _Rss(url, now).feed(root)
        if root.tag == f"{_A}feed":
            return _Atom(url, now).feed(root)
    except (_Unusual, etree.XMLSyntaxError, ValueError):
        return None
    return None


class _Reader:
    """What RSS and Atom share: the feed's URL, the clock, and the entry builder."""

    kind = ""
    feed_author = ""

    def __init__(self, url: str | None, now: datetime | None) -> None:
        self.url = url
        self.base = url or ""
        self.now = now

    def build(self, raw: RawEntry) -> ParsedEntry:
        # The link and the hrefs of links are resolved against the feed's URL already
        # (`_fpcompat.urljoin`, as feedparser does): checked, not resolved twice.
        return build_entry(raw, self.url, self.now, self.feed_author, links_resolved=True)

    def finish(self, title: str, link: str | None, entries: list[ParsedEntry]) -> ParsedFeed:
        return feed_of(title, safe_url(link or "", self.url), self.kind, self.url, entries)


class _Rss(_Reader):
    kind = "rss20"

    def feed(self, root: Any) -> ParsedFeed:
        channels = [c for c in root if c.tag == "channel"]
        if len(channels) != 1 or len(root) != 1:
            raise _Unusual("not one channel")
        title, link = "", ""
        items: list[Any] = []
        seen: set[str] = set()
        for el in channels[0]:
            tag = el.tag
            if tag == "item":
                items.append(el)
                continue
            if tag in ("title", "link"):
                if tag in seen:
                    raise _Unusual(f"two channel {tag}s")
                seen.add(tag)
                if tag == "title":
                    title = _leaf(el)
                    if looks_like_html(title):
                        raise _Unusual("a title that may be HTML")
                else:
                    link = LINK_ENTITY.sub(r"&\1", _leaf(el))
                    link = urljoin(self.base, link) if link else link
            elif tag == f"{_A}link":
                if el.get("rel", "alternate") in ("alternate", ""):
                    raise _Unusual("an atom:link that may be the channel's link")
            elif tag not in _RSS_CHANNEL_IGNORED and not (
                    isinstance(tag, str) and tag.startswith("{http://www.itunes.com/")
                    and not tag.endswith(("}author", "}summary", "}subtitle", "}title"))):
                raise _Unusual(f"channel element {tag}")
        entries = [self.item(el) for el in items[:MAX_ENTRIES]]
        return self.finish(clean_line(title), link, entries)

    def item(self, item: Any) -> ParsedEntry:
        fields: dict[str, Any] = {}
        categories: list[str] = []
        enclosures: list[tuple[str, str, str]] = []
        links: list[tuple[str, str, str]] = []
        guid_is_link = False
        for el in item:
            tag = el.tag
            if tag not in _RSS_ITEM:
                raise _Unusual(f"item element {tag}")
            if tag == "category":
                categories.append(_leaf(el))
                continue
            if tag == "enclosure":
                if len(el):
                    raise _Unusual("enclosure with children")
                href = el.get("url")
                if href is None:
                    raise _Unusual("enclosure without url")
                enclosures.append((href, el.get("type") or "", el.get("length") or ""))
                continue
            key = "author" if tag == f"{_DC}creator" else tag
            if key in fields:
                raise _Unusual(f"two {key}s in an item")
            if tag == "guid":
                permalink = el.get("isPermaLink", "true")
                if permalink not in ("true", "false"):
                    raise _Unusual("isPermaLink")
                guid_is_link = permalink == "true"
                value = _leaf(el)
                if guid_is_link and value:
                    value = urljoin(self.base, value)
                fields["guid"] = value
                if guid_is_link and "link" not in fields and value:
                    fields["guid_link"] = value
            elif tag == "link":
                value = LINK_ENTITY.sub(r"&\1", _leaf(el).replace("&amp;", "&"))
                fields["link"] = urljoin(self.base, value) if value else value
                links.append(("alternate", fields["link"], ""))
            elif tag in ("description", f"{_CONTENT}encoded"):
                if len(el):
                    raise _Unusual("markup in a description")
                fields[tag] = fp_text(el.text)
            else:
                fields[key] = _leaf(el)
        link = fields["link"] if "link" in fields else fields.get("guid_link")
        title = fields.get("title", "")
        if looks_like_html(title):
            raise _Unusual("a title that may be HTML")
        content = fields.get(f"{_CONTENT}encoded", "")
        if "description" not in fields and content:
            fields["description"] = content  # feedparser copies content to a missing summary
        pub_date = fields.get("pubDate", "")
        date, date_raw = first_date(((pub_date, pub_date),), read_feed_date)
        return self.build(RawEntry(
            guid=fields.get("guid", ""), title=title, link=link or "", links=links,
            author=author_name(fields.get("author", "")), date=date, date_raw=date_raw,
            summary=fields.get("description", ""), contents=[content] if content else [],
            categories=categories, enclosures=enclosures))


def _content_type(el: Any) -> str:
    kind = (el.get("type") or "text").lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(kind, kind)


class _Atom(_Reader):
    kind = "atom10"

    def links(self, el: Any, out: list[tuple[str, str, str]],
              enclosures: list[tuple[str, str, str]]) -> str | None:
        """Append one atom:link to `out` (and to `enclosures`, an enclosure); return its
        href when it is the alternate HTML link."""
        if len(el):
            raise _Unusual("link with children")
        rel = el.get("rel", "alternate")
        kind = el.get("type", "application/atom+xml" if rel == "self" else "text/html")
        href = el.get("href")
        if href is None:
            raise _Unusual("link without href")
        href = urljoin(self.base, href)
        out.append((rel, href, el.get("title") or ""))
        if rel == "enclosure":
            enclosures.append((href, kind, el.get("length") or ""))
        return href if rel == "alternate" and kind.lower() in _HTML_TYPES else None

    def text_construct(self, el: Any) -> tuple[str, bool]:
        kind = _content_type(el)
        if kind not in ("text/plain", "text/html") or len(el) or el.get("src") is not None:
            raise _Unusual(f"{kind} text construct")
        return fp_text(el.text), kind == "text/html"

    def feed(self, root: Any) -> ParsedFeed:
        title, title_html, link = "", False, None
        entries: list[Any] = []
        seen: set[str] = set()
        scratch: list[tuple[str, str, str]] = []
        for el in root:
            tag = el.tag
            if tag == f"{_A}entry":
                entries.append(el)
            elif tag == f"{_A}link":
                link = self.links(el, scratch, []) or link
            elif tag == f"{_A}title":
                if "title" in seen:
                    raise _Unusual("two feed titles")
                seen.add("title")
                title, title_html = self.text_construct(el)
            elif tag == f"{_A}author":
                if "author" in seen:
                    raise _Unusual("two feed authors")
                seen.add("author")
                self.feed_author = clean_line(self.author(el), limit=200)
            elif tag not in _ATOM_FEED_IGNORED:
                raise _Unusual(f"feed element {tag}")
        feed_title = html_line(title) if title_html else clean_line(title)
        parsed = [self.entry_of(el) for el in entries[:MAX_ENTRIES]]
        return self.finish(feed_title, link, parsed)

    def author(self, el: Any) -> str:
        name, email = "", ""
        for child in el:
            if child.tag == f"{_A}name":
                name = _leaf(child)
            elif child.tag == f"{_A}email":
                email = _leaf(child)
            elif child.tag != f"{_A}uri":
                raise _Unusual(f"author element {child.tag}")
        if not name:
            raise _Unusual("author without a name")
        return name if name else email

    def entry_of(self, entry: Any) -> ParsedEntry:
        fields: dict[str, Any] = {}
        links: list[tuple[str, str, str]] = []
        enclosures: list[tuple[str, str, str]] = []
        categories: list[str] = []
        contents: list[str] = []
        link: str | None = None
        id_link: str | None = None
        for el in entry:
            tag = el.tag
            if tag not in _ATOM_ENTRY:
                raise _Unusual(f"entry element {tag}")
            name = tag[len(_A):]
            if name == "link":
                link = self.links(el, links, enclosures) or link
            elif name == "category":
                categories.append(el.get("term") or el.get("label") or "")
            elif name == "content":
                text, _html = self.text_construct(el)
                contents.append(text)
            elif name == "contributor":
                continue
            elif name in fields:
                raise _Unusual(f"two {name}s in an entry")
            elif name == "author":
                fields["author"] = self.author(el)
            elif name in ("title", "summary"):
                fields[name], fields[f"{name}_html"] = self.text_construct(el)
            elif name == "id":
                value = _leaf(el)
                value = urljoin(self.base, value) if value else value
                fields["id"] = value
                if link is None and value:
                    id_link = value
            else:
                fields[name] = _leaf(el)
        if link is None and id_link:
            link = id_link
        if "summary" not in fields and contents:
            fields["summary"] = contents[0]  # feedparser copies content to a missing summary
        published, updated = fields.get("published", ""), fields.get("updated", "")
        date, date_raw = first_date(((published, published), (updated, updated)),
                                    read_feed_date)
        return self.build(RawEntry(
            guid=fields.get("id", ""), title=fields.get("title", ""),
            title_html=bool(fields.get("title_html")), link=link or "", links=links,
            author=fields.get("author", ""), date=date, date_raw=date_raw,
            summary=fields.get("summary", ""), contents=contents, categories=categories,
            enclosures=enclosures))
