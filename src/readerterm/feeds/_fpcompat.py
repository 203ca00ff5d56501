"""feedparser's readings of text, links, authors and charsets, copied for the fast path.

`fastparse` gives the `ParsedFeed` the feedparser path gives; these are the few places
where that means doing what feedparser does (feedparser 6.0), rather than what lxml
gives: each function names the behaviour it copies.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from collections.abc import Mapping

from readerterm.safety import plain_url

__all__ = ["LINK_ENTITY", "author_name", "fp_text", "looks_like_html", "urljoin", "utf8_only"]

# feedparser maps C1 controls to their cp1252 characters in every text it outputs.
_CP1252 = {i: bytes([i]).decode("cp1252") for i in range(128, 160)
           if i not in (129, 141, 143, 144, 157)}

_URIFIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"""
    r"""([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def fp_text(value: str | None) -> str:
    """A text as feedparser outputs it: stripped, UTF-8-as-Latin-1 repaired, C1 -> cp1252."""
    if not value:
        return ""
    value = value.strip()
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_CP1252)


def urljoin(base: str, uri: str) -> str:
    """feedparser's `_urljoin`: slashes after the scheme dropped, "" when urljoin fails."""
    if plain_url(uri, base):
        return uri  # (most links: absolute already, nothing for urljoin to change)
    uri = _URIFIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def looks_like_html(text: str) -> bool:
    """feedparser's test for HTML in a text element (an end tag or an entity)."""
    return bool(re.search(r"</(\w+)>", text) or re.search(r"&#?\w+;", text))


def author_name(raw: str) -> str:
    """feedparser's reading of an RSS author ("mail@example.com (Name)")."""
    match = _EMAIL.search(raw)
    if not match:
        return raw
    author = raw.replace(match.group(0), "").replace("()", "").replace("<>", "")
    author = author.replace("&lt;&gt;", "").strip()
    if author and author[0] == "(":
        author = author[1:]
    if author and author[-1] == ")":
        author = author[:-1]
    return author.strip() or match.group(0)


def utf8_only(body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether feedparser would read `body` as UTF-8 (by BOM, XML declaration and HTTP
    charset; `headers` with lower-case names)."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:4] == b"\x00\x00\xfe\xff":
        return False
    head = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    if not head.startswith((b"<?xml", b"<rss", b"<feed")):
        return False  # leading blank lines, comments, HTML: feedparser's business
    declared = _XML_ENCODING.match(head[:200])
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    ctype = headers.get("content-type", "").lower()
    charset = _CHARSET.search(ctype)
    if charset:
        return charset.group(1) in ("utf-8", "utf8")
    if ctype.startswith("text/"):
        return body.isascii()  # RFC 3023: text/xml without a charset is US-ASCII
    return True
