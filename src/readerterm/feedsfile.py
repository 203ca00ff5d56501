"""One feed's settings changed in feeds.toml with its comments, order and layout kept
(tomlkit edits the file's own tree; the other writers rewrite it whole)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from readerterm.config import _atomic_write
from readerterm.errors import BadInput
from readerterm.safety import clean_line
from readerterm.schedule import parse_interval

__all__ = ["FeedSettings", "update_feed"]


@dataclass(frozen=True)
class FeedSettings:
    """What the feed settings screen changes."""

    title: str = ""
    section: str = ""
    interval: str = ""   # "" = the [refresh] interval of config.toml
    fulltext: bool = True


def _set(table: Any, key: str, value: object, default: object) -> None:
    """`key` = `value` in `table`, or no key at all when `value` is the default."""
    if value == default:
        if key in table:
            del table[key]
    else:
        table[key] = value


def _append(section: Any, feed: Any) -> None:
    """Add `feed` to the section's feeds, in the form that list already has: inline
    tables in an array (as readerterm writes it) or [[sections.feeds]] tables."""
    feeds = section.get("feeds")
    if feeds is None:
        feeds = tomlkit.array().multiline(True) if isinstance(
            feed, tomlkit.items.InlineTable) else tomlkit.aot()
        section["feeds"] = feeds
        feeds = section["feeds"]
    if isinstance(feeds, tomlkit.items.AoT):
        item: Any = tomlkit.table()
    else:
        item = tomlkit.inline_table()
    item.update(feed.unwrap())
    feeds.append(item)


def update_feed(path: Path, url: str, settings: FeedSettings) -> None:
    """Give the feed `url` these settings (moving it to another section, made at the end
    when new). Raises BadInput for an unknown feed, an empty section name or an
    interval that cannot be read; the file is then left as it was."""
    section = clean_line(settings.section, 100)
    if not section:
        raise BadInput("a feed needs a section name")
    if settings.interval:
        try:
            parse_interval(settings.interval)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    sections: Any = doc.get("sections")
    if sections is None:
        raise BadInput(f"not subscribed: {url}")
    home = feed = None
    for sec in sections:
        for entry in sec.get("feeds", []):
            if entry.get("url") == url:
                home, feed = sec, entry
    if home is None or feed is None:
        raise BadInput(f"not subscribed: {url}")
    _set(feed, "title", clean_line(settings.title, 200), "")
    _set(feed, "fulltext", settings.fulltext, True)
    _set(feed, "interval", settings.interval.strip(), "")
    if home.get("name") != section:
        feeds = home["feeds"]
        index = next(i for i, entry in enumerate(feeds) if entry.get("url") == url)
        del feeds[index]
        target = next((sec for sec in sections if sec.get("name") == section), None)
        if target is None:
            target = tomlkit.table()
            target["name"] = section
            sections.append(target)
        _append(target, feed)
    _atomic_write(path, tomlkit.dumps(doc))
