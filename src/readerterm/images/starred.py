"""Which pictures belong to starred articles: `prune` evicts them last."""

from __future__ import annotations

import json

from readerterm.images.cache import ImageCache, PruneResult
from readerterm.models import Document, Image
from readerterm.store.cache import Store

__all__ = ["prune_keeping_starred", "starred_image_urls"]


def prune_keeping_starred(cache: ImageCache, store: Store) -> PruneResult:
    """`cache.prune()` to its cap, the pictures of `store`'s starred articles last."""
    return cache.prune(keep=starred_image_urls(store))


def starred_image_urls(store: Store) -> list[str]:
    """The picture URLs of every starred article: its page's lead image and figures,
    and the feed's lead image."""
    urls: list[str] = []
    rows = store.conn.execute(
        "SELECT document, lead_image FROM articles WHERE starred = 1").fetchall()
    for document, lead in rows:
        try:
            if document:
                urls.extend(i.src for i in Document.from_dict(json.loads(document)).images)
            if lead:
                urls.append(Image.from_dict(json.loads(lead)).src)
        except (ValueError, TypeError, AttributeError):
            continue  # a row another version wrote oddly: its pictures are not kept first
    return [u for u in dict.fromkeys(urls) if u]
