"""An article's related links as the reader lists them: once each, with the cached
article's id and the publication's name."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from readerterm.models import RelatedLink
from readerterm.store.cache import Store
from readerterm.subscriptions import OPENED_FEED


def _site(url: str | None) -> str:
    """Scheme, host and port of `url` ("" when it has none)."""
    try:
        parts = urlsplit(url or "")
        return f"{parts.scheme}://{parts.netloc.lower()}" if parts.netloc else ""
    except ValueError:
        return ""


def resolve_related(store: Store, links: list[RelatedLink], own_url: str | None,
                    own_feed: str = "") -> list[RelatedLink]:
    """Links once each, with the cached article's id when there is one, and the
    publication's name: the feed of the cached article; else, for a link on this
    article's site, `own_feed` (its feed's title, or the page's og:site_name when it
    has no subscribed feed); the widget falls back to the host."""
    seen: set[str] = set()
    unique: list[RelatedLink] = []
    for link in links:
        if not link.url or link.url in seen or link.url == own_url:
            continue
        seen.add(link.url)
        unique.append(link)
    found = store.feeds_for_urls(link.url for link in unique)
    own_site = _site(own_url)
    out = []
    for link in unique:
        article_id, source, feed_url = found.get(link.url, (None, "", ""))
        if feed_url == OPENED_FEED:
            source = ""  # opened from a link earlier: "Opened links" is no publication
        if not source and own_site and _site(link.url) == own_site:
            source = own_feed
        out.append(replace(link, article_id=article_id, source=source))
    return out
