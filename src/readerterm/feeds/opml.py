"""Subscription lists in and out: OPML (import and export) and newsboat `urls` files.

Import keeps only plain http(s) feed URLs and says what it skipped (SECURITY.md rule 10):
`exec:`, `filter:` and `query:` sources, `|command` pipes, `file:` and `javascript:`
URLs never become subscriptions, and a `filtercmd` attribute is ignored (never run).

Sections: readerterm's sections are flat, so a feed goes to the section named by its
*top-level* folder; deeper folders are folded into it (newsboat's example.opml puts
"friends" inside "Blogs": its feed lands in "Blogs"). Feeds outside any folder go to
"Uncategorized". In a newsboat `urls` file the first tag is the section.

The OPML parser is lxml with the DOCTYPE cut out (no entities), DTDs and the network off,
nesting allowed to 2,048 levels (deeper folders are reported, not read); the outline
tree is walked with an explicit stack, so a 2,000-deep file costs nothing special.
"""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ET
from typing import Any

from readerterm.feeds._xml import parse_untrusted, to_utf8
from readerterm.safety import clean_line, safe_url

__all__ = ["UNCATEGORIZED", "parse_subscriptions", "to_opml"]

UNCATEGORIZED = "Uncategorized"
_SECTION_MAX = 100
_TITLE_MAX = 200
_MAX_FEEDS = 10_000
_MAX_MESSAGES = 200
_COMMAND_PREFIXES = ("exec:", "filter:", "query:", "|")

Subscription = tuple[str, str, str]
"""(section, url, title); title may be ""."""


class _Collector:
    """Subscriptions in file order, each URL once, with messages about what was left out."""

    def __init__(self) -> None:
        self.subs: list[Subscription] = []
        self.skipped: list[str] = []
        self._urls: set[str] = set()
        self._dropped_messages = 0

    def skip(self, message: str) -> None:
        if len(self.skipped) < _MAX_MESSAGES:
            self.skipped.append(message)
        else:
            self._dropped_messages += 1

    def add(self, section: str, raw_url: str, title: str, where: str) -> None:
        shown = clean_line(raw_url, limit=120)
        stripped = raw_url.strip()
        if stripped.lower().startswith(_COMMAND_PREFIXES):
            self.skip(f"{where}: skipped a command source, not a feed URL: {shown}")
            return
        url = safe_url(stripped)
        if url is None:
            self.skip(f"{where}: skipped, not an http(s) URL: {shown}")
            return
        if url in self._urls:
            self.skip(f"{where}: skipped a duplicate of {shown}")
            return
        if len(self.subs) >= _MAX_FEEDS:
            self.skip(f"{where}: skipped, more than {_MAX_FEEDS} feeds")
            return
        self._urls.add(url)
        self.subs.append((section or UNCATEGORIZED, url, title))

    def result(self) -> tuple[list[Subscription], list[str]]:
        if self._dropped_messages:
            self.skipped.append(f"... and {self._dropped_messages} more skipped")
        return self.subs, self.skipped


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_opml(data: bytes, out: _Collector) -> None:
    root, errors = parse_untrusted(data, deep=True)
    if root is None:
        detail = clean_line(errors[0], limit=200) if errors else "unreadable XML"
        raise ValueError(f"not an OPML file: {detail}")
    if _local(root.tag).lower() != "opml":
        raise ValueError("not an OPML file: no <opml> element")
    too_deep = any("depth" in error.lower() for error in errors)
    if too_deep:
        out.skip("folders nested deeper than 2,048 levels: the feeds inside were not read")
    body = next((child for child in root if _local(child.tag).lower() == "body"), None)
    if body is not None:
        _read_outlines(body, out)
    if errors and not too_deep and not out.subs:  # broken, and nothing could be read
        raise ValueError(f"not an OPML file: {clean_line(errors[0], limit=200)}")


def _read_outlines(body: Any, out: _Collector) -> None:
    """The feeds of an OPML <body>, each in the section of its top-level folder."""
    # (element, section of its top-level folder or "" at the top level)
    stack: list[tuple[Any, str]] = [(child, "") for child in reversed(list(body))]
    while stack:
        element, section = stack.pop()
        if _local(element.tag).lower() != "outline":
            continue
        text = clean_line(element.get("text") or "", limit=_TITLE_MAX)
        title = clean_line(element.get("title") or "", limit=_TITLE_MAX) or text
        xml_url = element.get("xmlUrl", element.get("xmlurl"))
        if xml_url is None and (element.get("type") or "").lower() in ("rss", "atom"):
            xml_url = element.get("url")
        if xml_url is not None:
            if title == clean_line(xml_url, limit=_TITLE_MAX):
                title = ""  # an exported feed without a title carries its URL as text
            name = title or clean_line(xml_url, limit=80)
            where = f"{name!r}"
            if element.get("filtercmd"):
                out.skip(f"{where}: ignored its filter command (readerterm never runs one)")
            out.add(section, xml_url, title, where)
            continue
        folder = section or clean_line(text or title, limit=_SECTION_MAX)
        stack.extend((child, folder) for child in reversed(list(element)))


def _parse_urls(data: bytes, out: _Collector) -> None:
    """newsboat's urls file: `URL [tag ...]`, tags quoted when they hold spaces;
    `"~Title"` sets the title, `"!"` hides a feed; the first other tag is the section.

    Raises ValueError for data that is no such file: empty, binary, or without one line
    that starts with a URL or a newsboat source."""
    if b"\x00" in data:
        raise ValueError("not an OPML file or a newsboat urls file: binary data")
    text = data.decode("utf-8-sig", errors="replace")
    sources = [line.split(None, 1)[0].strip("\"'") for line in text.splitlines()
               if line.strip() and not line.lstrip().startswith("#")]
    if not sources:
        raise ValueError("not an OPML file or a newsboat urls file: no feed in it")
    if not any("://" in word or word.lower().startswith(_COMMAND_PREFIXES) for word in sources):
        raise ValueError("not an OPML file or a newsboat urls file: no line starts with a URL")
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {number}"
        try:
            words = shlex.split(line, comments=True, posix=True)
        except ValueError:
            out.skip(f"{where}: skipped, unbalanced quotes: {clean_line(line, limit=120)}")
            continue
        if not words:
            continue
        url, tags = words[0], words[1:]
        title = ""
        section = ""
        for tag in tags:
            if tag.startswith("~"):
                title = title or clean_line(tag[1:], limit=_TITLE_MAX)
            elif tag.startswith("!") or not tag.strip():
                continue
            elif not section:
                section = clean_line(tag, limit=_SECTION_MAX)
        out.add(section, url, title, where)


def parse_subscriptions(data: bytes) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Read an OPML file or a newsboat `urls` file.

    Returns ([(section, url, title)], skipped): subscriptions in file order, each URL
    once (title "" when the file gives none), and one human-readable message per entry
    left out (command sources, non-http(s) URLs, duplicates) or filter command ignored.
    Raises ValueError when the data is XML but not OPML, or neither OPML nor a urls file
    (empty, binary, no line starting with a URL).
    """
    out = _Collector()
    data = to_utf8(data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        _parse_opml(data, out)
    else:
        _parse_urls(data, out)
    return out.result()


def to_opml(sections: list[tuple[str, list[tuple[str, str]]]], title: str = "readerterm") -> str:
    """OPML 2.0 of `sections`: [(section name, [(feed url, feed title)])].

    Each section becomes a folder outline (text and title); each feed an outline with
    type="rss", xmlUrl, text and title. All values are cleaned of control characters
    (which XML cannot carry) and escaped by the XML writer.
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title) or "readerterm"
    body = ET.SubElement(root, "body")
    for name, feeds in sections:
        folder_name = clean_line(name, limit=_SECTION_MAX) or UNCATEGORIZED
        folder = ET.SubElement(body, "outline", text=folder_name, title=folder_name)
        for url, feed_title in feeds:
            label = clean_line(feed_title, limit=_TITLE_MAX) or clean_line(url, limit=_TITLE_MAX)
            ET.SubElement(folder, "outline", type="rss", text=label, title=label,
                          xmlUrl=clean_line(url, limit=4096))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="unicode") + "\n"
