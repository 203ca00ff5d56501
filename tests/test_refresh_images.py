"""Refresh's full-text step fetches each page's pictures into the image cache; `show
--json` says which are cached; offline (server stopped) the cached pictures are still
there; `[images] fetch = false` fetches none; `readerterm images --prune` shrinks the
cache to `[images] cache_mb`, starred articles' pictures last. Real server on
127.0.0.1, real SQLite, the real command line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from conftest import FeedServer
from image_payloads import grainy_jpeg
from readerterm import paths
from readerterm.cli import main
from readerterm.images.fetch import ensure_document_images, ensure_images
from readerterm.library import Library
from test_refresh import open_library

PARAS = "".join(f"<p>Paragraph {n} of a story about the harbour, with enough words in it "
                "to be read as the body of the article and not as a caption.</p>"
                for n in range(8))


def page(title: str, images: list[str]) -> str:
    figures = "".join(f'<figure><img src="{src}" alt="Picture {n}"><figcaption>Caption {n}. '
                      f'<span class="credit">Photo: Ana Lima</span></figcaption></figure>'
                      for n, src in enumerate(images))
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{figures}{PARAS}</article></body></html>")


def feed(base: str, slugs: list[str]) -> str:
    items = "".join(
        f"<item><guid>{slug}</guid><title>Story {slug}</title><link>{base}/{slug}.html</link>"
        f"<description>A short summary.</description>"
        f"<pubDate>Mon, 0{n + 1} Jun 2026 10:00:00 GMT</pubDate></item>"
        for n, slug in enumerate(slugs))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>'
            f"<link>{base}/</link>{items}</channel></rss>")


@pytest.fixture
def site(server: FeedServer) -> FeedServer:
    """Two stories: `one` with two pictures (and a missing one), `two` with one large."""
    base = server.base
    server.serve("/feed.xml", feed(base, ["one", "two"]))
    server.serve("/one.html", page("Story one", ["/img/a.jpg", "/img/b.jpg", "/img/gone.jpg"]),
                 content_type="text/html")
    server.serve("/two.html", page("Story two", ["/img/c.jpg"]), content_type="text/html")
    for name, seed, size in (("a", 1, (1000, 600)), ("b", 2, (1000, 600)),
                             ("c", 3, (1200, 675))):
        server.serve(f"/img/{name}.jpg", grainy_jpeg(*size, seed=seed),
                     content_type="image/jpeg")
    return server


def show_images(capsys: pytest.CaptureFixture[str], article_id: int) -> dict[str, bool]:
    """`show ID --json`'s images: file name -> "cached"."""
    capsys.readouterr()
    assert main(["show", str(article_id), "--json"]) == 0
    images = json.loads(capsys.readouterr().out)["images"]
    return {str(i["src"]).rsplit("/", 1)[1]: i["cached"] for i in images}


def ids_by_title(lib: Library) -> dict[str, int]:
    return {row.title: row.id for row in lib.articles()}


def test_refresh_fetches_a_pages_pictures_and_they_stay_offline(
        home: Path, site: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    lib = open_library(home, {"News": [site.url("/feed.xml")]})
    report = asyncio.run(lib.refresh())
    assert report.pages_fetched == 2 and report.images_cached == 3
    assert site.hits["/img/a.jpg"] == [200] and site.hits["/img/gone.jpg"] == [404]
    ids = ids_by_title(lib)
    lib.close()
    site.stop()  # offline from here on
    assert show_images(capsys, ids["Story one"]) == {
        "a.jpg": True, "b.jpg": True, "gone.jpg": False}
    lib = Library.open(paths.resolve())
    try:
        view = lib.article(ids["Story two"])
        [src] = [i.src for i in view.document.images]
        assert ensure_document_images(view.document, lib.images, lib.settings) == {src: True}
        picture = lib.images.thumbnail(src, 320, 320)
        assert picture is not None and picture.size == (320, 180)
        gone = site.url("/img/never-fetched.jpg")
        assert ensure_images([gone], lib.images, lib.settings) == {gone: False}
    finally:
        lib.close()


def test_pictures_are_not_fetched_when_turned_off(home: Path, site: FeedServer) -> None:
    lib = open_library(home, {"News": [site.url("/feed.xml")]})
    config = paths.resolve().config_file
    config.write_text(config.read_text().replace("fetch = true", "fetch = false"))
    lib.close()
    lib = Library.open(paths.resolve())
    try:
        assert lib.settings.images.fetch is False
        report = asyncio.run(lib.refresh())
        assert report.pages_fetched == 2 and report.images_cached == 0
        assert not any(path.startswith("/img/") for path in site.hits)
        view = lib.article(ids_by_title(lib)["Story one"])
        assert ensure_document_images(view.document, lib.images, lib.settings) == {
            site.url(f"/img/{name}.jpg"): False for name in ("a", "b", "gone")}
        assert not any(path.startswith("/img/") for path in site.hits)
    finally:
        lib.close()


def test_prune_shrinks_to_the_cap_keeping_starred_pictures(
        home: Path, site: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    lib = open_library(home, {"News": [site.url("/feed.xml")]})
    asyncio.run(lib.refresh())
    ids = ids_by_title(lib)
    lib.mark(ids["Story two"], starred=True)
    total = lib.images.total_bytes()
    big = len(grainy_jpeg(1200, 675, seed=3))
    lib.close()
    assert big < 1024 * 1024 < total  # a 1 MB cap holds the starred picture only
    config = paths.resolve().config_file
    config.write_text(config.read_text().replace("cache_mb = 500", "cache_mb = 1"))
    capsys.readouterr()
    assert main(["images", "--prune", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"removed": 2, "thumbnails": 0, "bytes": total - big,
                      "total_bytes": big, "cap_bytes": 1024 * 1024}
    cached = {**show_images(capsys, ids["Story one"]), **show_images(capsys, ids["Story two"])}
    assert cached == {"a.jpg": False, "b.jpg": False, "gone.jpg": False, "c.jpg": True}
    assert main(["images", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_bytes"] == big
    assert main(["images", "--prune"]) == 0
    assert capsys.readouterr().out.startswith("removed 0 pictures")
