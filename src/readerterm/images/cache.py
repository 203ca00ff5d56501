"""Articles' pictures on disk, for offline reading.

    root/index.sqlite3            which URL is which picture, sizes, last use (index.py)
    root/originals/ab/abcdef...   each picture once, named by the SHA-256 of its bytes
    root/thumbs/ab/abcdef...-WxH.webp   scaled copies, made once per size and kept

A picture is checked before it is kept (decode.inspect: at most 5 MB, a real JPEG, PNG,
GIF, WebP, BMP or AVIF by its bytes, not SVG, not a bomb, not a tracking pixel, and
decodable). `thumbnail` scales it down once per size and keeps the copy. `prune` evicts
the least recently used pictures, with their copies, until the folder is under its cap;
the pictures of starred articles go last.

Safe from several threads and processes: files are written whole and renamed into
place, the index is SQLite in WAL mode. Nothing is created until something is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readerterm.images.decode import MAX_BYTES, inspect, scaled, target_size
from readerterm.images.index import Blob, ImageIndex

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from readerterm.config import Settings
    from readerterm.paths import Paths

__all__ = ["MAX_BYTES", "ImageCache", "PruneResult", "image_cache_for"]

DEFAULT_CAP = 500 * 1024 * 1024
REFUSED_FOR = 24 * 3600.0
"""Seconds a refused URL (not a picture, a 404) is not fetched again."""
_STRAY_AGE = 600.0  # a file the index does not know, older than this, is a leftover


@dataclass(frozen=True)
class PruneResult:
    """What `prune` removed, and what is left."""

    removed: int = 0          # pictures (each with its scaled copies)
    thumbnails: int = 0       # scaled copies removed with them
    bytes: int = 0            # bytes freed, leftover files included
    total_bytes: int = 0      # the cache's bytes afterwards
    cap_bytes: int = 0

    def to_json(self) -> dict[str, int]:
        return {"removed": self.removed, "thumbnails": self.thumbnails, "bytes": self.bytes,
                "total_bytes": self.total_bytes, "cap_bytes": self.cap_bytes}


class ImageCache:
    """Content-addressed pictures under `root`, at most `cap_bytes` after a `prune`."""

    def __init__(self, root: Path, cap_bytes: int = DEFAULT_CAP, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.root = root
        self.cap_bytes = cap_bytes
        self.clock = clock  # when a picture is used, for least-recently-used eviction
        self._index: ImageIndex | None = None
        self._lock = threading.Lock()

    # -- the index, opened on first use ------------------------------------------------
    def _idx(self, create: bool) -> ImageIndex | None:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    path = self.root / "index.sqlite3"
                    if not create and not path.exists():
                        return None
                    self.root.mkdir(parents=True, exist_ok=True)
                    self._index = ImageIndex(path, self.clock)
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()

    def _original(self, digest: str) -> Path:
        return self.root / "originals" / digest[:2] / digest

    def _thumb(self, digest: str, width: int, height: int) -> Path:
        return self.root / "thumbs" / digest[:2] / f"{digest}-{width}x{height}.webp"

    # -- the contract --------------------------------------------------------------------
    def has(self, url: str) -> bool:
        """Whether the picture at `url` is cached (its file is there)."""
        index = self._idx(create=False)
        blob = index.blob_for(url) if index else None
        return blob is not None and self._original(blob.hash).exists()

    def cached(self, urls: Iterable[str]) -> set[str]:
        """Those of `urls` whose picture is cached (one query for them all)."""
        index = self._idx(create=False)
        if index is None:
            return set()
        return {url for url, digest in index.hashes_for(urls).items()
                if self._original(digest).exists()}

    def put(self, url: str, data: bytes, content_type: str | None = None) -> bool:
        """Check `data` and keep it as the picture of `url`. False, keeping nothing (and
        remembering the refusal for a day), for more than 5 MB, bytes that are not a
        picture (HTML served as image/jpeg), SVG, a decompression bomb, a tracking pixel
        or a picture that does not decode."""
        probe = inspect(data, content_type)
        index = self._idx(create=True)
        assert index is not None
        if not probe.ok:
            index.refuse(url, probe.refused)
            return False
        digest = hashlib.sha256(data).hexdigest()
        path = self._original(digest)
        if not path.exists():
            _write_atomic(path, data)
        index.add(url, Blob(digest, len(data), probe.width, probe.height, probe.format, 0.0))
        return True

    def refused(self, url: str) -> str | None:
        """Why `url` was refused in the last day (None: it was not)."""
        index = self._idx(create=False)
        if index is None:
            return None
        return index.refused_since(url, self.clock() - REFUSED_FOR)

    def refuse(self, url: str, reason: str) -> None:
        """Remember that `url` gave no picture (an HTTP 404, say): not fetched for a day."""
        index = self._idx(create=True)
        assert index is not None
        index.refuse(url, reason)

    def touch(self, url: str) -> None:
        """Mark the picture of `url` used now."""
        index = self._idx(create=False)
        blob = index.blob_for(url) if index else None
        if index is not None and blob is not None:
            index.touch(blob.hash)

    def thumbnail(self, url: str, max_width_px: int,
                  max_height_px: int) -> PILImage.Image | None:
        """The picture of `url` scaled down to fit `max_width_px` x `max_height_px`
        (aspect kept, never enlarged): first frame, RGB or RGBA. Scaled once per size
        and kept. None when it is not cached or does not decode. Slow the first time
        (decoding): call it off the UI thread. Thread-safe."""
        index = self._idx(create=False)
        blob = index.blob_for(url) if index else None
        if index is None or blob is None or max_width_px < 1 or max_height_px < 1:
            return None
        size = target_size(blob.width, blob.height, max_width_px, max_height_px)
        with contextlib.suppress(sqlite3.Error):  # a read-only cache still shows pictures
            index.touch(blob.hash)
        thumb = self._thumb(blob.hash, *size)
        if index.has_thumb(blob.hash, *size):
            picture = _load(thumb)
            if picture is not None:
                return picture
        original = self._original(blob.hash)
        if not original.exists():
            with contextlib.suppress(sqlite3.Error):
                index.forget(url)
            return None
        try:
            picture = scaled(original, size)
        except Exception:  # a stored file that does not decode after all
            return None
        with contextlib.suppress(OSError, sqlite3.Error):
            written = _save_atomic(thumb, picture)
            index.add_thumb(blob.hash, *size, written)
        return picture

    def prune(self, cap_bytes: int | None = None, keep: Iterable[str] = ()) -> PruneResult:
        """Evict least recently used pictures (with their scaled copies) until the cache
        holds at most `cap_bytes` (its own cap by default). The pictures of the URLs in
        `keep` (starred articles') go last. Leftover files the index does not know are
        removed too."""
        cap = self.cap_bytes if cap_bytes is None else cap_bytes
        index = self._idx(create=False)
        if index is None:
            return PruneResult(cap_bytes=cap)
        freed = self._sweep(index)
        kept = set(index.hashes_for(keep).values())
        blobs = index.blobs()  # least recently used first
        total = sum(b.size + b.thumbs_size for b in blobs)
        victims: list[Blob] = []
        for blob in sorted(blobs, key=lambda b: b.hash in kept):  # stable: LRU within
            if total <= cap:
                break
            victims.append(blob)
            total -= blob.size + blob.thumbs_size
        digests = [b.hash for b in victims]
        thumbs = index.thumbs_of(digests)
        index.remove(digests)
        for digest, width, height in thumbs:
            self._thumb(digest, width, height).unlink(missing_ok=True)
        for digest in digests:
            self._original(digest).unlink(missing_ok=True)
        freed += sum(b.size + b.thumbs_size for b in victims)
        return PruneResult(len(victims), len(thumbs), freed, total, cap)

    def total_bytes(self) -> int:
        """Bytes of the pictures and their scaled copies, as the index counts them."""
        index = self._idx(create=False)
        return sum(b.size + b.thumbs_size for b in index.blobs()) if index else 0

    def _sweep(self, index: ImageIndex) -> int:
        """Remove files the index does not know (a crash between writing a file and
        indexing it), once they are old enough not to be another process's new file."""
        known = {b.hash for b in index.blobs()}
        thumbs = {self._thumb(*t).name for t in index.thumbs_of(sorted(known))}
        freed = 0
        now = time.time()
        for folder in ("originals", "thumbs"):
            for path in (self.root / folder).glob("*/*"):
                name = path.name
                if name in known or name in thumbs:
                    continue
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    if now - stat.st_mtime > _STRAY_AGE:
                        path.unlink()
                        freed += stat.st_size
        return freed


def image_cache_for(paths: Paths, settings: Settings | None = None) -> ImageCache:
    """The cache under the cache directory ("images/"), with config.toml's
    `[images] cache_mb` cap."""
    megabytes = settings.images.cache_mb if settings is not None else DEFAULT_CAP // 2**20
    return ImageCache(paths.cache_dir / "images", megabytes * 1024 * 1024)


def _write_atomic(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def _save_atomic(path: Path, picture: PILImage.Image) -> int:
    import io

    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=90, method=2)
    return _write_atomic(path, buffer.getvalue())


def _load(path: Path) -> PILImage.Image | None:
    from PIL import Image

    try:
        with Image.open(path, formats=("WEBP",)) as im:
            im.load()
            return im.copy() if im.mode in ("RGB", "RGBA") else im.convert("RGBA")
    except Exception:
        return None
