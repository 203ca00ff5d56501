"""Where the reader's pictures come from: the image cache (readerterm.images), fetched
when missing, scaled to a box, on two threads of their own so that the pictures of a
long article neither hold up the database thread nor take both cores.

Fetching goes through `ensure_image`, under the same bounds as every fetch; offline it
fails at once and the cached pictures are still drawn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

    from readerterm.library import Library


class PictureCache(Protocol):
    """What the reader uses of readerterm.images.ImageCache."""

    def has(self, url: str) -> bool: ...

    def thumbnail(self, url: str, max_width_px: int,
                  max_height_px: int) -> PILImage | None: ...


class PictureSource:
    """Pictures by URL, scaled to fit a box of pixels; None when there is none to draw
    (not cached and not fetched, refused, SVG, not a picture)."""

    def __init__(self, cache: PictureCache, fetch: Callable[[str], bool]) -> None:
        self.cache = cache
        self.fetch = fetch
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pictures")

    @classmethod
    def for_library(cls, lib: Library) -> PictureSource:
        """The library's image cache (the one refresh fills), fetching with its settings;
        `[images] fetch = false` draws only what is cached."""
        from readerterm.images.fetch import ensure_image

        def fetch(url: str) -> bool:
            return ensure_image(url, lib.images, lib.settings)

        return cls(lib.images, fetch)

    def _picture(self, url: str, width: int, height: int) -> PILImage | None:
        if not url:
            return None
        if not self.cache.has(url) and not self.fetch(url):
            return None
        return self.cache.thumbnail(url, width, height)

    async def picture(self, url: str, width: int, height: int) -> PILImage | None:
        """The picture at `url` at most `width` x `height` pixels, from a thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self._picture, url, width, height)

    def close(self) -> None:
        """Drop what is waiting; a fetch under way ends within its deadline."""
        self.pool.shutdown(wait=False, cancel_futures=True)
