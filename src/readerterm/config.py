"""Settings and subscriptions, in TOML, typed and validated.

Two files in the config directory:
- `config.toml`: settings the user edits (fetch limits, full text, retention, theme, keys).
  readerterm writes it once, commented, when it does not exist, and never again.
- `feeds.toml`: the subscriptions, sections holding feeds. `add`, `remove`, `import` and
  permanent redirects rewrite it (atomically).

A file that does not parse, or holds an unknown key or a wrong type, raises
`ConfigError` naming the file, the line and the key; nothing is overwritten.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from readerterm.schedule import parse_interval


class ConfigError(Exception):
    """A config file that cannot be used, with its location."""


@dataclass(frozen=True)
class FetchSettings:
    max_in_flight: int = 16
    per_host: int = 6
    deadline: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_entries: int = 1000


@dataclass(frozen=True)
class FulltextSettings:
    enabled: bool = True
    concurrency: int = 4
    min_words: int = 250
    max_attempts: int = 3


@dataclass(frozen=True)
class ImagesSettings:
    fetch: bool = True            # fetch articles' pictures with their pages, for offline
    cache_mb: int = 500           # the pictures folder's cap (least recently used go first)
    concurrency: int = 4          # pictures fetched at once


@dataclass(frozen=True)
class RetentionSettings:
    days: int = 90
    per_feed: int = 500


@dataclass(frozen=True)
class UISettings:
    theme: str = "textual-dark"
    keys: dict[str, str] = field(default_factory=dict)
    measure: int = 80  # the reader's longest line, in columns
    sections_width: int = 28  # columns of the sections pane (keys < and > change it)
    footer: bool = True  # the line of keys for the focused pane
    images: str = "auto"  # the article's pictures: "auto", "halfcell" or "off"


@dataclass(frozen=True)
class RefreshSettings:
    interval: int = 30            # minutes between refreshes of a feed while the reader is open
    on_start: bool = True         # refresh every feed when the reader opens


@dataclass(frozen=True)
class OpenSettings:
    browser: str = ""             # a command; empty: the system's browser
    player: str = ""              # a command for podcast episodes; empty: the browser


@dataclass(frozen=True)
class Settings:
    """Everything in config.toml."""

    fetch: FetchSettings = FetchSettings()
    fulltext: FulltextSettings = FulltextSettings()
    retention: RetentionSettings = RetentionSettings()
    ui: UISettings = UISettings()
    refresh: RefreshSettings = RefreshSettings()
    open: OpenSettings = OpenSettings()
    images: ImagesSettings = ImagesSettings()


@dataclass(frozen=True)
class FeedEntry:
    url: str = ""
    title: str = ""
    fulltext: bool = True
    interval: str = ""  # "90s", "15m", "2h", "1d" (a number is minutes); "" = [refresh]


@dataclass(frozen=True)
class Section:
    name: str
    feeds: tuple[FeedEntry, ...] = ()


DEFAULT_CONFIG = """\
# readerterm settings. Every key is optional; the values below are the defaults.
# Subscriptions live in feeds.toml beside this file.

[fetch]
max_in_flight = 16        # requests in flight at once, all hosts together
per_host = 6              # requests in flight to one host (as browsers do)
deadline = 30.0           # seconds for a whole request, redirects included
max_bytes = 10485760      # largest body accepted (after decompression)
max_entries = 1000        # entries kept from one feed body

[fulltext]
enabled = true            # fetch article pages when a feed carries only a summary
concurrency = 4
min_words = 250           # feed content with fewer words (or a "read more" end) is a summary
max_attempts = 3          # tries per article page before giving up

[images]
fetch = true              # fetch articles' pictures with their pages, kept for offline reading
cache_mb = 500            # cap of the pictures cache; the least recently used go first,
                          # starred articles' last (readerterm images --prune)
concurrency = 4           # pictures fetched at once

[retention]
days = 90                 # keep articles for this many days...
per_feed = 500            # ...or the newest this many per feed, whichever keeps more

[refresh]
interval = 30             # minutes: the open reader refreshes each feed this often
on_start = true           # refresh every feed when the reader opens

[open]
browser = ""              # command to open links ("firefox", "lynx"); "" = the system's
player = ""               # command for podcast episodes ("mpv --no-video"); "" = browser

[ui]
theme = "textual-dark"
measure = 80              # the reader's longest line, in columns
sections_width = 28       # width of the sections pane (< and > change it in the reader)
footer = true             # show the keys of the focused pane on the bottom line
images = "auto"           # the article's pictures: "auto" (the best the terminal draws:
                          # Kitty graphics, Sixel, else half-cell blocks), "halfcell", "off"

[ui.keys]
# Remap any binding by its id (the ids are listed by the reader's help, "?"), e.g.:
# back = "left_square_bracket,alt+left,backspace"
# refresh-all = "R"
"""

SAMPLE_SECTIONS: tuple[Section, ...] = (  # offered by the reader's first-run screen
    Section("World", (
        FeedEntry("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC News: World"),
        FeedEntry("https://www.theguardian.com/world/rss", "The Guardian: World"),
        FeedEntry("https://rss.nytimes.com/services/xml/rss/nyt/World.xml", "NYT: World"),
        FeedEntry("https://www.aljazeera.com/xml/rss/all.xml", "Al Jazeera"),
    )),
    Section("Technology", (
        FeedEntry("https://feeds.arstechnica.com/arstechnica/index", "Ars Technica"),
        FeedEntry("https://www.theverge.com/rss/index.xml", "The Verge"),
        FeedEntry("https://hnrss.org/frontpage", "Hacker News"),
        FeedEntry("https://lwn.net/headlines/rss", "LWN.net"),
    )),
    Section("Science", (
        FeedEntry("https://www.nature.com/nature.rss", "Nature"),
        FeedEntry("https://www.sciencedaily.com/rss/all.xml", "ScienceDaily"),
        FeedEntry("https://feeds.bbci.co.uk/news/science_and_environment/rss.xml",
                  "BBC News: Science"),
    )),
    Section("Business", (
        FeedEntry("https://feeds.bbci.co.uk/news/business/rss.xml", "BBC News: Business"),
        FeedEntry("https://www.theguardian.com/business/rss", "The Guardian: Business"),
    )),
)


def _line_of(text: str, key: str) -> int:
    """The first line where `key` is assigned or opens a table (1-based; 0 if not found)."""
    pattern = re.compile(rf"^\s*(?:\[\[?\s*[\w.]*\b{re.escape(key)}\b|\"?{re.escape(key)}\"?\s*=)")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return 0


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        # utf-8-sig: a byte-order mark (Windows editors write one) is no statement.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


_CHOICES = {"ui.images": ("auto", "halfcell", "off")}
"""Settings that take one of a few strings."""

_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number",
               str: "a string", dict: "a table"}


def _kind(value: Any) -> str:
    """What a TOML value is, for people: `an integer (5)`, `a string ("6")`."""
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             dict: "a table", list: "an array"}
    shown = tomli_w.dumps({"v": value}).partition("=")[2].strip() if not isinstance(
        value, dict) else ""
    name = names.get(type(value), type(value).__name__)
    return f"{name} ({shown[:40]})" if shown else name


def _example(key: str, default: Any) -> str:
    """A valid line for `key`, from its default."""
    if isinstance(default, dict):
        return '[ui.keys] star = "s,ctrl+s" (a binding id and its keys)'
    return f"{key} = {tomli_w.dumps({'v': default}).partition('=')[2].strip()}"


def _typed(cls: type[Any], data: Any, path: Path, text: str, where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}, line {_line_of(text, where)}: [{where}] must be a table "
                          f"of settings ({', '.join(known)}), not {_kind(data)}")
    values: dict[str, Any] = {}
    default = cls()
    for key, value in data.items():
        if key not in known:
            line = _line_of(text, key)
            raise ConfigError(f"{path}, line {line}: unknown key {where}.{key}; the keys of "
                              f"[{where}] are {', '.join(known)}")
        expected = type(getattr(default, key))
        example = _example(key, getattr(default, key))
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if expected is dict and isinstance(value, dict):
            for name, keys in value.items():
                if not isinstance(keys, str):
                    raise ConfigError(
                        f"{path}, line {_line_of(text, name)}: {where}.{key}.{name} must be "
                        f"a string of keys, not {_kind(keys)}; for example: "
                        f'{name} = "ctrl+s" (several keys: "s,ctrl+s")')
        if not ok:
            line = _line_of(text, key)
            raise ConfigError(
                f"{path}, line {line}: {where}.{key} must be {_TYPE_NAMES[expected]}, "
                f"not {_kind(value)}; for example: {example}"
            )
        if isinstance(value, int | float) and not isinstance(value, bool) and value <= 0:
            line = _line_of(text, key)
            raise ConfigError(f"{path}, line {line}: {where}.{key} must be more than 0, "
                              f"not {value}; for example: {example}")
        choices = _CHOICES.get(f"{where}.{key}")
        if choices is not None and value not in choices:
            raise ConfigError(f"{path}, line {_line_of(text, key)}: {where}.{key} must be "
                              f"one of {', '.join(map(repr, choices))}, not {value!r}; "
                              f"for example: {example}")
        values[key] = value
    return replace(default, **values)


def load_settings(path: Path) -> Settings:
    """Settings from config.toml; defaults when the file does not exist."""
    if not path.exists():
        return Settings()
    data, text = _read_toml(path)
    parts: dict[str, Any] = {}
    types = {f.name: type(getattr(Settings(), f.name)) for f in fields(Settings)}
    for key, value in data.items():
        if key not in types:
            raise ConfigError(f"{path}, line {_line_of(text, key)}: unknown section [{key}]; "
                              f"the sections are {', '.join(f'[{t}]' for t in types)}")
        parts[key] = _typed(types[key], value, path, text, key)
    return Settings(**parts)


def write_default_settings(path: Path) -> None:
    """Write the commented default config.toml if there is none."""
    if not path.exists():
        _atomic_write(path, DEFAULT_CONFIG)


def load_sections(path: Path) -> list[Section] | None:
    """Subscriptions from feeds.toml, or None when the file does not exist."""
    if not path.exists():
        return None
    data, text = _read_toml(path)
    sections: list[Section] = []
    raw = data.get("sections", [])
    for key in data:
        if key not in ("sections", *KEPT_KEYS):
            raise ConfigError(f"{path}, line {_line_of(text, key)}: unknown key {key}")
    if not isinstance(raw, list):
        raise ConfigError(f"{path}, line {_line_of(text, 'sections')}: sections must be a list")
    for index, sec in enumerate(raw):
        if not isinstance(sec, dict) or not isinstance(sec.get("name"), str):
            raise ConfigError(
                f"{path}, line {_line_of(text, 'name')}: sections[{index}].name must be a string"
            )
        feeds: list[FeedEntry] = []
        for fi, feed in enumerate(sec.get("feeds", [])):
            where = f"sections[{index}].feeds[{fi}]"
            if not isinstance(feed, dict) or not isinstance(feed.get("url"), str):
                raise ConfigError(f"{path}, line {_line_of(text, 'url')}: {where}.url is missing")
            if isinstance(feed.get("interval"), int) and not isinstance(feed["interval"], bool):
                feed = {**feed, "interval": f"{feed['interval']}m"}
            entry = _typed(FeedEntry, {"url": feed["url"], **feed}, path, text, where)
            if entry.interval:
                try:
                    parse_interval(entry.interval)
                except ValueError as exc:
                    line = _line_of(text, "interval")
                    raise ConfigError(f"{path}, line {line}: {where}.interval: {exc}") from None
            feeds.append(entry)
        sections.append(Section(sec["name"], tuple(feeds)))
    return sections


KEPT_KEYS = ("filter", "query")
"""feeds.toml's other tables (userrules.py): kept as they are when the sections change."""


def save_sections(path: Path, sections: list[Section]) -> None:
    """Write feeds.toml atomically (its filters and saved searches kept)."""
    kept: dict[str, Any] = {}
    if path.exists():
        with contextlib.suppress(ConfigError):
            old, _ = _read_toml(path)
            kept = {k: old[k] for k in KEPT_KEYS if k in old}
    data = {
        "sections": [
            {
                "name": s.name,
                "feeds": [
                    {k: v for k, v in (("url", f.url), ("title", f.title),
                                        ("fulltext", f.fulltext), ("interval", f.interval))
                     if v != "" and v is not True}
                    for f in s.feeds
                ],
            }
            for s in sections
        ],
        **kept,
    }
    header = "# readerterm subscriptions: sections, each with its feeds (url, optional title).\n"
    _atomic_write(path, header + tomli_w.dumps(data))


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
