"""Media RSS: each entry's images with their captions and credits.

feedparser flattens media:content, media:description and media:credit into one bag per
entry, losing which caption and credit belong to which image, and files a
media:description that follows <description> as the entry's content. `scan_media` reads
them in their structure with lxml (the DOCTYPE cut out, no network); `feedparser_media`
reads feedparser's flattened fields, for entries the scan did not find. The entry builder
(`entry.py`) chooses the lead image and drops captions from the story candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from readerterm.feeds._xml import parse_untrusted

__all__ = ["MRSS", "Media", "feedparser_media", "scan_media", "to_int", "unique"]

MRSS = "http://search.yahoo.com/mrss/"
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.I)
_MAX_ITEMS = 1000  # entries scanned, as many as the parsers keep (entry.MAX_ENTRIES)

ImageRef = tuple[str, int, str, str]
"""(url, width, caption, credit) of one Media RSS image."""


@dataclass
class Media:
    """What Media RSS says about one entry: images with caption and credit."""

    images: list[ImageRef] = field(default_factory=list)
    thumbnails: list[ImageRef] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def to_int(value: Any) -> int:
    """A non-negative integer attribute (a width, a length); 0 when it is not one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number < 2**62 else 0


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The non-empty values, each once, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return tuple(out)


def _is_image(url: str, medium: str, mime: str) -> bool:
    return medium == "image" or mime.startswith("image/") or (
        not medium and not mime and _IMAGE_EXT.search(url) is not None)


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def scan_media(body: bytes) -> dict[str, Media]:
    """Media RSS elements per entry, keyed by the entry's guid/id and by its link."""
    if MRSS.encode() not in body:
        return {}
    try:
        root, _errors = parse_untrusted(body)
    except Exception:  # lxml raises several kinds on hostile input; media is optional
        return {}
    if root is None:
        return {}
    out: dict[str, Media] = {}
    count = 0
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        count += 1
        if count > _MAX_ITEMS:
            break
        media = Media()
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


def _caption_credit(el: Any, caption: str, credit: str) -> tuple[str, str]:
    """The first media:description and media:credit among `el`'s children, where
    `caption` and `credit` are still empty."""
    for sub in el:
        if sub.tag == f"{{{MRSS}}}description" and not caption:
            caption = _text(sub)
        elif sub.tag == f"{{{MRSS}}}credit" and not credit:
            credit = _text(sub)
    return caption, credit


def _collect_media(item: Any, media: Media) -> None:
    """Fill `media` from the media:* descendants of one item (iteratively)."""
    item_caption, item_credit = _caption_credit(item, "", "")
    for el in item.iter(f"{{{MRSS}}}content", f"{{{MRSS}}}thumbnail",
                        f"{{{MRSS}}}description"):
        name = _local(el.tag)
        if name == "description":
            media.descriptions.append(_text(el))
            continue
        url = el.get("url")
        if not url:
            continue
        caption, credit = _caption_credit(el, "", "")
        parent = el.getparent()
        if parent is not None and _local(parent.tag) == "group":
            caption, credit = _caption_credit(parent, caption, credit)
        caption = caption or item_caption
        credit = credit or item_credit
        entry = (url.strip(), to_int(el.get("width")), caption, credit)
        if name == "thumbnail":
            media.thumbnails.append(entry)
        else:
            medium = (el.get("medium") or "").lower()
            mime = (el.get("type") or "").lower()
            if _is_image(url, medium, mime) or (not medium and not mime and "guim.co.uk" in url):
                media.images.append(entry)


def feedparser_media(entry: Any) -> Media:
    """The same information from feedparser's flattened fields (no lxml structure)."""
    media = Media()
    credits = entry.get("media_credit")
    credit = ""
    if isinstance(credits, list):
        credit = ", ".join(unique(str(c.get("content") or "").strip() for c in credits
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
            if key == "media_content" and not _is_image(url, medium, mime):
                continue
            target.append((url, to_int(value.get("width")), "", credit))
    return media
