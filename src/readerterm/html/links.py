"""The links inside an article's text: what a podcast's show notes or a post's sources
point to. The reader's blocks keep only text, so these are read apart, in order."""

from __future__ import annotations

import json
from typing import Any

from readerterm.html.tree import parse_fragment
from readerterm.models import Enclosure, TextLink
from readerterm.safety import clean_line, safe_url

__all__ = ["MAX_LINKS", "enclosures_from_json", "text_links"]

MAX_LINKS = 200


def text_links(html: str, base_url: str | None = None) -> list[TextLink]:
    """Every safe http(s) link of an HTML fragment, in document order, each URL once
    (with the text of its first anchor; the URL itself when that has none)."""
    if not html or "<a" not in html.lower():
        return []
    root = parse_fragment(html)
    if root is None:
        return []
    out: list[TextLink] = []
    seen: set[str] = set()
    for anchor in root.iter("a"):  # iter() walks without recursion: deep markup is fine
        url = safe_url(anchor.get("href"), base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        out.append(TextLink(clean_line("".join(anchor.itertext()), 300) or url, url))
        if len(out) >= MAX_LINKS:
            break
    return out


def enclosures_from_json(stored: str | None) -> list[Enclosure]:
    """The enclosures as the cache keeps them (a JSON list of {url, type, length})."""
    try:
        data: Any = json.loads(stored) if stored else []
    except ValueError:
        return []
    out: list[Enclosure] = []
    for item in data if isinstance(data, list) else []:
        url = safe_url(item.get("url")) if isinstance(item, dict) else None
        if url is None:
            continue
        length = item.get("length")
        out.append(Enclosure(url, clean_line(str(item.get("type") or ""), 100),
                             length if isinstance(length, int) and length > 0 else 0))
    return out
