"""The pictures cache on its own: content addressing, scaled copies kept, the cap and its
least-recently-used eviction (starred articles' pictures last, scaled copies counted),
and several threads at once. Real files and a real SQLite index in tmp."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from image_payloads import jpeg
from readerterm.images import ImageCache


class Clock:
    """A clock the test moves: uses are ordered without sleeping."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def tick(self) -> None:
        self.now += 10


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path: Path, clock: Clock) -> ImageCache:
    return ImageCache(tmp_path / "images", clock=clock)


def files(root: Path, folder: str) -> list[Path]:
    return sorted(p for p in (root / folder).glob("*/*") if not p.name.startswith("."))


def test_nothing_is_created_until_a_picture_is_kept(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path / "images")
    assert not cache.has("http://127.0.0.1/a.jpg")
    assert cache.thumbnail("http://127.0.0.1/a.jpg", 100, 100) is None
    assert cache.prune(0).removed == 0 and cache.total_bytes() == 0
    assert not (tmp_path / "images").exists()


def test_one_file_per_picture_whatever_its_urls(cache: ImageCache) -> None:
    data = jpeg(seed=1)
    assert cache.put("http://127.0.0.1/a.jpg", data, "image/jpeg")
    assert cache.put("http://127.0.0.1/copy-of-a.jpg?w=640", data, "image/jpeg")
    assert cache.put("http://127.0.0.1/b.jpg", jpeg(seed=2))
    originals = files(cache.root, "originals")
    assert len(originals) == 2
    assert data in {p.read_bytes() for p in originals}
    assert cache.cached(["http://127.0.0.1/a.jpg", "http://127.0.0.1/copy-of-a.jpg?w=640",
                         "http://127.0.0.1/c.jpg"]) == {
        "http://127.0.0.1/a.jpg", "http://127.0.0.1/copy-of-a.jpg?w=640"}


def test_a_thumbnail_fits_its_box_keeps_its_aspect_and_is_scaled_once(
        cache: ImageCache) -> None:
    url = "http://127.0.0.1/wide.jpg"
    assert cache.put(url, jpeg(1600, 900))
    first = cache.thumbnail(url, 400, 400)
    assert first is not None and first.size == (400, 225) and first.mode == "RGB"
    [thumb] = files(cache.root, "thumbs")
    made = thumb.stat().st_mtime_ns
    again = cache.thumbnail(url, 400, 400)
    assert again is not None and again.size == (400, 225)
    assert files(cache.root, "thumbs") == [thumb] and thumb.stat().st_mtime_ns == made
    tall = cache.thumbnail(url, 1000, 90)
    assert tall is not None and tall.size == (160, 90)
    small = cache.thumbnail(url, 5000, 5000)  # never enlarged
    assert small is not None and small.size == (1600, 900)
    assert len(files(cache.root, "thumbs")) == 3


def test_a_picture_whose_file_went_missing_is_not_cached(cache: ImageCache) -> None:
    url = "http://127.0.0.1/gone.jpg"
    assert cache.put(url, jpeg())
    for path in files(cache.root, "originals"):
        path.unlink()
    assert not cache.has(url) and cache.cached([url]) == set()
    assert cache.thumbnail(url, 100, 100) is None


def test_prune_evicts_the_least_recently_used_first(cache: ImageCache, clock: Clock) -> None:
    urls = [f"http://127.0.0.1/{n}.jpg" for n in range(4)]
    for n, url in enumerate(urls):
        assert cache.put(url, jpeg(seed=n))
        clock.tick()
    assert cache.thumbnail(urls[0], 64, 64) is not None  # the oldest is used again
    clock.tick()
    sizes = {url: len(jpeg(seed=n)) for n, url in enumerate(urls)}
    total = cache.total_bytes()
    assert total > sum(sizes.values())  # the scaled copy counts
    cap = total - sizes[urls[1]] - sizes[urls[2]] + 1  # room without the two oldest unused
    result = cache.prune(cap)
    assert result.removed == 2 and result.thumbnails == 0
    assert result.bytes == sizes[urls[1]] + sizes[urls[2]]
    assert result.total_bytes == cache.total_bytes() <= cap
    assert [cache.has(u) for u in urls] == [True, False, False, True]
    assert len(files(cache.root, "originals")) == 2


def test_prune_evicts_starred_articles_pictures_last(cache: ImageCache, clock: Clock) -> None:
    urls = [f"http://127.0.0.1/{n}.jpg" for n in range(3)]
    for n, url in enumerate(urls):
        assert cache.put(url, jpeg(seed=n))
        clock.tick()
    starred = [urls[0]]  # the least recently used of all
    one = max(len(jpeg(seed=n)) for n in range(3))
    result = cache.prune(one, keep=starred)
    assert result.removed == 2
    assert [cache.has(u) for u in urls] == [True, False, False]
    assert cache.prune(0, keep=starred).removed == 1  # still evicted when nothing else is left
    assert not cache.has(urls[0]) and cache.total_bytes() == 0


def test_scaled_copies_count_toward_the_cap_and_go_with_their_picture(
        cache: ImageCache, clock: Clock) -> None:
    old, new = "http://127.0.0.1/old.jpg", "http://127.0.0.1/new.jpg"
    assert cache.put(old, jpeg(1200, 800, seed=1))
    clock.tick()
    assert cache.put(new, jpeg(1200, 800, seed=2))
    clock.tick()
    for width in (200, 400, 800):
        assert cache.thumbnail(old, width, width) is not None
        clock.tick()
    originals = sum(p.stat().st_size for p in files(cache.root, "originals"))
    thumbs = sum(p.stat().st_size for p in files(cache.root, "thumbs"))
    assert cache.total_bytes() == originals + thumbs
    # Under a cap that holds both originals but not the copies, the picture last used
    # (old, with its copies) stays and the other goes.
    result = cache.prune(originals + thumbs - 1)
    assert result.removed == 1 and not cache.has(new) and cache.has(old)
    result = cache.prune(0)
    assert result.removed == 1 and result.thumbnails == 3
    assert files(cache.root, "thumbs") == [] and files(cache.root, "originals") == []


def test_prune_removes_old_files_the_index_does_not_know(cache: ImageCache) -> None:
    assert cache.put("http://127.0.0.1/a.jpg", jpeg())
    stray = cache.root / "originals" / "zz" / ("0" * 64)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x" * 1000)
    fresh = cache.root / "originals" / "zz" / ("1" * 64)
    fresh.write_bytes(b"y" * 10)  # just written by another process: left alone
    hour_ago = time.time() - 3600
    os.utime(stray, (hour_ago, hour_ago))
    result = cache.prune()
    assert result.removed == 0 and result.bytes == 1000
    assert not stray.exists() and fresh.exists() and cache.has("http://127.0.0.1/a.jpg")


def test_threads_keep_and_scale_at_once(cache: ImageCache) -> None:
    pictures = {f"http://127.0.0.1/{n}.jpg": jpeg(320, 240, seed=n % 4) for n in range(16)}

    def work(item: tuple[str, bytes]) -> tuple[int, int] | None:
        url, data = item
        if not cache.put(url, data):
            return None
        picture = cache.thumbnail(url, 100, 100)
        return picture.size if picture is not None else None

    with ThreadPoolExecutor(8) as pool:
        sizes = list(pool.map(work, pictures.items()))
    assert sizes == [(100, 75)] * 16
    assert len(files(cache.root, "originals")) == 4
    assert all(cache.has(url) for url in pictures)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_short_lived_threads_do_not_each_keep_a_connection(cache: ImageCache) -> None:
    """The reader asks from a new thread worker per article: open files must not grow
    with the number of threads that asked."""
    url = "http://127.0.0.1/a.jpg"
    assert cache.put(url, jpeg())

    def ask() -> None:
        assert cache.has(url) and cache.thumbnail(url, 50, 50) is not None

    def one_thread() -> None:
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join()

    one_thread()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(40):
        one_thread()
    assert len(os.listdir("/proc/self/fd")) - before < 3
