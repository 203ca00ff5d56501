"""A fetched feed body -> `ParsedFeed`: RSS, Atom (feedparser) and JSON Feed (our code).

Everything that leaves this module is cleaned: titles and names through `clean_line`,
links through `safe_url` (absolute http(s) only, relative ones resolved against the
feed URL), dates through `clamp_date` (None when out of range: the store then uses the
time it first saw the article). HTML (`summary_html`, `content_html`) is kept as HTML,
control characters removed; it is rendered by our own HTML walker, never by a terminal.

SECURITY.md rule 3: feedparser only ever sees `io.BytesIO(body)`, never a str or bytes,
which it would treat as a path or URL to open.

Choices worth knowing:
- guid: the feed's id, else the link, else "sha1:" + sha1(title + date). feedparser strips
  whitespace from ids, so "  X  " and "X" are the same guid; within one body the first
  entry with a guid wins and later ones are dropped.
- title: the entry title; else the first words of its text; else "(untitled)".
- content_html is the best story available (the longest text that is not the photo
  caption), which can be the summary itself. When `media:description` follows
  `<description>`, feedparser files the caption under `content`; we recognise it
  by comparing with the `media:description` elements read with lxml.
- plain, well-formed UTF-8 RSS 2.0 and Atom 1.0 are read by `fastparse` (lxml, about
  50x faster), which gives the same entries and hands anything unusual back to
  feedparser; its summary_html/content_html are the feed's own HTML, not feedparser's
  sanitized copy (it is only ever shown through htmlblocks).
- lead_image: the widest media:content image (else media:thumbnail, else an image
  enclosure) with the caption from media:description and the credit from media:credit;
  else the first figure of the content.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from readerterm.feeds._charset import bound_feedparser_guess
from readerterm.feeds._xml import parse_untrusted
from readerterm.feeds.fastparse import parse_fast
from readerterm.html import cached_digest
from readerterm.models import Enclosure, Image, ParsedEntry, ParsedFeed, RelatedLink
from readerterm.safety import TEXT_MAX, clamp_date, clean_line, safe_url, strip_controls

__all__ = ["MAX_ENTRIES", "NotAFeed", "parse_feed"]

MAX_ENTRIES = 1000
"""Entries kept from one body; the rest are ignored (SECURITY.md rule 9)."""

UNTITLED = "(untitled)"
_NAME_MAX = 200
_CATEGORY_MAX = 100
_CAPTION_MAX = 2000
_CREDIT_MAX = 300
_GUID_MAX = 1024
_MAX_CATEGORIES = 50
_MAX_ENCLOSURES = 50
_MAX_RELATED = 50
_MRSS = "http://search.yahoo.com/mrss/"
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.I)


class NotAFeed(ValueError):
    """The body is not a feed: empty, an HTML page, or nothing a feed parser recognises."""


# -- helpers --------------------------------------------------------------------------


def _clean_html(value: Any) -> str:
    """HTML from a feed, control characters removed and size capped (not sanitised here)."""
    if not isinstance(value, str) or not value:
        return ""
    return strip_controls(value[:TEXT_MAX])


def _text_of(html_text: str, base: str | None = None) -> str:
    """Plain text of an HTML fragment, captions left out (for measuring and comparing)."""
    return cached_digest(html_text, base).flat


def _first_figure(html_text: str, base: str | None) -> Image | None:
    """The first figure (or image) of an HTML fragment, with its caption and credit."""
    return cached_digest(html_text, base).figure


def _to_datetime(parsed: Any) -> datetime | None:
    """feedparser's UTC struct_time -> aware datetime; None when impossible (year -1, ...)."""
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in tuple(parsed)[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


_DIGITS = re.compile(r"\d+")
_TZ_OFFSET = re.compile(r"(?<=[\s\d])[+-]\d\d:?\d\d\b")


def _year_agrees(value: datetime | None, raw: Any) -> datetime | None:
    """`value`, unless the raw date text names no year near it.

    feedparser reads "10000-01-01" as 2010-11-01 and "-0001-01-01" as 2000-01-01; such
    dates look sane but are made up. A raw text with no four-digit number (a two-digit
    year) is trusted.
    """
    if value is None or not isinstance(raw, str):
        return value
    text = _TZ_OFFSET.sub(" ", raw[:200])
    runs = [r for r in _DIGITS.findall(text) if len(r) >= 4]
    if not runs:
        return value
    for run in runs:
        for digits in (run, run[:4] if len(run) >= 8 else ""):
            try:
                if digits and abs(int(digits) - value.year) <= 1:
                    return value
            except ValueError:
                continue
    return None


def _entry_date(entry: Any) -> tuple[datetime | None, str]:
    """(date, raw text) from published, else updated, else created."""
    first_raw = ""
    for key in ("published", "updated", "created"):
        # dict.get: FeedParserDict.get maps "published" to "updated" with a warning.
        raw = dict.get(entry, key) if isinstance(entry, dict) else None
        raw = raw if isinstance(raw, str) else ""
        first_raw = first_raw or raw
        parsed = _to_datetime(dict.get(entry, f"{key}_parsed")) if isinstance(
            entry, dict) else None
        if parsed is not None:
            return _year_agrees(parsed, raw), raw
    return None, first_raw


def _parse_date_text(value: Any) -> datetime | None:
    """An RFC 3339 or RFC 822 date string -> aware datetime, or None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    try:
        result = datetime.fromisoformat(text)
    except ValueError:
        try:
            result = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    try:
        return result.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _title_from_text(text: str) -> str:
    """A title made from an entry's text: its first 100 characters."""
    return clean_line(text, limit=100)


def _hash_guid(title: str, date: str) -> str:
    return "sha1:" + hashlib.sha1(f"{title}\n{date}".encode("utf-8", "replace")).hexdigest()


def _clean_guid(value: Any) -> str:
    if value is None:
        return ""
    text = strip_controls(str(value)).strip()
    if len(text) > _GUID_MAX:
        return "sha1:" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()
    return text


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return tuple(out)


def _to_int(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number < 2**62 else 0


def _is_html_page(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )


# -- media (lxml, only for feeds that use the Media RSS namespace) ---------------------


@dataclass
class _Media:
    """What Media RSS says about one entry: images with caption and credit."""

    images: list[tuple[str, int, str, str]] = field(default_factory=list)  # url, width, cap, cred
    thumbnails: list[tuple[str, int, str, str]] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _scan_media(body: bytes) -> dict[str, _Media]:
    """Media RSS elements per entry, keyed by the entry's guid/id and by its link.

    feedparser flattens media:content, media:description and media:credit into one bag per
    entry, losing which caption and credit belong to which image, and files a
    media:description that follows <description> as the entry's content. lxml, with
    the DOCTYPE cut out and no network, reads them in their structure.
    """
    if _MRSS.encode() not in body:
        return {}
    try:
        root, _errors = parse_untrusted(body)
    except Exception:  # lxml raises several kinds on hostile input; media is optional
        return {}
    if root is None:
        return {}
    out: dict[str, _Media] = {}
    count = 0
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        count += 1
        if count > MAX_ENTRIES:
            break
        media = _Media()
        keys: list[str] = []
        for child in item:
            name = _local(child.tag)
            if name in ("guid", "id") and child.text:
                keys.append(child.text.strip())
            elif name == "link":
                href = child.get("href") if child.get("href") is not None else child.text
                if href and child.get("rel", "alternate") == "alternate":
                    keys.append(href.strip())
        _collect_media(item, media)
        for key in keys:
            if key:
                out.setdefault(key, media)
    return out


def _text(el: Any) -> str:
    try:
        return "".join(el.itertext())
    except Exception:
        return ""


def _collect_media(item: Any, media: _Media) -> None:
    """Fill `media` from the media:* descendants of one item (iteratively)."""
    item_caption = ""
    item_credit = ""
    for child in item:
        if getattr(child, "tag", None) == f"{{{_MRSS}}}description":
            item_caption = item_caption or _text(child)
        elif getattr(child, "tag", None) == f"{{{_MRSS}}}credit":
            item_credit = item_credit or _text(child)
    for el in item.iter(f"{{{_MRSS}}}content", f"{{{_MRSS}}}thumbnail",
                        f"{{{_MRSS}}}description"):
        name = _local(el.tag)
        if name == "description":
            media.descriptions.append(_text(el))
            continue
        url = el.get("url")
        if not url:
            continue
        caption, credit = "", ""
        for sub in el:
            if sub.tag == f"{{{_MRSS}}}description" and not caption:
                caption = _text(sub)
            elif sub.tag == f"{{{_MRSS}}}credit" and not credit:
                credit = _text(sub)
        parent = el.getparent()
        if parent is not None and _local(parent.tag) == "group":
            for sub in parent:
                if sub.tag == f"{{{_MRSS}}}description" and not caption:
                    caption = _text(sub)
                elif sub.tag == f"{{{_MRSS}}}credit" and not credit:
                    credit = _text(sub)
        caption = caption or item_caption
        credit = credit or item_credit
        entry = (url.strip(), _to_int(el.get("width")), caption, credit)
        if name == "thumbnail":
            media.thumbnails.append(entry)
        else:
            medium = (el.get("medium") or "").lower()
            mime = (el.get("type") or "").lower()
            if medium == "image" or mime.startswith("image/") or (
                not medium and not mime and _IMAGE_EXT.search(url)
            ) or (not medium and not mime and "guim.co.uk" in url):
                media.images.append(entry)


# -- feedparser entries ---------------------------------------------------------------


def _entry_author(entry: Any, feed_author: str) -> str:
    detail = entry.get("author_detail")
    name = ""
    if isinstance(detail, Mapping):
        name = str(detail.get("name") or "")
    if not name:
        authors = entry.get("authors")
        if isinstance(authors, list):
            name = ", ".join(str(a.get("name") or "") for a in authors
                             if isinstance(a, Mapping) and a.get("name"))
    if not name:
        name = str(entry.get("author") or "")
    return clean_line(name, limit=_NAME_MAX) or feed_author


def _entry_title(entry: Any) -> str:
    raw = entry.get("title")
    if not isinstance(raw, str) or not raw:
        return ""
    detail = entry.get("title_detail")
    kind = str(detail.get("type") or "") if isinstance(detail, Mapping) else ""
    if kind in ("text/html", "application/xhtml+xml"):
        return _html_line(raw)
    return clean_line(raw)


def _html_line(raw: str) -> str:
    """A title given as HTML -> one line of text (tags dropped, entities decoded once)."""
    return clean_line(_text_of(raw) if "<" in raw else html.unescape(raw))


def _image_from(candidates: list[tuple[str, int, str, str]], base: str | None) -> Image | None:
    best: Image | None = None
    best_width = -1
    for url, width, caption, credit in candidates:
        src = safe_url(url, base)
        if not src:
            continue
        if width > best_width:
            best_width = width
            best = Image(src=src, caption=clean_line(_text_of(caption) if "<" in caption
                                                     else caption, limit=_CAPTION_MAX),
                         credit=clean_line(credit, limit=_CREDIT_MAX))
    return best


def _feedparser_media(entry: Any) -> _Media:
    """The same information from feedparser's flattened fields (no lxml structure)."""
    media = _Media()
    credits = entry.get("media_credit")
    credit = ""
    if isinstance(credits, list):
        credit = ", ".join(_unique(str(c.get("content") or "").strip() for c in credits
                                   if isinstance(c, Mapping)))
    for key, target in (("media_content", media.images), ("media_thumbnail", media.thumbnails)):
        values = entry.get(key)
        if not isinstance(values, list):
            continue
        for value in values:
            if not isinstance(value, Mapping) or not value.get("url"):
                continue
            url = str(value["url"])
            medium = str(value.get("medium") or "").lower()
            mime = str(value.get("type") or "").lower()
            if key == "media_content" and not (
                medium == "image" or mime.startswith("image/")
                or (not medium and not mime and _IMAGE_EXT.search(url))
            ):
                continue
            target.append((url, _to_int(value.get("width")), "", credit))
    return media


def _choose_story(
    summary: str, contents: list[str], captions: set[str], base: str | None,
) -> tuple[str, str]:
    """(summary_html, content_html): the longest text that is not a photo caption."""
    measured: list[tuple[str, str]] = []  # (html, text)
    for value in [summary, *contents]:
        if value:
            measured.append((value, _text_of(value, base)))
    if not measured:
        return "", ""
    stories = [(h, t) for h, t in measured if t and t not in captions]
    if not stories:
        stories = measured
    content_html = max(stories, key=lambda pair: len(pair[1]))[0]
    summary_text = _text_of(summary, base) if summary else ""
    summary_html = summary if summary and summary_text not in captions else ""
    return summary_html, content_html


def _convert_entry(
    entry: Any, base: str | None, now: datetime | None, feed_author: str,
    media_map: dict[str, _Media],
) -> ParsedEntry:
    link = safe_url(str(entry.get("link") or ""), base)
    related: list[RelatedLink] = []
    links = entry.get("links")
    if isinstance(links, list):
        for item in links:
            if not isinstance(item, Mapping) or len(related) >= _MAX_RELATED:
                continue
            rel = item.get("rel")
            href = safe_url(str(item.get("href") or ""), base)
            if rel == "related" and href:
                related.append(RelatedLink(
                    title=clean_line(str(item.get("title") or "")) or _host(href), url=href))
            elif link is None and rel in (None, "alternate") and href:
                link = href

    summary = _clean_html(entry.get("summary"))
    contents: list[str] = []
    content_list = entry.get("content")
    if isinstance(content_list, list):
        for item in content_list[:10]:
            if isinstance(item, Mapping):
                value = _clean_html(item.get("value"))
                if value:
                    contents.append(value)

    raw_id = entry.get("id")
    media = media_map.get(str(raw_id).strip()) if raw_id else None
    if media is None and entry.get("link"):
        media = media_map.get(str(entry.get("link")).strip())
    fp_media = _feedparser_media(entry)
    if media is None:
        media = fp_media
    captions = {" ".join(_text_of(d).split()) for d in media.descriptions if d.strip()}
    captions |= {" ".join(_text_of(c[2]).split()) for c in media.images + media.thumbnails
                 if c[2].strip()}
    captions.discard("")
    summary_html, content_html = _choose_story(summary, contents, captions, base)
    story_text = _text_of(content_html, base) if content_html else ""

    date, published_raw = _entry_date(entry)
    published = clamp_date(date, now)

    title = _entry_title(entry)
    guid = _clean_guid(raw_id) or (link or "") or _hash_guid(title, str(published_raw))
    if not title:
        title = _title_from_text(story_text) or UNTITLED

    categories: list[str] = []
    tags = entry.get("tags")
    if isinstance(tags, list):
        for tag in tags[: _MAX_CATEGORIES * 2]:
            if isinstance(tag, Mapping):
                categories.append(clean_line(str(tag.get("term") or tag.get("label") or ""),
                                             limit=_CATEGORY_MAX))

    enclosures: list[Enclosure] = []
    raw_enclosures = entry.get("enclosures")
    if isinstance(raw_enclosures, list):
        for enc in raw_enclosures[:_MAX_ENCLOSURES]:
            if not isinstance(enc, Mapping):
                continue
            url = safe_url(str(enc.get("href") or enc.get("url") or ""), base)
            if url and all(e.url != url for e in enclosures):
                enclosures.append(Enclosure(
                    url=url, type=clean_line(str(enc.get("type") or ""), limit=100),
                    length=_to_int(enc.get("length"))))

    lead = _lead_image(media, fp_media, enclosures, content_html, base, story_text)
    return ParsedEntry(
        guid=guid,
        title=title,
        link=link,
        author=_entry_author(entry, feed_author),
        published=published,
        categories=_unique(categories)[:_MAX_CATEGORIES],
        summary_html=summary_html,
        content_html=content_html,
        enclosures=tuple(enclosures),
        lead_image=lead,
        related=tuple(related),
    )


def _lead_image(
    media: _Media, fp_media: _Media, enclosures: list[Enclosure], content_html: str,
    base: str | None, story_text: str,
) -> Image | None:
    image = (_image_from(media.images, base) or _image_from(media.thumbnails, base)
             or _image_from(fp_media.images, base) or _image_from(fp_media.thumbnails, base))
    if image is None:
        for enc in enclosures:
            if enc.type.lower().startswith("image/"):
                image = Image(src=enc.url)
                break
    if image is not None:
        # A media:description that is the story itself (YouTube) is no caption.
        if image.caption and " ".join(image.caption.split()) == story_text:
            image = Image(src=image.src, alt=image.alt, caption="", credit=image.credit)
        if not image.credit and fp_media.images + fp_media.thumbnails:
            credit = next((c[3] for c in fp_media.images + fp_media.thumbnails if c[3]), "")
            if credit:
                image = Image(src=image.src, alt=image.alt, caption=image.caption,
                              credit=clean_line(credit, limit=_CREDIT_MAX))
        return image
    return _first_figure(content_html, base) if content_html else None


def _dedupe(entry: ParsedEntry, seen: dict[str, str | None]) -> ParsedEntry | None:
    """The entry with a guid not yet `seen` in this body, or None to drop it.

    `seen` maps each guid kept so far to its link. An entry repeating an earlier guid
    is the same article (the first one is kept) unless it links somewhere else:
    publishers do reuse one id for several articles, so it gets the guid
    "<guid> <link>" instead of being lost.
    """
    if entry.guid not in seen:
        seen[entry.guid] = entry.link
        return entry
    if entry.link and entry.link != seen[entry.guid]:
        guid = f"{entry.guid} {entry.link}"
        if guid not in seen:
            seen[guid] = entry.link
            return replace(entry, guid=guid)
    return None


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
    base = url
    link = safe_url(str(feed.get("link") or ""), base)
    title = clean_line(str(feed.get("title") or ""))
    if feed.get("title_detail", {}).get("type") in ("text/html", "application/xhtml+xml"):
        title = _html_line(str(feed.get("title") or ""))
    feed_author = ""
    author_detail = feed.get("author_detail")
    if isinstance(author_detail, Mapping):
        feed_author = clean_line(str(author_detail.get("name") or ""), limit=_NAME_MAX)
    feed_author = feed_author or clean_line(str(feed.get("author") or ""), limit=_NAME_MAX)

    media_map = _scan_media(body)
    parsed: list[ParsedEntry] = []
    seen: dict[str, str | None] = {}
    for entry in entries[:MAX_ENTRIES]:
        item = _dedupe(_convert_entry(entry, base, now, feed_author, media_map), seen)
        if item is not None:
            parsed.append(item)
    return ParsedFeed(
        title=title or _host(link) or _host(url),
        link=link,
        kind=version or "unknown",
        entries=tuple(parsed),
    )


# -- JSON Feed ------------------------------------------------------------------------


def _looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return True
    return "json" in ctype and not head.startswith(b"<")


def _json_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _json_line(value: Any, limit: int = 300) -> str:
    """A JSON Feed text field: plain text, but publishers put entities in: decode one level."""
    text = _json_str(value)
    if "&" in text:
        text = html.unescape(text)
    return clean_line(text, limit=limit)


def _json_authors(obj: Mapping[str, Any]) -> str:
    authors = obj.get("authors")
    names: list[str] = []
    if isinstance(authors, list):
        names = [_json_line(a.get("name"), _NAME_MAX) for a in authors if isinstance(a, dict)]
    author = obj.get("author")
    if not any(names) and isinstance(author, dict):
        names = [_json_line(author.get("name"), _NAME_MAX)]
    return clean_line(", ".join(n for n in names if n), limit=_NAME_MAX)


def _text_to_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text)
                   if p.strip())


def _parse_json(body: bytes, url: str | None, now: datetime | None) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as error:
        raise NotAFeed(f"not a feed: invalid JSON ({clean_line(str(error), limit=120)})") \
            from None
    if not isinstance(data, dict):
        raise NotAFeed("not a feed: JSON that is not a JSON Feed")
    version = _json_str(data.get("version"))
    items = data.get("items")
    if not isinstance(items, list) or not (
        "jsonfeed.org/version/" in version or version in ("1", "1.0", "1.1")
    ):
        raise NotAFeed("not a feed: JSON that is not a JSON Feed")
    kind = "json11" if version.rstrip("/").endswith("1.1") else "json10"
    base = url
    home = safe_url(_json_str(data.get("home_page_url")), base)
    feed_author = _json_authors(data)
    parsed: list[ParsedEntry] = []
    seen: dict[str, str | None] = {}
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        entry = _dedupe(_json_entry(item, base, now, feed_author), seen)
        if entry is not None:
            parsed.append(entry)
    return ParsedFeed(
        title=_json_line(data.get("title")) or _host(home) or _host(url),
        link=home,
        kind=kind,
        entries=tuple(parsed),
    )


def _json_entry(
    item: dict[str, Any], base: str | None, now: datetime | None, feed_author: str,
) -> ParsedEntry:
    link = safe_url(_json_str(item.get("url")), base) or safe_url(
        _json_str(item.get("external_url")), base)
    content = _json_str(item.get("content_html"))
    if not content and _json_str(item.get("content_text")):
        content = _text_to_html(_json_str(item.get("content_text")))
    summary = _json_str(item.get("summary"))
    summary_html = _clean_html(_text_to_html(html.unescape(summary)) if summary else "")
    content_html = _clean_html(content) or summary_html
    date_raw = _json_str(item.get("date_published")) or _json_str(item.get("date_modified"))
    published = clamp_date(_parse_date_text(date_raw), now)
    title = _json_line(item.get("title"))
    guid = _clean_guid(_json_str(item.get("id"))) or (link or "") or _hash_guid(
        title, date_raw)
    story_text = _text_of(content_html, base) if content_html else ""
    if not title:
        title = _title_from_text(story_text) or UNTITLED
    tags = item.get("tags")
    categories = _unique(_json_line(t, _CATEGORY_MAX) for t in tags[:_MAX_CATEGORIES]) \
        if isinstance(tags, list) else ()
    enclosures: list[Enclosure] = []
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        for att in attachments[:_MAX_ENCLOSURES]:
            if not isinstance(att, dict):
                continue
            url = safe_url(_json_str(att.get("url")), base)
            if url:
                enclosures.append(Enclosure(
                    url=url, type=clean_line(_json_str(att.get("mime_type")), limit=100),
                    length=_to_int(att.get("size_in_bytes"))))
    image_url = safe_url(_json_str(item.get("image")), base) or safe_url(
        _json_str(item.get("banner_image")), base)
    lead: Image | None = Image(src=image_url) if image_url else None
    if lead is None:
        for enc in enclosures:
            if enc.type.lower().startswith("image/"):
                lead = Image(src=enc.url)
                break
    if lead is None and content_html:
        lead = _first_figure(content_html, base)
    elif lead is not None and content_html:
        # The content often repeats the image inside a figure with its caption.
        figure = _first_figure(content_html, base)
        if figure is not None and figure.src == lead.src:
            lead = figure
    return ParsedEntry(
        guid=guid,
        title=title,
        link=link,
        author=_json_authors(item) or feed_author,
        published=published,
        categories=categories,
        summary_html=summary_html,
        content_html=content_html,
        enclosures=tuple(enclosures),
        lead_image=lead,
    )


# -- the entry point ------------------------------------------------------------------


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
    if _looks_like_json(body, lowered):
        return _parse_json(body, url, now)
    return _parse_xml(body, lowered, url, now)
