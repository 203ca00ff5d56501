"""The user's filters and saved searches, `[[filter]]` and `[[query]]` in feeds.toml.

    [[filter]]                    # newsboat's ignore-article, a killfile
    field = "title"               # title, author, url or text
    pattern = "(?i)sponsored"     # a regular expression (Python's), searched in the field
    # query = "crypto NOT bitcoin"  # or an FTS5 search instead of a pattern
    section = "Technology"        # optional: only this section (or feed = "URL")
    action = "hide"               # hide (not listed, not counted) or read (marked read)

    [[query]]                     # a saved search, shown as a section
    name = "Elections"
    search = "election OR ballot"  # FTS5 syntax, as `/` and `readerterm search`
    section = "World"             # optional, or feed = "URL"
    unread = false                # optional: only unread articles

A mistake is a ConfigError naming the file, the line and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readerterm.config import ConfigError, _line_of, _read_toml, _typed

__all__ = ["ACTIONS", "FIELDS", "FilterRule", "SavedQuery", "load_rules"]

FIELDS = ("title", "author", "url", "text")
ACTIONS = ("hide", "read")


@dataclass(frozen=True)
class FilterRule:
    """One `[[filter]]`."""

    field: str = "title"
    pattern: str = ""
    query: str = ""
    feed: str = ""
    section: str = ""
    action: str = "hide"


@dataclass(frozen=True)
class SavedQuery:
    """One `[[query]]`: a saved search listed as a section."""

    name: str = ""
    search: str = ""
    feed: str = ""
    section: str = ""
    unread: bool = False


def _fail(path: Path, text: str, key: str, message: str) -> ConfigError:
    return ConfigError(f"{path}, line {_line_of(text, key)}: {message}")


def _check_filter(rule: FilterRule, where: str, path: Path, text: str) -> None:
    if rule.field not in FIELDS:
        raise _fail(path, text, "field", f"{where}.field must be one of {', '.join(FIELDS)}")
    if rule.action not in ACTIONS:
        raise _fail(path, text, "action", f"{where}.action must be hide or read")
    if bool(rule.pattern) == bool(rule.query):
        raise _fail(path, text, "filter", f"{where} needs a pattern or a query (one of them)")
    if rule.feed and rule.section:
        raise _fail(path, text, "feed", f"{where} takes a feed or a section, not both")
    if rule.pattern:
        try:
            re.compile(rule.pattern)
        except re.error as exc:
            raise _fail(path, text, "pattern", f"{where}.pattern: {exc}") from None


def load_rules(path: Path) -> tuple[list[FilterRule], list[SavedQuery]]:
    """The filters and saved searches of feeds.toml (none when it does not exist)."""
    if not path.exists():
        return [], []
    data, text = _read_toml(path)
    filters: list[FilterRule] = []
    queries: list[SavedQuery] = []
    for key, cls, out in (("filter", FilterRule, filters), ("query", SavedQuery, queries)):
        raw: Any = data.get(key, [])
        if not isinstance(raw, list):
            raise _fail(path, text, key, f"{key} must be a list of tables ([[{key}]])")
        for index, item in enumerate(raw):
            where = f"{key}[{index}]"
            entry = _typed(cls, item, path, text, where)
            if isinstance(entry, FilterRule):
                _check_filter(entry, where, path, text)
            elif not entry.name.strip() or not entry.search.strip():
                raise _fail(path, text, "name", f"{where} needs a name and a search")
            out.append(entry)
    names = [q.name for q in queries]
    for name in names:
        if names.count(name) > 1:
            raise _fail(path, text, "name", f"two saved searches are named {name!r}")
    return filters, queries
