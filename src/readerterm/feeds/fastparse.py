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
HTML: the reader and `show` turn it into text blocks with `htmlblocks` (scripts, styles
and forms dropped, images and links through `safety.safe_url`), the same as any other
feed content. Text measured from that HTML (the story, titles made from text, the lead
figure) comes from `_htmldigest`, which follows the same rules without building blocks
and falls back to `htmlblocks` for markup that lxml reports as broken.
"""

from __future__ import annotations

import contextlib
import html as html_mod
import re
import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from readerterm.html import cached_digest, clear_cache
from readerterm.models import Enclosure, Image, ParsedEntry, ParsedFeed, RelatedLink
from readerterm.safety import clamp_date, clean_line, plain_url, safe_url

__all__ = ["cached_digest", "clear_cache", "parse_fast"]

_ATOM = "http://www.w3.org/2005/Atom"
_A = "{" + _ATOM + "}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_HTML_TYPES = ("text/html", "application/xhtml+xml")

# feedparser maps C1 controls to their cp1252 characters in every text it outputs.
_CP1252 = {i: bytes([i]).decode("cp1252") for i in range(128, 160)
           if i not in (129, 141, 143, 144, 157)}

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

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d\d):(\d\d)(?::(\d\d))?"
    r"\s+(GMT|UT|Z|[+-]\d{4})$")
_W3DTF = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
_URIFIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"""
    r"""([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


class _Unusual(Exception):
    """Something the fast path does not read the way feedparser does: use feedparser."""


# -- text as feedparser gives it ------------------------------------------------------


def _fp_text(value: str | None) -> str:
    """A text as feedparser outputs it: stripped, UTF-8-as-Latin-1 repaired, C1 -> cp1252."""
    if not value:
        return ""
    value = value.strip()
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_CP1252)


def _urljoin(base: str, uri: str) -> str:
    if plain_url(uri, base):
        return uri  # (most links: absolute already, nothing for urljoin to change)
    uri = _URIFIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def _leaf(el: Any) -> str:
    """The text of an element that must hold text only."""
    if len(el):
        raise _Unusual("markup where text was expected")
    return _fp_text(el.text)


def _looks_like_html(text: str) -> bool:
    return bool(re.search(r"</(\w+)>", text) or re.search(r"&#?\w+;", text))


def _author_name(raw: str) -> str:
    """feedparser's reading of an RSS author ("mail@example.com (Name)")."""
    match = _EMAIL.search(raw)
    if not match:
        return raw
    author = raw.replace(match.group(0), "").replace("()", "").replace("<>", "")
    author = author.replace("&lt;&gt;", "").strip()
    if author and author[0] == "(":
        author = author[1:]
    if author and author[-1] == ")":
        author = author[:-1]
    return author.strip() or match.group(0)


def _date(raw: str) -> datetime | None:
    """An RSS/Atom date as feedparser reads it (its own parser for the unusual ones)."""
    if not raw:
        return None
    when: datetime | None = None
    m = _RFC822.match(raw)
    if m and m.group(2).lower() in _MONTHS and (m.group(6) or "0") < "60":
        zone = m.group(7)
        offset = 0 if zone in ("GMT", "UT", "Z") else (
            (int(zone[1:3]) * 60 + int(zone[3:5])) * (-1 if zone[0] == "-" else 1))
        try:
            when = datetime(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)),
                            int(m.group(4)), int(m.group(5)), int(m.group(6) or 0),
                            tzinfo=timezone(timedelta(minutes=offset)))
        except ValueError:
            when = None
    m = None if when else _W3DTF.match(raw)
    if m and (m.group(6) or "0") < "60":
        zone = m.group(7)
        offset = 0 if zone == "Z" else (
            (int(zone[1:3]) * 60 + int(zone[4:6])) * (-1 if zone[0] == "-" else 1))
        try:
            when = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                            int(m.group(4)), int(m.group(5)), int(m.group(6) or 0),
                            tzinfo=timezone(timedelta(minutes=offset)))
        except ValueError:
            when = None
    if when is not None:
        try:
            return when.astimezone(UTC)
        except (OverflowError, ValueError):
            return None
    from feedparser.datetimes import _parse_date

    from readerterm.feeds.parse import _to_datetime

    return _to_datetime(_parse_date(raw))


# -- the entry point ------------------------------------------------------------------


def _utf8_only(body: bytes, headers: Mapping[str, str]) -> bool:
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:4] == b"\x00\x00\xfe\xff":
        return False
    head = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    if not head.startswith((b"<?xml", b"<rss", b"<feed")):
        return False  # leading blank lines, comments, HTML: feedparser's business
    declared = _XML_ENCODING.match(head[:200])
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    ctype = headers.get("content-type", "").lower()
    charset = _CHARSET.search(ctype)
    if charset:
        return charset.group(1) in ("utf-8", "utf8")
    if ctype.startswith("text/"):
        return body.isascii()  # RFC 3023: text/xml without a charset is US-ASCII
    return True


def parse_fast(body: bytes, headers: Mapping[str, str], url: str | None,
               now: datetime | None = None) -> ParsedFeed | None:
    """The feed, when it is plain UTF-8 RSS 2.0 or Atom 1.0; None to use feedparser.

    `headers` are the response headers with lower-case names.
    """
    if not _utf8_only(body, headers):
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
    """What RSS and Atom share: turning raw fields into a ParsedEntry as parse.py does."""

    kind = ""

    def __init__(self, url: str | None, now: datetime | None) -> None:
        self.url = url
        self.base = url or ""
        self.now = now

    def entry(self, *, title: str, title_html: bool, link: str | None, guid: str,
              links: list[tuple[str, str, str, str, str]], author: str, dates: list[str],
              summary: str, contents: list[str], categories: list[str],
              enclosures: list[tuple[str, str, str]]) -> ParsedEntry:
        from readerterm.feeds import parse as p

        base = self.url
        # `link` and the hrefs of `links` are resolved against the feed's URL already
        # (`_urljoin`, as feedparser does): checked, not resolved twice.
        link_url = safe_url(link or "")
        related: list[RelatedLink] = []
        for rel, href_raw, _type, rtitle, _length in links:
            if len(related) >= p._MAX_RELATED or (rel != "related" and (
                    link_url is not None or rel != "alternate")):
                continue  # (safe_url is not cheap: only for links that are used)
            href = safe_url(href_raw)
            if rel == "related" and href:
                related.append(RelatedLink(title=clean_line(rtitle) or p._host(href), url=href))
            elif link_url is None and rel == "alternate" and href:
                link_url = href
        summary = p._clean_html(summary)
        contents = [c for c in (p._clean_html(v) for v in contents[:10]) if c]
        summary_html, content_html = _choose_story(summary, contents, base)
        story_text = cached_digest(content_html, base).flat if content_html else ""
        date: datetime | None = None
        date_raw = ""
        for raw in dates:  # published, else updated: the first that reads as a date
            date_raw = date_raw or raw
            date = _date(raw) if raw else None
            if date is not None:
                date_raw = raw
                date = p._year_agrees(date, raw)
                break
        published = clamp_date(date, self.now)
        if title_html:
            title = clean_line(cached_digest(title).flat if "<" in title
                               else html_mod.unescape(title))
        else:
            title = clean_line(title)
        guid = p._clean_guid(guid) or (link_url or "") or p._hash_guid(title, date_raw)
        if not title:
            title = p._title_from_text(story_text) or p.UNTITLED
        cats = [clean_line(c, limit=p._CATEGORY_MAX) for c in categories[: p._MAX_CATEGORIES * 2]]
        encs: list[Enclosure] = []
        for href_raw, etype, length in enclosures[: p._MAX_ENCLOSURES]:
            enc_url = safe_url(href_raw, base)
            if enc_url and all(e.url != enc_url for e in encs):
                encs.append(Enclosure(url=enc_url, type=clean_line(etype, limit=100),
                                      length=p._to_int(length)))
        lead: Image | None = None
        for enc in encs:
            if enc.type.lower().startswith("image/"):
                lead = Image(src=enc.url)
                break
        if lead is None and content_html:
            lead = cached_digest(content_html, base).figure
        return ParsedEntry(
            guid=guid, title=title, link=link_url,
            author=clean_line(author, limit=p._NAME_MAX) or self.feed_author,
            published=published, categories=p._unique(cats)[: p._MAX_CATEGORIES],
            summary_html=summary_html, content_html=content_html, enclosures=tuple(encs),
            lead_image=lead, related=tuple(related),
        )

    feed_author = ""

    def finish(self, title: str, link: str | None, entries: list[ParsedEntry]) -> ParsedFeed:
        from readerterm.feeds import parse as p

        kept: list[ParsedEntry] = []
        seen: dict[str, str | None] = {}
        for entry in entries[: p.MAX_ENTRIES]:
            item = p._dedupe(entry, seen)
            if item is not None:
                kept.append(item)
        link_url = safe_url(link or "", self.url)
        return ParsedFeed(title=title or p._host(link_url) or p._host(self.url), link=link_url,
                          kind=self.kind, entries=tuple(kept))


def _choose_story(summary: str, contents: list[str], base: str | None) -> tuple[str, str]:
    """parse._choose_story without captions (no Media RSS here); each fragment's text
    comes from `cached_digest`, which the refresh asks again for the same entries."""
    measured = [(v, cached_digest(v, base).flat) for v in [summary, *contents] if v]
    if not measured:
        return "", ""
    stories = [(h, t) for h, t in measured if t] or measured
    return summary, max(stories, key=lambda pair: len(pair[1]))[0]


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
                    if _looks_like_html(title):
                        raise _Unusual("a title that may be HTML")
                else:
                    link = _LINK_ENTITY.sub(r"&\1", _leaf(el))
                    link = _urljoin(self.base, link) if link else link
            elif tag == f"{_A}link":
                if el.get("rel", "alternate") in ("alternate", ""):
                    raise _Unusual("an atom:link that may be the channel's link")
            elif tag not in _RSS_CHANNEL_IGNORED and not (
                    isinstance(tag, str) and tag.startswith("{http://www.itunes.com/")
                    and not tag.endswith(("}author", "}summary", "}subtitle", "}title"))):
                raise _Unusual(f"channel element {tag}")
        from readerterm.feeds import parse as p

        feed_title = clean_line(title)
        entries = [self.item(el) for el in items[: p.MAX_ENTRIES]]
        return self.finish(feed_title, link, entries)

    def item(self, item: Any) -> ParsedEntry:
        fields: dict[str, Any] = {}
        categories: list[str] = []
        enclosures: list[tuple[str, str, str]] = []
        links: list[tuple[str, str, str, str, str]] = []
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
                    value = _urljoin(self.base, value)
                fields["guid"] = value
                if guid_is_link and "link" not in fields and value:
                    fields["guid_link"] = value
            elif tag == "link":
                value = _LINK_ENTITY.sub(r"&\1", _leaf(el).replace("&amp;", "&"))
                fields["link"] = _urljoin(self.base, value) if value else value
                links.append(("alternate", fields["link"], "text/html", "", ""))
            elif tag in ("description", f"{_CONTENT}encoded"):
                if len(el):
                    raise _Unusual("markup in a description")
                fields[tag] = _fp_text(el.text)
            else:
                fields[key] = _leaf(el)
        link = fields["link"] if "link" in fields else fields.get("guid_link")
        title = fields.get("title", "")
        if _looks_like_html(title):
            raise _Unusual("a title that may be HTML")
        content = fields.get(f"{_CONTENT}encoded", "")
        if "description" not in fields and content:
            fields["description"] = content  # feedparser copies content to a missing summary
        return self.entry(
            title=title, title_html=False, link=link, guid=fields.get("guid", ""),
            links=links, author=_author_name(fields.get("author", "")),
            dates=[fields.get("pubDate", "")],
            summary=fields.get("description", ""), contents=[content] if content else [],
            categories=categories, enclosures=enclosures)


def _content_type(el: Any) -> str:
    kind = (el.get("type") or "text").lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(kind, kind)


class _Atom(_Reader):
    kind = "atom10"

    def links(self, el: Any, out: list[tuple[str, str, str, str, str]]) -> str | None:
        """Append one atom:link; return its href when it is the alternate HTML link."""
        if len(el):
            raise _Unusual("link with children")
        rel = el.get("rel", "alternate")
        kind = el.get("type", "application/atom+xml" if rel == "self" else "text/html")
        href = el.get("href")
        if href is None:
            raise _Unusual("link without href")
        href = _urljoin(self.base, href)
        out.append((rel, href, kind, el.get("title") or "", el.get("length") or ""))
        return href if rel == "alternate" and kind.lower() in _HTML_TYPES else None

    def text_construct(self, el: Any) -> tuple[str, bool]:
        kind = _content_type(el)
        if kind not in ("text/plain", "text/html") or len(el) or el.get("src") is not None:
            raise _Unusual(f"{kind} text construct")
        return _fp_text(el.text), kind == "text/html"

    def feed(self, root: Any) -> ParsedFeed:
        title, title_html, link = "", False, None
        entries: list[Any] = []
        seen: set[str] = set()
        scratch: list[tuple[str, str, str, str, str]] = []
        for el in root:
            tag = el.tag
            if tag == f"{_A}entry":
                entries.append(el)
            elif tag == f"{_A}link":
                link = self.links(el, scratch) or link
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
        from readerterm.feeds import parse as p

        feed_title = p._html_line(title) if title_html else clean_line(title)
        parsed = [self.entry_of(el) for el in entries[: p.MAX_ENTRIES]]
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
        links: list[tuple[str, str, str, str, str]] = []
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
                link = self.links(el, links) or link
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
                value = _urljoin(self.base, value) if value else value
                fields["id"] = value
                if link is None and value:
                    id_link = value
            else:
                fields[name] = _leaf(el)
        if link is None and id_link:
            link = id_link
        if "summary" not in fields and contents:
            fields["summary"] = contents[0]  # feedparser copies content to a missing summary
        enclosures = [(href, kind, length) for rel, href, kind, _t, length in links
                      if rel == "enclosure"]
        return self.entry(
            title=fields.get("title", ""), title_html=bool(fields.get("title_html")),
            link=link, guid=fields.get("id", ""), links=links, author=fields.get("author", ""),
            dates=[fields.get("published", ""), fields.get("updated", "")],
            summary=fields.get("summary", ""), contents=contents, categories=categories,
            enclosures=enclosures)
