"""Page HTML -> an article `Document`: body blocks, figures with captions, related links.

    from readerterm.extract import extract_document, is_full_story
    doc = extract_document(html_bytes_or_text, url="https://example.com/story")

Pure and headless: no network, no database, no UI. `extract_document` never raises: a
page that is not HTML, or where no article is found, gives a `Document` with no blocks
(check `doc.blocks`). See docs/extraction.md for the method and its measured quality.
"""

from __future__ import annotations

import unicodedata

from readerterm.extract._body import extract_body
from readerterm.extract._decode import decode_html, strip_xml_declaration
from readerterm.extract._ensemble import checked
from readerterm.extract._meta import page_url, read_meta
from readerterm.extract._prepare import norm
from readerterm.extract._related import find_related
from readerterm.html import html_digest
from readerterm.html.rules import FULL_STORY_WORDS
from readerterm.html.tree import parse_html
from readerterm.models import Document

__all__ = ["FULL_STORY_WORDS", "decode_html", "extract_document", "is_full_story"]


def extract_document(html: str | bytes, url: str | None = None) -> Document:
    """The article in a page.

    `html` is the page as text, or as bytes (decoded by `decode_html`). `url` is the
    page's address: relative links and image sources are resolved against it, and links
    to it are not listed as related; without it, the address the page gives for itself
    (`<base href>`, canonical link, `og:url`) is used.
    Never raises; returns an empty `Document` when there is nothing to extract.
    """
    try:
        return _extract(html, url)
    except Exception:  # the promise is "never raises": lxml and readability raise many kinds
        return Document()


def _extract(html: str | bytes, url: str | None) -> Document:
    text = decode_html(html) if isinstance(html, bytes) else html
    # One form for every character (pages mix "য়" as one code point and as two), so the
    # text compares, searches and deduplicates as it reads.
    text = unicodedata.normalize("NFC", text)
    root = parse_html(strip_xml_declaration(text))
    if root is None:
        return Document()
    # A page saved without its address still names it, and its relative links need it.
    url = url or page_url(root)
    meta = read_meta(root, url)
    related = find_related(root, url)
    titles = [norm(r.title) for r in related]
    labels = (meta.section, meta.byline)
    body = extract_body(root, url, meta.title, titles, labels)
    blocks = checked(root, url, body, meta.title, titles, labels)
    lead = meta.lead_image
    if lead is not None:
        for block in blocks:
            if block.kind == "figure" and block.image and block.image.src == lead.src:
                lead = block.image
                break
    return Document(title=meta.title, byline=meta.byline, section=meta.section,
                    site_name=meta.site_name, lead_image=lead, blocks=tuple(blocks),
                    related=tuple(related))


def is_full_story(html_fragment: str, min_words: int = FULL_STORY_WORDS) -> bool:
    """Whether a feed entry's content already is the whole story, so the page need not be
    fetched: at least `min_words` words of body text (captions excluded) in two or more
    paragraphs, and no "read more"/"continue reading" stub at its end (the rule is
    `html.rules.is_full_story_text`; the refresh applies it to every entry)."""
    return html_digest(html_fragment or "").full_story(min_words)
