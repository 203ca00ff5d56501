"""A picture drawn with half blocks: each cell is "▀" in the colour of its upper pixel on
the colour of its lower one (24-bit colour; Rich lowers it on terminals with fewer).

Every terminal can show this, and drawing it asks the terminal nothing, so
`[ui] images = "halfcell"` never waits for a terminal's answer (unlike "auto", see
tui/pictures.py). The lines are made once, in a thread (`half_cell_lines`); the widget
only hands them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

RGB = tuple[int, int, int]


def half_cell_lines(picture: PILImage, background: RGB = (0, 0, 0)) -> list[Strip]:
    """The picture as lines of half blocks, one line for each two rows of pixels; its
    transparent parts on `background`. Slow for a big picture: call it from a thread
    with a picture already scaled to the cells it is to fill."""
    from PIL import Image

    if picture.mode != "RGB":
        backdrop = Image.new("RGBA", picture.size, (*background, 255))
        picture = Image.alpha_composite(backdrop, picture.convert("RGBA")).convert("RGB")
    width, height = picture.size
    data = picture.tobytes()
    styles: dict[tuple[RGB, RGB], Style] = {}

    def pixel(x: int, y: int) -> RGB:
        if y >= height:
            return background
        at = (y * width + x) * 3
        return data[at], data[at + 1], data[at + 2]

    lines: list[Strip] = []
    for top in range(0, height, 2):
        segments: list[Segment] = []
        for x in range(width):
            key = (pixel(x, top), pixel(x, top + 1))
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(color=Color.from_rgb(*key[0]),
                                            bgcolor=Color.from_rgb(*key[1]))
            segments.append(Segment("▀", style))
        lines.append(Strip(Segment.simplify(segments), width))
    return lines


class HalfCells(Widget):
    """Lines of half blocks made by `half_cell_lines`."""

    def __init__(self, lines: list[Strip]) -> None:
        super().__init__()
        self.lines = lines
        self.styles.width = max((line.cell_length for line in lines), default=0)
        self.styles.height = len(lines)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self.lines):
            return self.lines[y]
        return Strip.blank(self.size.width)
