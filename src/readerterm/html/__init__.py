"""HTML (a feed entry's content, or an extracted article) -> blocks and text.

    from readerterm.html import html_to_blocks, html_digest
    blocks = html_to_blocks(fragment, base_url)   # what the reader shows
    digest = html_digest(fragment, base_url)      # what a refresh stores and decides

One set of rules (`rules`), one parse (`tree`), one walk (`walk`): every entry point
below parses with lxml and goes through the same walk. Scripts, styles, templates,
forms and embedded frames are dropped; figures keep their caption and credit apart from
the body text; all text goes through `safety`.
"""

from __future__ import annotations

import re
from typing import Any

from readerterm.html.rules import PARAGRAPH_MAX, is_full_story_text
from readerterm.html.tree import dissolve_inline, parse_fragment
from readerterm.html.walk import HtmlDigest, Walk, line
from readerterm.models import Block

__all__ = ["HtmlDigest", "cached_digest", "clear_cache", "html_digest", "html_to_blocks",
           "html_to_text", "is_full_story_text", "tree_to_blocks"]

_BLANK_LINE = re.compile(r"\n\s*\n")


def _walk(html: str, base_url: str | None) -> Walk:
    walk = Walk(base_url)
    if "<" not in html:
        # Plain text: paragraphs are separated by blank lines.
        walk.out = [("paragraph", text, 0) for text in (
            line(part, PARAGRAPH_MAX) for part in _BLANK_LINE.split(html)) if text]
        return walk
    root = parse_fragment(html)
    if root is None:
        return walk
    dissolve_inline(root)  # our own tree: the walk may change it
    return walk.run(root)


def html_to_blocks(html: str, base_url: str | None = None) -> list[Block]:
    """The blocks of an HTML fragment or page, in document order."""
    return _walk(html, base_url).blocks() if html else []


def tree_to_blocks(element: Any, base_url: str | None = None) -> list[Block]:
    """The blocks of a parsed element (an lxml element, its tail text included), read as
    `html_to_blocks` reads markup."""
    return Walk(base_url).run(element, with_tail=True).blocks()


def html_digest(html: str, base_url: str | None = None) -> HtmlDigest:
    """What a refresh reads of an HTML fragment: its text, the paragraphs the full-story
    rule counts and its first figure with a source (see `walk.HtmlDigest`)."""
    return _walk(html, base_url).digest() if html else HtmlDigest()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by blank lines, no captions."""
    return html_digest(html).text


_MEMO: dict[tuple[str, str | None], HtmlDigest] = {}
_MEMO_MAX = 512


def cached_digest(html: str, base_url: str | None = None) -> HtmlDigest:
    """`html_digest`, remembered until `clear_cache` (or 512 fragments): the parser and
    the refresh ask about the same fragments."""
    key = (html, base_url)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        found = _MEMO[key] = html_digest(html, base_url)
    return found


def clear_cache() -> None:
    """Forget the fragments `cached_digest` remembers."""
    _MEMO.clear()
