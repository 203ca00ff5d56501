"""The article's pictures in the reader (App.run_test, half-cells): a placeholder at once,
the picture in its place when it is cached or fetched from 127.0.0.1, the placeholder for
good when it cannot be had; `[ui] images = "off"` and the key that toggles them."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace

from PIL import Image as PILImage
from PIL import ImageDraw
from textual.widgets import Static

from readerterm.library import Library
from readerterm.models import Image
from readerterm.tui.app import ReaderApp
from readerterm.tui.widgets.half_cells import HalfCells, half_cell_lines
from readerterm.tui.widgets.picture import Picture, placeholder_text
from test_tui_flows import SIZE, make_app, settle
from tui_fixtures import EXTRA, STORM, Pages, page
from tui_fixtures import pages as pages
from tui_fixtures import world as world

World = tuple[Library, dict[str, str]]
CAPTION = "Waves break over the sea wall at dawn"


def jpeg(size: tuple[int, int] = (320, 180)) -> bytes:
    """A small JPEG of our own: a gradient and a sun."""
    image = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for x in range(size[0]):
        draw.line([(x, 0), (x, size[1])], fill=(x * 255 // size[0], 90, 160))
    draw.ellipse([size[0] // 3, size[1] // 4, size[0] // 2, size[1] // 2], fill=(250, 220, 60))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def with_images(lib: Library, mode: str) -> ReaderApp:
    lib.settings = replace(lib.settings, ui=replace(lib.settings.ui, images=mode))
    return make_app(lib)


def storm_picture_url(lib: Library) -> str:
    view = next(lib.article(row.id) for row in lib.articles() if row.title == STORM)
    lead = view.document.images[0]
    return lead.src


def drawn_lines(picture: Picture) -> list[str]:
    """The lines of characters the picture is drawn with, as they are on screen."""
    drawing = picture.children[0]
    assert isinstance(drawing, HalfCells)
    return [drawing.render_line(y).text for y in range(drawing.size.height)]


def test_half_cells_are_the_upper_pixel_on_the_lower_one() -> None:
    image = PILImage.new("RGBA", (2, 3), (0, 0, 0, 0))
    image.putpixel((0, 0), (255, 0, 0, 255))
    image.putpixel((0, 1), (0, 0, 255, 255))
    image.putpixel((1, 0), (0, 255, 0, 255))
    image.putpixel((1, 2), (9, 9, 9, 255))
    lines = half_cell_lines(image, background=(10, 20, 30))
    assert [line.text for line in lines] == ["▀▀", "▀▀"]  # the odd last row: on background
    cells = [[(seg.style.color.triplet, seg.style.bgcolor.triplet)  # type: ignore[union-attr]
              for seg in line for _ in seg.text] for line in lines]
    assert cells[0] == [((255, 0, 0), (0, 0, 255)), ((0, 255, 0), (10, 20, 30))]
    assert cells[1] == [((10, 20, 30), (10, 20, 30)), ((9, 9, 9), (10, 20, 30))]


async def test_a_cached_jpeg_replaces_its_placeholder_above_the_caption(world: World) -> None:
    lib, _ = world
    url = storm_picture_url(lib)
    assert lib.images.put(url, jpeg(), "image/jpeg")
    app = with_images(lib, "halfcell")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pictures = list(app.reader.query(Picture))
        assert len(pictures) == 1
        picture = pictures[0]
        assert picture.drawn
        assert not picture.query(".picture-placeholder")
        shown = drawn_lines(picture)
        assert len(shown) == picture.region.height > 1
        assert all("▀" in line for line in shown), shown
        # At most a third of the screen high, at most the reader's width.
        assert picture.region.height <= SIZE[1] // 3
        assert picture.region.width <= app.reader.measure
        # The caption follows the picture.
        children = list(app.reader.children)
        caption = children[children.index(picture) + 1]
        assert caption.has_class("caption")
        assert CAPTION in str(caption.render())


async def test_not_cached_and_not_served_stays_a_placeholder(world: World) -> None:
    lib, _ = world  # the world serves no picture: its fetch gets a 404
    app = with_images(lib, "halfcell")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        picture = app.reader.query_one(Picture)
        assert not picture.drawn
        placeholder = picture.query_one(".picture-placeholder", Static)
        # The caption is the line under it: the placeholder does not say it again.
        assert str(placeholder.render()) == "▨ picture"
        assert picture.region.height == 1


def test_the_placeholder_says_what_the_caption_line_does_not() -> None:
    caption_only = Image(src="https://example.invalid/a.jpg", caption=CAPTION)
    alt_only = Image(src="https://example.invalid/a.jpg", alt="A wave")
    both = Image(src="https://example.invalid/a.jpg", alt="A wave", caption=CAPTION)
    same = Image(src="https://example.invalid/a.jpg", alt=CAPTION.upper(), caption=CAPTION)
    assert placeholder_text(caption_only).plain == "▨ picture"
    assert placeholder_text(alt_only).plain == "▨ picture"  # the caption line shows the alt
    assert placeholder_text(both).plain == "▨ A wave"
    assert placeholder_text(same).plain == "▨ picture"


async def test_following_a_related_link_fetches_its_picture(world: World,
                                                             pages: Pages) -> None:
    lib, urls = world
    # The storm's second related link: in no feed, fetched when followed, with a figure.
    pages.serve("/extra/insurers", page(EXTRA, "Chloe Park", [(STORM, urls["storm"], "Ana")],
                                        figure=("Flooded cars on the harbour road", "Photo")))
    path = f"/img/{len(EXTRA)}.jpg"
    pages.routes[path] = ("image/jpeg", jpeg())
    app = with_images(lib, "halfcell")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.reader.view is not None and app.reader.view.title == EXTRA
        assert app.reader.query_one(Picture).drawn
        assert path in pages.hits
    assert lib.images.has(pages.base + path)  # kept for offline reading


async def test_an_svg_is_never_drawn(world: World, pages: Pages) -> None:
    lib, _ = world
    path = storm_picture_url(lib).removeprefix(pages.base)
    pages.routes[path] = ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" '
                                           b'width="10" height="10"><rect width="10" '
                                           b'height="10"/></svg>')
    app = with_images(lib, "halfcell")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        picture = app.reader.query_one(Picture)
        assert not picture.drawn
        assert picture.query(".picture-placeholder")


async def test_images_off_is_the_reader_without_pictures(world: World) -> None:
    lib, _ = world
    app = with_images(lib, "off")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not app.reader.query(Picture)
        assert app.picture_source is None
        await pilot.press("i")  # off in config: the key says how to turn them on
        await settle(pilot)
        assert not app.reader.query(Picture)
        assert any("[ui] images" in str(n.message) for n in app._notifications)


async def test_the_key_hides_and_shows_pictures_for_the_session(world: World) -> None:
    lib, _ = world
    app = with_images(lib, "halfcell")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.reader.query(Picture)) == 1
        captions = len(app.reader.query(".caption"))
        await pilot.press("i")
        await settle(pilot)
        assert not app.reader.query(Picture)
        assert len(app.reader.query(".caption")) == captions  # the captions stay
        await pilot.press("i")
        await settle(pilot)
        assert len(app.reader.query(Picture)) == 1
        assert lib.settings.ui.images == "halfcell"  # the session's choice, not saved


def test_the_reader_and_the_commands_do_not_import_textual_image() -> None:
    """textual-image asks the terminal questions when it is imported: only `run_reader`
    (before the app reads keys) may import it, never the modules that load with the
    reader or a command."""
    code = ("import sys, readerterm.cli, readerterm.tui.app, readerterm.tui.widgets.picture\n"
            "print(sorted(m for m in sys.modules if m.startswith('textual_image')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout
