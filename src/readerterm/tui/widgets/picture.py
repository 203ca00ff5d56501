"""A picture of the article where it stands: one dim line (its alt text or caption) at
once, the picture itself when it has been fetched, scaled (and made into half-cell
lines) off the UI thread.

The picture is as wide as the reader's measure (or the pane, when narrower) and at most
a third of the screen high. One that cannot be drawn (not cached while offline, SVG,
refused by the image cache) stays the dim line.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Static

from readerterm.models import Image
from readerterm.safety import clean_line
from readerterm.tui.picture_source import PictureSource
from readerterm.tui.pictures import Protocol, box_pixels, cells_for, graphics_widget
from readerterm.tui.widgets.half_cells import HalfCells, half_cell_lines


def placeholder_text(image: Image) -> Text:
    """The one line shown until the picture is drawn, or instead of it: the alt text,
    unless the caption line under it already says it (it shows the caption, else the
    alt text), then just "picture"."""
    alt = clean_line(image.alt, 300)
    caption = clean_line(image.caption, 300)
    words = alt if alt and caption and alt.casefold() != caption.casefold() else "picture"
    return Text("▨ " + words, style="dim", no_wrap=True, overflow="ellipsis")


class Picture(Widget):
    """One image of an article: the placeholder, then the picture."""

    DEFAULT_CSS = """
    Picture {
        height: auto;
        width: 1fr;
    }
    Picture > .picture-placeholder {
        height: 1;
    }
    """

    def __init__(self, image: Image, source: PictureSource, protocol: Protocol, *,
                 classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.image = image
        self.source = source
        self.protocol = protocol
        self.drawn = False
        """True once the picture replaced the placeholder."""
        self._box: tuple[int, int] = (0, 0)

    def compose(self) -> ComposeResult:
        yield Static(placeholder_text(self.image), classes="picture-placeholder")

    def on_mount(self) -> None:
        # Started at once, as wide as the pane will make it (its first Resize comes only
        # after a layout, some 100 ms later); a different width then scales it again.
        parent = self.parent
        width = parent.scrollable_content_region.width if isinstance(parent, Widget) else 0
        max_width = self.styles.max_width
        if max_width is not None and max_width.is_cells:
            width = min(width, int(max_width.value))
        self._scale(width)

    def on_resize(self, event: Resize) -> None:
        self._scale(event.size.width)

    def _scale(self, width: int) -> None:
        box = (width, max(3, self.screen.size.height // 3))
        if width > 0 and box != self._box:
            self._box = box
            self.load(*box)

    @work(exclusive=True, group="picture", exit_on_error=False)
    async def load(self, columns: int, rows: int) -> None:
        """Fetch (when missing) and scale the picture in a thread, then draw it."""
        picture = await self.source.picture(self.image.src,
                                            *box_pixels(self.protocol, columns, rows))
        if picture is None or not self.is_mounted:
            return
        drawn: Widget
        if self.protocol == "halfcell":
            background = self.background_colors[1].rgb
            lines = await asyncio.get_running_loop().run_in_executor(
                self.source.pool, half_cell_lines, picture, background)
            if not self.is_mounted:
                return
            drawn = HalfCells(lines)
        else:
            width, height = cells_for(self.protocol, picture.size)
            drawn = graphics_widget(self.protocol, picture)
            drawn.styles.width = min(width, columns)
            drawn.styles.height = min(height, rows)
        await self.remove_children()
        await self.mount(drawn)
        self.drawn = True
