"""Articles' pictures: fetched with their pages, checked, kept on disk for offline
reading, scaled once per size for the reader (cache.py, fetch.py, decode.py).

Nothing here imports Pillow until a picture is looked at, and nothing imports textual:
the reader draws the pictures `ImageCache.thumbnail` gives it.
"""

from __future__ import annotations

from readerterm.images.cache import MAX_BYTES, ImageCache, PruneResult, image_cache_for

__all__ = ["MAX_BYTES", "ImageCache", "PruneResult", "image_cache_for"]
