"""Feed autodiscovery: a web page's `<link rel="alternate">` feeds, and feed sniffing.

`discover_feeds` reads the page with the standard library's HTMLParser (streaming, no
recursion, nothing fetched) and returns absolute http(s) URLs only.
"""

from __future__ import annotations

from html.parser import HTMLParser

from readerterm.safety import safe_url

__all__ = ["FEED_TYPES", "discover_feeds", "looks_like_feed"]

FEED_TYPES = frozenset({
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/x-rss+xml",
    "application/x-atom+xml",
    "text/xml",
    "application/xml",
})
_MAX_HTML = 5_000_000
_MAX_LINKS = 50


class _LinkFinder(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.found: list[str] = []
        self._seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and not self.found:
            href = dict(attrs).get("href")
            base = safe_url(href, self.base_url) if href else None
            if base:
                self.base_url = base
            return
        if tag != "link" or len(self.found) >= _MAX_LINKS:
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" not in rels or kind not in FEED_TYPES:
            return
        url = safe_url(values.get("href"), self.base_url)
        if url and url not in self._seen:
            self._seen.add(url)
            self.found.append(url)


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs a page announces with `<link rel="alternate" type="...">`, in document order.

    Types: RSS, Atom, JSON Feed (`application/feed+json`, `application/json`) and the
    XML types some sites use. Relative links are resolved against `base_url` (or the
    page's `<base href>`); only absolute http(s) URLs come back, each once.
    """
    if isinstance(html, bytes):
        text = html[:_MAX_HTML].decode("utf-8", errors="replace")
    else:
        text = html[:_MAX_HTML]
    finder = _LinkFinder(base_url)
    try:
        finder.feed(text)
        finder.close()
    except (ValueError, AssertionError):  # HTMLParser on broken markup; keep what we found
        pass
    return finder.found


def looks_like_feed(body: bytes, content_type: str) -> bool:
    """Whether a response is worth handing to `parse_feed` rather than to autodiscovery.

    The Content-Type is a hint only: a feed served as text/html or text/plain is sniffed
    by its first bytes (<rss, <feed, <rdf:RDF, or a JSON Feed's "version").
    """
    kind = content_type.split(";")[0].strip().lower()
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM
        head = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        sample = body[:1_000_000]
        return b"jsonfeed.org" in sample or b'"items"' in sample or kind in (
            "application/feed+json", "application/json")
    if head.startswith((b"<!doctype html", b"<html")):
        return False
    if any(marker in head for marker in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")):
        return True
    return kind in FEED_TYPES and kind != "application/json" and head.startswith(b"<")
