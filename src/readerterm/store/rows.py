"""A parsed entry as the cache stores it, made where the feed was parsed.

A refresh parses feeds in other processes (bodies.py) and writes the cache in the
process that also runs the event loop. Each entry crosses over as an `EntryRow`: the
values of its `articles` row, its searchable text and whether it is the whole story, so
the writing process only numbers and inserts them (and plain tuples of strings cross
between processes faster than dataclasses). No SQLite here: parser processes import it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from readerterm.models import ParsedEntry

__all__ = ["ENTRY_COLUMNS", "EntryRow", "entry_digest", "entry_row", "iso"]

ENTRY_COLUMNS = ("url", "title", "author", "section", "summary_html", "content_html",
                 "lead_image", "enclosures", "feed_related", "digest")
"""The `articles` columns an entry fills, in the order of `EntryRow.values`."""


def iso(value: datetime) -> str:
    """The cache's date format: UTC, second precision, sortable as text."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class EntryRow(NamedTuple):
    """One entry, ready to store."""

    guid: str
    published: str | None
    """`iso` of the entry's date; None when it has none (the first-seen time is used)."""
    values: tuple[Any, ...]
    """The ENTRY_COLUMNS values; the last is the digest that tells a changed entry."""
    text: str
    """What FTS5 indexes for it."""
    full_story: bool
    """The feed carries the whole article: its page need not be fetched."""

    @property
    def link(self) -> str | None:
        return self.values[0]  # type: ignore[no-any-return]

    @property
    def title(self) -> str:
        return self.values[1]  # type: ignore[no-any-return]

    @property
    def digest(self) -> str:
        return self.values[-1]  # type: ignore[no-any-return]


def entry_digest(entry: ParsedEntry) -> str:
    """A hash of everything the cache keeps of an entry: unchanged entries are skipped."""
    parts = [entry.title, entry.link or "", entry.author, entry.summary_html, entry.content_html,
             entry.published.isoformat() if entry.published else "", "|".join(entry.categories),
             repr(entry.lead_image), repr(entry.related), repr(entry.enclosures)]
    data = "\x1f".join(parts).encode("utf-8", "replace")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def entry_row(entry: ParsedEntry, text: str, full_story: bool) -> EntryRow:
    """`entry` as the cache stores it, with its searchable `text` and whether it is the
    whole story (bodies.digest_entry gives both)."""
    values = (
        entry.link, entry.title, entry.author, entry.section, entry.summary_html,
        # an RSS item's only description is both: kept once (the reader shows the longer
        # of the two)
        "" if entry.content_html == entry.summary_html else entry.content_html,
        json.dumps(entry.lead_image.to_dict()) if entry.lead_image else None,
        json.dumps([e.__dict__ for e in entry.enclosures]) if entry.enclosures else None,
        json.dumps([r.to_dict() for r in entry.related]) if entry.related else None,
        entry_digest(entry),
    )
    published = iso(entry.published) if entry.published else None
    return EntryRow(entry.guid, published, values, text, full_story)
