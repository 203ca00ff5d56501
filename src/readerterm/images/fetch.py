"""Fetching articles' pictures into the image cache, under the bounds of every fetch.

Each picture is one request through `net.Fetcher` (the same deadline, redirect checks
and refusal of non-http(s) URLs as feeds and pages), with a byte cap of 5 MB. A picture
already cached is not fetched again; a URL refused in the last day (a 404, HTML served as
a JPEG) neither. Nothing here raises for the network or for hostile bytes: the answer is
whether the picture is cached afterwards.

    async with Fetcher(...) as fetcher:                  # in a coroutine (the refresh)
        await fetch_images(fetcher, urls, cache)
    ensure_image(url, cache, settings)                   # blocking, from a thread worker
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable

from readerterm.config import Settings
from readerterm.images.cache import MAX_BYTES, ImageCache
from readerterm.models import Document
from readerterm.net import Fetcher
from readerterm.safety import safe_url

__all__ = ["IMAGE_ACCEPT", "ensure_document_images", "ensure_image", "ensure_images",
           "fetch_image", "fetch_images"]

IMAGE_ACCEPT = "image/webp,image/png,image/jpeg,image/gif;q=0.9,image/*;q=0.8,*/*;q=0.5"


async def fetch_image(fetcher: Fetcher, url: str, cache: ImageCache) -> bool:
    """Fetch and keep the picture at `url` unless it is cached (or was refused in the
    last day). True when it is cached afterwards. Never raises for the network or the
    bytes."""
    checked = safe_url(url)
    if checked is None:
        return False
    try:
        if await asyncio.to_thread(cache.has, url):
            await asyncio.to_thread(cache.touch, url)
            return True
        if await asyncio.to_thread(cache.refused, url):
            return False
        result = await fetcher.fetch(checked, accept=IMAGE_ACCEPT, max_bytes=MAX_BYTES)
        if not result.ok:
            error = result.error or "failed"
            if 400 <= result.status < 500 or "cap" in error or "larger than" in error:
                await asyncio.to_thread(cache.refuse, url, error)
            return False
        return await asyncio.to_thread(cache.put, url, result.body,
                                       result.headers.get("content-type"))
    except (OSError, sqlite3.Error):  # a full or read-only cache folder: no picture
        return False


async def fetch_images(fetcher: Fetcher, urls: Iterable[str], cache: ImageCache,
                       limit: asyncio.Semaphore | int = 4) -> dict[str, bool]:
    """`fetch_image` for each of `urls` (once each), at most `limit` at a time (a number,
    or a semaphore shared with other callers). Returns url -> cached afterwards."""
    gate = asyncio.Semaphore(limit) if isinstance(limit, int) else limit
    wanted = [u for u in dict.fromkeys(urls) if u]

    async def one(url: str) -> bool:
        async with gate:
            return await fetch_image(fetcher, url, cache)

    done = await asyncio.gather(*(one(u) for u in wanted))
    return dict(zip(wanted, done, strict=True))


def _fetcher(settings: Settings) -> Fetcher:
    limits = settings.fetch
    return Fetcher(max_in_flight=limits.max_in_flight, per_host=limits.per_host,
                   max_bytes=min(limits.max_bytes, MAX_BYTES), deadline=limits.deadline)


def _cached(cache: ImageCache, urls: list[str]) -> set[str]:
    try:
        return cache.cached(urls)
    except (OSError, sqlite3.Error):  # a full or read-only cache folder: none cached
        return set()


def ensure_images(urls: Iterable[str], cache: ImageCache,
                  settings: Settings | None = None) -> dict[str, bool]:
    """Blocking: fetch the pictures of `urls` not yet cached, with the limits of
    `settings` (config.toml's [fetch]; defaults when None) and `[images] concurrency`;
    with `[images] fetch` off, only what is already cached (no request).
    Returns url -> cached afterwards. Call it from a thread (a thread worker), not from
    a running event loop; offline, cached pictures are True at once."""
    settings = settings or Settings()
    wanted = [u for u in dict.fromkeys(urls) if u]
    have = _cached(cache, wanted)
    missing = [u for u in wanted if u not in have]
    out = {u: u not in missing for u in wanted}
    if not missing or not settings.images.fetch:
        return out

    async def run() -> dict[str, bool]:
        async with _fetcher(settings) as fetcher:
            return await fetch_images(fetcher, missing, cache, settings.images.concurrency)

    out.update(asyncio.run(run()))
    return out


def ensure_image(url: str, cache: ImageCache, settings: Settings | None = None) -> bool:
    """Blocking: the picture at `url` is cached afterwards (fetched if it was not and
    `[images] fetch` is on). See `ensure_images`."""
    return ensure_images([url], cache, settings).get(url, False)


def ensure_document_images(doc: Document, cache: ImageCache,
                           settings: Settings | None = None) -> dict[str, bool]:
    """Blocking, for an opened article: its lead image and figures (`doc.images`),
    as `ensure_images`. Returns src -> cached."""
    return ensure_images([image.src for image in doc.images if image.src], cache, settings)
