"""A fetched feed body -> `ParsedFeed`: RSS, Atom (feedparser) and JSON Feed (our code).

This module chooses the reader (`jsonfeed`, the lxml fast path `fastparse`, else
feedparser) and turns feedparser's entries into `entry.RawEntry`s; `entry.build_entry`
applies the same rules to the entries of all three. Everything that leaves it is
cleaned: titles and names through `clean_line`, links through `safe_url` (absolute
http(s) only, relative ones resolved against the feed URL), dates through `clamp_date`
(None when out of range: the store then uses the time it first saw the article). HTML
(`summary_html`, `content_html`) is kept as HTML, control characters removed; it is
rendered by our own HTML walker, never by a terminal.

SECURITY.md rule 3: feedparser only ever sees `io.BytesIO(body)`, never a str or bytes,
which it would treat as a path or URL to open.

Choices worth knowing (the entry rules themselves are in `entry.py`):
- feedparser strips whitespace from ids, so "  X  " and "X" are the same guid.
- When `media:description` follows `<description>`, feedparser files the caption under
  `content`; we recognise it by comparing with the `media:description` elements read
  with lxml (`media.scan_media`).
- plain, well-formed UTF-8 RSS 2.0 and Atom 1.0 are read by `fastparse` (lxml, about
  50x faster), which gives the same entries and hands anything unusual back to
  feedparser; its summary_html/content_html are the feed's own HTML, not feedparser's
  sanitized copy (it is only ever shown through readerterm.html).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from readerterm.feeds._charset import bound_feedparser_guess
from readerterm.feeds.dates import first_date, to_datetime
from readerterm.feeds.entry import (
    MAX_ENTRIES,
    NAME_MAX,
    NotAFeed,
    RawEntry,
    build_entry,
    feed_of,
    html_line,
)
from readerterm.feeds.fastparse import parse_fast
from readerterm.feeds.jsonfeed import looks_like_json, parse_json
from readerterm.feeds.media import Media, feedparser_media, scan_media
from readerterm.models import ParsedFeed
from readerterm.safety import clean_line, safe_url

__all__ = ["MAX_ENTRIES", "NotAFeed", "parse_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _is_html_page(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )


# -- feedparser's entries -------------------------------------------------------------


def _author(entry: Any) -> str:
    detail = entry.get("author_detail")
    name = ""
    if isinstance(detail, Mapping):
        name = str(detail.get("name") or "")
    if not name:
        authors = entry.get("authors")
        if isinstance(authors, list):
            name = ", ".join(str(a.get("name") or "") for a in authors
                             if isinstance(a, Mapping) and a.get("name"))
    return name or str(entry.get("author") or "")


def _is_html(detail: Any) -> bool:
    return isinstance(detail, Mapping) and str(detail.get("type") or "") in _HTML_TYPES


def _date(entry: Any) -> tuple[datetime | None, str]:
    """(date, raw text) from published, else updated, else created."""
    # dict.get: FeedParserDict.get maps "published" to "updated" with a warning.
    candidates = []
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)
        candidates.append((raw if isinstance(raw, str) else "", dict.get(entry, f"{key}_parsed")))
    return first_date(candidates, to_datetime)


def _mappings(value: Any, limit: int) -> list[Mapping[str, Any]]:
    """The first `limit` items of a feedparser list field that are mappings."""
    if not isinstance(value, list):
        return []
    return [item for item in value[:limit] if isinstance(item, Mapping)]


def _raw_entry(entry: Any, media_map: dict[str, Media]) -> RawEntry:
    """One feedparser entry's fields, for `build_entry`."""
    raw_id = entry.get("id")
    media = media_map.get(str(raw_id).strip()) if raw_id else None
    if media is None and entry.get("link"):
        media = media_map.get(str(entry.get("link")).strip())
    fp_media = feedparser_media(entry)
    title = entry.get("title")
    date, date_raw = _date(entry) if isinstance(entry, dict) else (None, "")
    links = entry.get("links")
    return RawEntry(
        guid="" if raw_id is None else str(raw_id),
        title=title if isinstance(title, str) else "",
        title_html=_is_html(entry.get("title_detail")),
        link=str(entry.get("link") or ""),
        links=[(item.get("rel"), str(item.get("href") or ""), str(item.get("title") or ""))
               for item in links if isinstance(item, Mapping)]
        if isinstance(links, list) else (),
        author=_author(entry),
        date=date, date_raw=date_raw,
        summary=entry.get("summary"),
        contents=[value if isinstance(value := item.get("value"), str) else ""
                  for item in _mappings(entry.get("content"), 10)],
        categories=[str(tag.get("term") or tag.get("label") or "")
                    for tag in _mappings(entry.get("tags"), 100)],
        enclosures=[(str(enc.get("href") or enc.get("url") or ""), str(enc.get("type") or ""),
                     enc.get("length")) for enc in _mappings(entry.get("enclosures"), 50)],
        media=fp_media if media is None else media,
        fp_media=fp_media,
    )


# -- the entry point ------------------------------------------------------------------


def _parse_xml(
    body: bytes, headers: dict[str, str], url: str | None, now: datetime | None,
) -> ParsedFeed:
    fast = parse_fast(body, headers, url, now)
    if fast is not None:
        return fast
    import feedparser  # here, not at the top: a refresh where every feed is 304 never needs it

    if url and "content-location" not in headers:
        headers["content-location"] = url
    bound_feedparser_guess()  # chardet on a whole binary body takes minutes
    result = feedparser.parse(
        io.BytesIO(body), response_headers=headers,
        resolve_relative_uris=True, sanitize_html=True,
    )
    version = str(result.get("version") or "")
    entries = result.get("entries") or []
    if not entries and not version:
        if _is_html_page(body):
            raise NotAFeed("not a feed: an HTML page")
        problem = result.get("bozo_exception")
        detail = f" ({clean_line(str(problem), limit=200)})" if problem else ""
        raise NotAFeed(f"not a feed: no RSS, Atom or JSON Feed found{detail}")
    feed = result.get("feed") or {}
    title = str(feed.get("title") or "")
    title = html_line(title) if _is_html(feed.get("title_detail")) else clean_line(title)
    feed_author = ""
    author_detail = feed.get("author_detail")
    if isinstance(author_detail, Mapping):
        feed_author = clean_line(str(author_detail.get("name") or ""), limit=NAME_MAX)
    feed_author = feed_author or clean_line(str(feed.get("author") or ""), limit=NAME_MAX)
    media_map = scan_media(body)
    parsed = (build_entry(_raw_entry(entry, media_map), url, now, feed_author)
              for entry in entries[:MAX_ENTRIES])
    link = str(feed.get("link") or "")
    return feed_of(title, safe_url(link, url), version or "unknown", url, parsed)


def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    url: str | None = None,
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse a fetched feed body (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1).

    `headers` are the HTTP response headers (used for the charset and the base URL);
    `url` is the feed's URL, the base for relative links; `now` bounds dates (default:
    the current time). Raises `NotAFeed` for an empty body, an HTML page, or anything
    that has no entries and no recognisable feed version. At most `MAX_ENTRIES` entries
    are kept; entries repeating an earlier guid are dropped.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("parse_feed takes the body as bytes")
    body = bytes(body)
    if not body.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise NotAFeed("not a feed: the body is empty")
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    # The digests of its entries' HTML stay in `html.cached_digest` (512 at most) for
    # the refresh, which clears them.
    if looks_like_json(body, lowered):
        return parse_json(body, url, now)
    return _parse_xml(body, lowered, url, now)
