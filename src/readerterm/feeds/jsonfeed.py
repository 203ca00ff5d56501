"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org): detection, and each item as a `RawEntry`.

Text fields are plain text, but publishers put HTML entities in them: one level is
decoded. `content_text` and `summary` become paragraphs of HTML (`<p>` per blank-line
separated paragraph), so that every entry's story is HTML, as in RSS and Atom.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from readerterm.feeds.dates import parse_date_text
from readerterm.feeds.entry import MAX_ENTRIES, NAME_MAX, NotAFeed, RawEntry, build_entry, feed_of
from readerterm.feeds.media import Media
from readerterm.models import ParsedEntry, ParsedFeed
from readerterm.safety import clean_line, safe_url

__all__ = ["looks_like_json", "parse_json"]

_MAX_TAGS = 50
_MAX_ATTACHMENTS = 50


def looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether to read `body` as JSON: it starts with "{" (after a BOM and white space),
    or the Content-Type names JSON and the body does not start with "<".

    `headers` have lower-case names.
    """
    ctype = headers.get("content-type", "").lower()
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return True
    return "json" in ctype and not head.startswith(b"<")


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _unescaped(value: Any) -> str:
    """A text field with one level of HTML entities decoded."""
    text = _str(value)
    return html.unescape(text) if "&" in text else text


def _authors(obj: Mapping[str, Any]) -> str:
    authors = obj.get("authors")
    names: list[str] = []
    if isinstance(authors, list):
        names = [clean_line(_unescaped(a.get("name")), limit=NAME_MAX) for a in authors
                 if isinstance(a, dict)]
    author = obj.get("author")
    if not any(names) and isinstance(author, dict):
        names = [clean_line(_unescaped(author.get("name")), limit=NAME_MAX)]
    return clean_line(", ".join(n for n in names if n), limit=NAME_MAX)


def _text_to_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text)
                   if p.strip())


def parse_json(body: bytes, url: str | None, now: datetime | None) -> ParsedFeed:
    """A JSON Feed body -> `ParsedFeed` (kind "json10" or "json11"); `NotAFeed` for
    invalid JSON and for JSON that is not a JSON Feed."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as error:
        raise NotAFeed(f"not a feed: invalid JSON ({clean_line(str(error), limit=120)})") \
            from None
    if not isinstance(data, dict):
        raise NotAFeed("not a feed: JSON that is not a JSON Feed")
    version = _str(data.get("version"))
    items = data.get("items")
    if not isinstance(items, list) or not (
        "jsonfeed.org/version/" in version or version in ("1", "1.0", "1.1")
    ):
        raise NotAFeed("not a feed: JSON that is not a JSON Feed")
    kind = "json11" if version.rstrip("/").endswith("1.1") else "json10"
    home = safe_url(_str(data.get("home_page_url")), url)
    feed_author = _authors(data)
    entries = (_entry(item, url, now, feed_author) for item in items[:MAX_ENTRIES]
               if isinstance(item, dict))
    return feed_of(clean_line(_unescaped(data.get("title"))), home, kind, url, entries)


def _entry(item: dict[str, Any], base: str | None, now: datetime | None,
           feed_author: str) -> ParsedEntry:
    content = _str(item.get("content_html"))
    if not content and _str(item.get("content_text")):
        content = _text_to_html(_str(item.get("content_text")))
    summary = _str(item.get("summary"))
    date_raw = _str(item.get("date_published")) or _str(item.get("date_modified"))
    tags = item.get("tags")
    attachments = item.get("attachments")
    images = [(_str(item.get(key)), 0, "", "") for key in ("image", "banner_image")]
    raw = RawEntry(
        guid=_str(item.get("id")),
        title=_unescaped(item.get("title")),
        link=_str(item.get("url")),
        links=[(None, _str(item.get("external_url")), "")],
        author=_authors(item),
        date=parse_date_text(date_raw),
        date_raw=date_raw,
        summary=_text_to_html(html.unescape(summary)) if summary else "",
        contents=[content],
        content_first=True,
        categories=[_unescaped(t) for t in tags[:_MAX_TAGS]] if isinstance(tags, list) else (),
        enclosures=[(_str(a.get("url")), _str(a.get("mime_type")), a.get("size_in_bytes"))
                    for a in attachments[:_MAX_ATTACHMENTS] if isinstance(a, dict)]
        if isinstance(attachments, list) else (),
        media=Media(images=images),
        lead_from_figure=True,
    )
    return build_entry(raw, base, now, feed_author)
