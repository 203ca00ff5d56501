"""Hostile and odd pictures (issue 16), served on 127.0.0.1 and fetched through
`ensure_image`: decompression bombs (huge dimensions, a few hundred bytes), a truncated
JPEG, HTML served as image/jpeg, SVG (as itself and as image/png), an animated GIF (first
frame), a CMYK JPEG, a palette PNG with transparency, greyscale with alpha, WebP, a 1x1
tracking pixel, a picture over the 5 MB cap, and a good JPEG with a wrong content type.

Each is kept and gives an RGB/RGBA picture, or is refused with nothing kept; nothing
raises; the bombs are checked in a child process under a memory ceiling, so a decoder
that went ahead would fail the test rather than the machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FeedServer
from image_payloads import Payload, hostile, jpeg, png_bomb
from readerterm.images import ImageCache
from readerterm.images.fetch import ensure_image, ensure_images

PAYLOADS = hostile()
MIB = 1024 * 1024
CHILD_AS_LIMIT = 1024 * MIB
PEAK_RSS_BOUND = 150 * MIB


@pytest.fixture
def pictures(server: FeedServer) -> FeedServer:
    for payload in PAYLOADS:
        server.serve(f"/img/{payload.name}", payload.body, content_type=payload.content_type,
                     conditional=False)
    return server


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_each_hostile_picture_is_kept_as_rgb_or_refused(
        tmp_path: Path, pictures: FeedServer, payload: Payload) -> None:
    cache = ImageCache(tmp_path / "images")
    url = pictures.url(f"/img/{payload.name}")
    kept = ensure_image(url, cache)
    assert kept is bool(payload.mode), cache.refused(url)
    assert cache.has(url) is kept
    originals = list((tmp_path / "images" / "originals").glob("*/*"))
    picture = cache.thumbnail(url, 120, 80)
    if kept:
        assert len(originals) == 1 and cache.refused(url) is None
        assert picture is not None and picture.mode == payload.mode
        assert picture.width <= 120 and picture.height <= 80
    else:
        assert originals == [] and picture is None
        assert cache.refused(url)


def test_a_refused_picture_is_not_fetched_again(tmp_path: Path, pictures: FeedServer) -> None:
    cache = ImageCache(tmp_path / "images")
    bad = pictures.url("/img/html-as.jpg")
    missing = pictures.url("/img/not-there.jpg")
    assert ensure_images([bad, missing], cache) == {bad: False, missing: False}
    assert ensure_images([bad, missing], cache) == {bad: False, missing: False}
    assert pictures.hits["/img/html-as.jpg"] == [200]
    assert pictures.hits["/img/not-there.jpg"] == [404]


def test_the_byte_cap_stops_the_download(tmp_path: Path, server: FeedServer) -> None:
    """Over 5 MB is refused by its Content-Length (or while reading), before any
    decoding, whatever the [fetch] max_bytes is."""
    big = next(p for p in PAYLOADS if p.name == "huge.png")
    url = server.serve("/big.png", big.body, content_type="image/png", conditional=False)
    cache = ImageCache(tmp_path / "images")
    assert not ensure_image(url, cache)
    assert "cap" in (cache.refused(url) or "")


def test_only_web_links_are_fetched(tmp_path: Path, server: FeedServer) -> None:
    cache = ImageCache(tmp_path / "images")
    target = server.serve("/a.jpg", jpeg(), content_type="image/jpeg")
    to_file = server.redirect("/to-file.jpg", "file:///etc/passwd")
    urls = ["file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo=", "javascript:x",
            "-http://127.0.0.1/x.jpg", to_file, "http://pictures.invalid/a.jpg", target]
    assert ensure_images(urls, cache) == {**dict.fromkeys(urls[:-1], False), target: True}


CHILD = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from readerterm.images import ImageCache
    cache = ImageCache(Path(sys.argv[1]))
    out = {}
    for path in sorted(Path(sys.argv[2]).iterdir()):
        url = "http://127.0.0.1/" + path.name
        kept = cache.put(url, path.read_bytes(), None)
        out[path.name] = [kept, cache.thumbnail(url, 800, 600) is not None]
    status = Path("/proc/self/status")
    hwm = [l for l in status.read_text().splitlines() if l.startswith("VmHWM:")] if (
        status.exists()) else []
    # VmHWM is this program's own peak; ru_maxrss may carry the parent's over exec
    out["peak"] = (int(hwm[0].split()[1]) if hwm
                   else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
    print(json.dumps(out))
""")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_AS_LIMIT, CHILD_AS_LIMIT))


def test_bombs_and_big_pictures_stay_within_memory(tmp_path: Path) -> None:
    """Every payload plus bombs just past our own limits (under Pillow's, which stops at
    179 megapixels) and a large legitimate photo, in a child with 1 GB of address
    space: the bombs are refused from their headers, and the peak RSS stays low."""
    folder = tmp_path / "payloads"
    folder.mkdir()
    for payload in PAYLOADS:
        (folder / payload.name).write_bytes(payload.body)
    (folder / "bomb-64mp.png").write_bytes(png_bomb(8000, 8000))
    (folder / "bomb-170mp.png").write_bytes(png_bomb(13000, 13000))
    (folder / "photo-24mp.jpg").write_bytes(jpeg(6000, 4000, quality=60))
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "images"), str(folder)],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=_limit_memory, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out.pop("peak") < PEAK_RSS_BOUND
    assert out["bomb-64mp.png"] == [False, False] and out["bomb-170mp.png"] == [False, False]
    assert out["photo-24mp.jpg"] == [True, True]
    expected = {p.name: [bool(p.mode), bool(p.mode)] for p in PAYLOADS}
    assert {k: v for k, v in out.items() if k in expected} == expected


def test_a_picture_that_rots_on_disk_gives_no_picture(tmp_path: Path) -> None:
    """A stored file damaged later (disk error, another program) is no crash: None."""
    cache = ImageCache(tmp_path / "images")
    url = "http://127.0.0.1/a.jpg"
    assert cache.put(url, jpeg())
    [original] = (tmp_path / "images" / "originals").glob("*/*")
    original.write_bytes(original.read_bytes()[:300])
    assert cache.thumbnail(url, 100, 100) is None
