"""A server's stream item -> the row a refresh would store for the same entry.

The server's JSON is hostile input like any feed's (SECURITY.md): each item goes through
the same entry builder as a parsed feed (`feeds.entry.build_entry`: control characters
out, text capped, links only http(s), dates clamped) and the same digest (searchable
text, whether it is the whole story), so the reader shows and fetches it exactly as it
would a feed's entry. Its guid is the server's item id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from readerterm.bodies import digest_entry
from readerterm.feeds.entry import RawEntry, build_entry
from readerterm.safety import safe_url
from readerterm.store.rows import EntryRow, entry_row
from readerterm.sync.client import item_number

__all__ = ["item_guid", "item_row", "item_stream", "item_time", "item_usec"]


def item_guid(item_id: int) -> str:
    return f"greader:{item_id}"


def _link(item: dict[str, Any]) -> str:
    """The first http(s) link of the item's canonical, then alternate, links."""
    for key in ("canonical", "alternate"):
        links = item.get(key)
        for link in links if isinstance(links, list) else []:
            href = link.get("href") if isinstance(link, dict) else None
            if isinstance(href, str) and safe_url(href):
                return href
    return ""


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else ""


def _date(value: Any) -> datetime | None:
    try:
        seconds = float(value)
        return datetime.fromtimestamp(seconds, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def item_stream(item: dict[str, Any]) -> str | None:
    """The stream id of the feed the item came from."""
    origin = item.get("origin")
    stream = origin.get("streamId") if isinstance(origin, dict) else None
    return stream if isinstance(stream, str) else None


def item_usec(item: dict[str, Any]) -> int | None:
    """When the server got the item, in microseconds."""
    for key, scale in (("timestampUsec", 1), ("crawlTimeMsec", 1000)):
        try:
            return int(item[key]) * scale
        except (KeyError, TypeError, ValueError):
            continue
    return None


def item_time(item: dict[str, Any]) -> int | None:
    """When the server got the item, in seconds (what `ot` compares)."""
    usec = item_usec(item)
    return None if usec is None else usec // 1_000_000


def item_row(item: dict[str, Any], now: datetime, min_words: int) -> tuple[int, EntryRow] | None:
    """(server item id, the row to store) of one stream item; None for an item without a
    usable id."""
    number = item_number(item.get("id"))
    if number is None:
        return None
    enclosures = []
    raw_enclosures = item.get("enclosure")
    if isinstance(raw_enclosures, list):
        for enc in raw_enclosures:
            if isinstance(enc, dict) and isinstance(enc.get("href"), str):
                kind = enc.get("type")
                enclosures.append((enc["href"], kind if isinstance(kind, str) else "",
                                   enc.get("length")))
    link = _link(item)
    author = item.get("author")
    published = _date(item.get("published"))
    raw = RawEntry(
        guid=item_guid(number), title=_text(item.get("title")), title_html=True, link=link,
        author=author if isinstance(author, str) else "", date=published,
        date_raw=str(item.get("published", ""))[:40], summary=_text(item.get("summary")),
        contents=[c for c in (_text(item.get("content")),) if c], enclosures=enclosures)
    entry = build_entry(raw, link or None, now)
    return number, entry_row(entry, *digest_entry(entry, min_words, entry.link))
