"""The one place where a feed entry becomes a `ParsedEntry`, whatever the format.

Each reader (feedparser's path in `parse.py`, the lxml fast path in `fastparse.py`,
JSON Feed in `jsonfeed.py`) only collects an entry's fields as the format gives them, in
a `RawEntry`; `build_entry` applies our rules to all of them alike, and `feed_of` makes
the `ParsedFeed`, dropping repeated guids:

- guid: the feed's id, else the link, else "sha1:" + sha1(title + date); an id over
  1,024 characters becomes "sha1:" + its hash. Within one body the first entry with a
  guid wins, unless a later one links somewhere else (`dedupe`).
- title: the entry title (HTML titles: tags dropped, entities decoded once); else the
  first 100 characters of its text; else "(untitled)".
- content_html is the best story available: the longest text that is not a photo
  caption, which can be the summary itself (JSON Feed: its content, else its summary).
- links through `safe_url`; related links and the first alternate link from `links`.
- dates clamped to 1970 .. now + 2 days (`safety.clamp_date`), else None.
- lead_image: the widest Media RSS image (else thumbnail, else an image enclosure) with
  its caption and credit; else the first figure of the content.

Text measured from HTML (stories, titles made from text, captions, the lead figure)
comes from `readerterm.html.cached_digest`, the refresh's one walk of each fragment.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from readerterm.feeds._entities import tagless_html, undouble_html, undouble_text
from readerterm.feeds.media import ImageRef, Media, to_int, unique
from readerterm.html import cached_digest
from readerterm.models import Enclosure, Image, ParsedEntry, ParsedFeed, RelatedLink
from readerterm.safety import TEXT_MAX, clamp_date, clean_line, safe_url, strip_controls

__all__ = ["MAX_ENTRIES", "NAME_MAX", "UNTITLED", "NotAFeed", "RawEntry", "build_entry",
           "clean_html", "feed_of", "host", "html_line", "text_of"]

MAX_ENTRIES = 1000
"""Entries kept from one body; the rest are ignored (SECURITY.md rule 9)."""

UNTITLED = "(untitled)"
NAME_MAX = 200
_CATEGORY_MAX = 100
_CAPTION_MAX = 2000
_CREDIT_MAX = 300
_GUID_MAX = 1024
_MAX_CATEGORIES = 50
_MAX_CONTENTS = 10
_MAX_ENCLOSURES = 50
_MAX_RELATED = 50
_NO_MEDIA = Media()
_NO_CAPTIONS: frozenset[str] = frozenset()


class NotAFeed(ValueError):
    """The body is not a feed: empty, an HTML page, or nothing a feed parser recognises."""


@dataclass(slots=True)
class RawEntry:
    """One entry's fields as its format gives them, before any of our rules."""

    guid: str = ""
    title: str = ""
    title_html: bool = False
    """The title is HTML (tags are dropped, entities decoded once)."""
    link: str = ""
    links: Sequence[tuple[Any, str, str]] = ()
    """(rel, href, title) of each link: rel "related" ones become related links, the
    first None/"alternate" one the link when `link` is not a safe URL."""
    author: str = ""
    date: datetime | None = None
    date_raw: str = ""
    summary: str = ""
    contents: Sequence[str] = ()
    content_first: bool = False
    """The story is the first content, else the summary (JSON Feed), rather than the
    longest of them."""
    categories: Sequence[str] = ()
    enclosures: Sequence[tuple[str, str, Any]] = ()
    """(url, type, length) of each enclosure."""
    media: Media | None = None
    """Media RSS as read in its structure (`media.scan_media`), or any images the format
    names for the entry (JSON Feed's image)."""
    fp_media: Media | None = None
    """Media RSS as feedparser flattened it: images, and credits for a lead without one."""
    lead_from_figure: bool = False
    """Replace the lead image by the content's first figure when it shows the same image
    (JSON Feed: the content repeats the image with its caption)."""


# -- text ------------------------------------------------------------------------------


def clean_html(value: Any) -> str:
    """HTML from a feed, control characters removed and size capped (not sanitised
    here), entities escaped twice escaped once, a fragment of text with entities made
    paragraphs (`_entities`)."""
    if not isinstance(value, str) or not value:
        return ""
    return tagless_html(undouble_html(strip_controls(value[:TEXT_MAX])))


def text_of(html_text: str, base: str | None = None) -> str:
    """Plain text of an HTML fragment on one line, captions left out (for measuring and
    comparing)."""
    return cached_digest(html_text, base).flat


def html_line(raw: str) -> str:
    """A title given as HTML -> one line of text (tags dropped, entities decoded once)."""
    return clean_line(text_of(raw) if "<" in raw else html.unescape(raw))


def host(url: str | None) -> str:
    """The host name of `url` ("" when there is none)."""
    if not url:
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _hash_guid(title: str, date: str) -> str:
    return "sha1:" + hashlib.sha1(f"{title}\n{date}".encode("utf-8", "replace")).hexdigest()


def _clean_guid(value: str) -> str:
    text = strip_controls(value).strip()
    if len(text) > _GUID_MAX:
        return "sha1:" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()
    return text


# -- the builder -----------------------------------------------------------------------


def build_entry(raw: RawEntry, base: str | None, now: datetime | None, feed_author: str = "",
                *, links_resolved: bool = False) -> ParsedEntry:
    """`raw` with our rules applied (see the module's docstring).

    `base` resolves relative links (the feed's URL); `links_resolved` says that `link` and
    the hrefs of `links` are absolute already (resolved as feedparser does), so that they
    are only checked. `feed_author` is the author of entries that name none.
    """
    link_base = None if links_resolved else base
    link = safe_url(raw.link, link_base)
    related: list[RelatedLink] = []
    for rel, href_raw, title in raw.links:
        if len(related) >= _MAX_RELATED or (rel != "related" and (
                link is not None or rel not in (None, "alternate"))):
            continue  # (safe_url is not cheap: only for links that are used)
        href = safe_url(href_raw, link_base)
        if rel == "related" and href:
            related.append(RelatedLink(title=clean_line(title) or host(href), url=href))
        elif link is None and href:
            link = href

    summary = clean_html(raw.summary)
    contents = [c for c in (clean_html(v) for v in raw.contents[:_MAX_CONTENTS]) if c]
    captions = _captions(raw.media) if raw.media is not None else _NO_CAPTIONS
    if raw.content_first:
        summary_html, content_html = summary, (contents[0] if contents else summary)
    else:
        summary_html, content_html = _choose_story(summary, contents, captions, base)
    story_text = text_of(content_html, base) if content_html else ""

    title = (html_line(undouble_html(raw.title)) if raw.title_html and raw.title
             else clean_line(undouble_text(raw.title)))
    guid = _clean_guid(raw.guid) or (link or "") or _hash_guid(title, raw.date_raw)
    if not title:
        title = clean_line(story_text, limit=100) or UNTITLED
    categories = [clean_line(c, limit=_CATEGORY_MAX)
                  for c in raw.categories[: _MAX_CATEGORIES * 2]]
    enclosures: list[Enclosure] = []
    for href_raw, kind, length in raw.enclosures[:_MAX_ENCLOSURES]:
        url = safe_url(href_raw, base)
        if url and all(e.url != url for e in enclosures):
            enclosures.append(Enclosure(url=url, type=clean_line(kind, limit=100),
                                        length=to_int(length)))
    lead = _lead_image(raw, enclosures, content_html, base, story_text)
    if raw.lead_from_figure and lead is not None and content_html:
        figure = cached_digest(content_html, base).figure
        if figure is not None and figure.src == lead.src:
            lead = figure
    return ParsedEntry(
        guid=guid, title=title, link=link,
        author=clean_line(raw.author, limit=NAME_MAX) or feed_author,
        published=clamp_date(raw.date, now),
        categories=unique(categories)[:_MAX_CATEGORIES],
        summary_html=summary_html, content_html=content_html,
        enclosures=tuple(enclosures), lead_image=lead, related=tuple(related),
    )


def _captions(media: Media) -> set[str]:
    """The texts of an entry's photo captions (a story is never one of them)."""
    captions = {" ".join(text_of(d).split()) for d in media.descriptions if d.strip()}
    captions |= {" ".join(text_of(c[2]).split()) for c in media.images + media.thumbnails
                 if c[2].strip()}
    captions.discard("")
    return captions


def _choose_story(summary: str, contents: list[str], captions: AbstractSet[str],
                  base: str | None) -> tuple[str, str]:
    """(summary_html, content_html): the longest text that is not a photo caption."""
    measured = [(v, text_of(v, base)) for v in [summary, *contents] if v]
    if not measured:
        return "", ""
    stories = [(h, t) for h, t in measured if t and t not in captions] or measured
    content_html = max(stories, key=lambda pair: len(pair[1]))[0]
    if summary and captions and text_of(summary, base) in captions:
        return "", content_html
    return summary, content_html


def _image_from(candidates: list[ImageRef], base: str | None) -> Image | None:
    """The widest of the candidates with a safe URL (the first among equals)."""
    best: Image | None = None
    best_width = -1
    for url, width, caption, credit in candidates:
        src = safe_url(url, base)
        if not src:
            continue
        if width > best_width:
            best_width = width
            best = Image(src=src, caption=clean_line(text_of(caption) if "<" in caption
                                                     else caption, limit=_CAPTION_MAX),
                         credit=clean_line(credit, limit=_CREDIT_MAX))
    return best


def _lead_image(raw: RawEntry, enclosures: list[Enclosure], content_html: str,
                base: str | None, story_text: str) -> Image | None:
    media, fp_media = raw.media or _NO_MEDIA, raw.fp_media or _NO_MEDIA
    image = None
    if raw.media is not None or raw.fp_media is not None:
        image = (_image_from(media.images, base) or _image_from(media.thumbnails, base)
                 or _image_from(fp_media.images, base) or _image_from(fp_media.thumbnails, base))
    if image is None:
        for enc in enclosures:
            if enc.type.lower().startswith("image/"):
                image = Image(src=enc.url)
                break
    if image is not None:
        # A media:description that is the story itself (YouTube) is no caption.
        if image.caption and " ".join(image.caption.split()) == story_text:
            image = replace(image, caption="")
        if not image.credit and fp_media.images + fp_media.thumbnails:
            credit = next((c[3] for c in fp_media.images + fp_media.thumbnails if c[3]), "")
            if credit:
                image = replace(image, credit=clean_line(credit, limit=_CREDIT_MAX))
        return image
    return cached_digest(content_html, base).figure if content_html else None


# -- the feed --------------------------------------------------------------------------


def dedupe(entry: ParsedEntry, seen: dict[str, str | None]) -> ParsedEntry | None:
    """The entry with a guid not yet `seen` in this body, or None to drop it.

    `seen` maps each guid kept so far to its link. An entry repeating an earlier guid
    is the same article (the first one is kept) unless it links somewhere else:
    publishers do reuse one id for several articles, so it gets the guid
    "<guid> <link>" instead of being lost.
    """
    if entry.guid not in seen:
        seen[entry.guid] = entry.link
        return entry
    if entry.link and entry.link != seen[entry.guid]:
        guid = f"{entry.guid} {entry.link}"
        if guid not in seen:
            seen[guid] = entry.link
            return replace(entry, guid=guid)
    return None


def feed_of(title: str, link: str | None, kind: str, url: str | None,
            entries: Iterable[ParsedEntry]) -> ParsedFeed:
    """The feed: its title (else its link's host, else the feed URL's) and its entries,
    the first `MAX_ENTRIES`, repeated guids dropped (`dedupe`)."""
    kept: list[ParsedEntry] = []
    seen: dict[str, str | None] = {}
    for count, entry in enumerate(entries):
        if count >= MAX_ENTRIES:
            break
        item = dedupe(entry, seen)
        if item is not None:
            kept.append(item)
    return ParsedFeed(title=title or host(link) or host(url), link=link, kind=kind,
                      entries=tuple(kept))
