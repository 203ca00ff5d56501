"""Entities escaped twice: `&amp;#8217;` in a feed's HTML, `&#8217;` in its plain text.

Some publishers escape their text twice, so after the one decoding the format calls for
the reader would show `This week&#8217;s` or `you&#039;ll`. What is left is decoded once
more, never again: `&amp;amp;#8217;` shows as `&#8217;`. `&lt;` and `&gt;` left
over are kept as they are: a page about HTML writes them on purpose.
"""

from __future__ import annotations

import html
import re
from html.entities import html5

__all__ = ["tagless_html", "undouble_html", "undouble_text"]

_KEPT = frozenset({"lt", "gt"})
_LEFT_IN_HTML = re.compile(r"&amp;(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLANK_LINE = re.compile(r"\n\s*\n")
_LEFT_IN_TEXT = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _known(name: str) -> bool:
    return name.startswith("#") or (name.lower() not in _KEPT and f"{name};" in html5)


def undouble_html(fragment: str) -> str:
    """`fragment` (HTML) with each entity escaped twice (`&amp;#8217;`) escaped once."""
    if "&amp;" not in fragment:
        return fragment
    return _LEFT_IN_HTML.sub(
        lambda m: f"&{m.group(1)};" if _known(m.group(1)) else m.group(0), fragment)


def undouble_text(text: str) -> str:
    """Plain `text` with each entity left in it (`&#8217;`) decoded, once."""
    if "&" not in text:
        return text
    return _LEFT_IN_TEXT.sub(
        lambda m: html.unescape(m.group(0)) if _known(m.group(1)) else m.group(0), text)


def tagless_html(fragment: str) -> str:
    """A feed's HTML with no tag but with entities ("you&#039;ll"), as paragraphs that
    say it is HTML: the HTML walk reads a fragment without tags as plain text, which
    would show its entities raw. Other fragments are returned as they are."""
    if "<" in fragment or not _ENTITY.search(fragment):
        return fragment
    return "".join(f"<p>{part}</p>" for part in _BLANK_LINE.split(fragment) if part.strip())
