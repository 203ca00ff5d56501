"""A fetched feed body to what a refresh stores: the CPU work of a refresh.

`parse_body` parses one body (`parse.parse_feed`: the lxml fast path, else feedparser)
and, per entry, reads the searchable text and the full-story decision from one walk of
its HTML (`html.cached_digest`, which the fast parser already made), and makes the rows
the cache stores (`store.rows`). It runs in the refresh's parser processes, so this
module imports only what that needs: no httpx, no asyncio, no SQLite, no extractor. It
sits above `feeds` and `store`, which never import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from readerterm.feeds.parse import NotAFeed, parse_feed
from readerterm.feeds.ttl import declared_ttl
from readerterm.html import cached_digest, clear_cache
from readerterm.models import ParsedEntry, ParsedFeed
from readerterm.store.rows import EntryRow, entry_row

__all__ = ["Parsed", "digest_entry", "entry_rows", "parse_body", "warm"]


def digest_entry(entry: ParsedEntry, min_words: int,
                 base: str | None = None) -> tuple[str, bool]:
    """(searchable text, whether it is the whole story) of a feed entry, from one walk of
    its content or its summary, the longer.

    The text is `html.html_to_text`'s; the second is `extract.is_full_story`'s
    decision (tests/test_fastparse.py checks both agree), read from the same walk so
    that a refresh neither walks each entry three times nor imports the extractor.
    """
    digest = cached_digest(max(entry.content_html, entry.summary_html, key=len), base)
    return digest.text, digest.full_story(min_words)


def entry_rows(feed: ParsedFeed, min_words: int, base: str | None = None) -> list[EntryRow]:
    """The feed's entries as the cache stores them (`store.rows`), digested."""
    return [entry_row(entry, *digest_entry(entry, min_words, base)) for entry in feed.entries]


@dataclass
class Parsed:
    """A feed body parsed (in a worker): its title, link and entries ready to store;
    `entries` is None when the body could not be read (see `error`)."""

    title: str = ""
    link: str | None = None
    entries: list[EntryRow] | None = None
    error: str = ""
    not_a_feed: bool = False
    ttl: int | None = None
    """Seconds the feed asks between fetches (feeds.ttl)."""


def parse_body(body: bytes, headers: dict[str, str], url: str, now: datetime,
               max_entries: int, min_words: int) -> Parsed:
    """Parse one body and digest its entries. Never raises."""
    try:
        feed = parse_feed(body, headers, url, now=now)
        feed = replace(feed, entries=feed.entries[:max_entries])
        return Parsed(feed.title, feed.link, entry_rows(feed, min_words, url),
                      ttl=declared_ttl(body))
    except NotAFeed as exc:
        return Parsed(error=str(exc), not_a_feed=True)
    except Exception as exc:  # a parser bug must not stop the other feeds
        return Parsed(error=f"could not parse: {type(exc).__name__}: {exc}"[:300])
    finally:
        clear_cache()


def warm() -> None:
    """Nothing: submitted once per parser process so that it starts while the first
    feeds are still being fetched."""
