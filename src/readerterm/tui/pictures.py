"""How the terminal draws pictures: Kitty's graphics protocol, Sixel or half-cell blocks.

textual-image draws Kitty's and Sixel pictures; half-cells are drawn by
widgets/half_cells.py, which needs no answer from the terminal, so `images = "halfcell"`
asks nothing and imports nothing of textual-image. For "auto", importing textual-image
asks the terminal what it supports (Sixel in its answer to "\\e[c", then a Kitty
graphics query) and measures a cell in pixels; each question waits at most 0.1 s for an
answer. Inside tmux or screen nothing is asked (see NOT_ASKED): half-cells. Those
questions must be asked before Textual starts reading the keyboard, else the answers
would arrive as keys: `prepare`
is called by `run_reader` before the app runs, and nothing else imports textual-image
at import time (the command line and the tests that draw no picture never pay for it).
`ask_terminal` asks them in a thread while the reader's code is still being imported,
so that the wait is hidden behind that; `prepare` then waits for the answers.
Under `App.run_test()` stdout is not a terminal, nothing is asked, and pictures are
drawn in half-cells.
"""

from __future__ import annotations

import math
import os
import threading
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from textual.widget import Widget

Protocol = Literal["tgp", "sixel", "halfcell"]
MODES = ("auto", "halfcell", "off")

_chosen: dict[str, Protocol] = {}
NOT_ASKED = ("screen", "tmux", "linux", "dumb")
"""Terminals (TERM) that are not asked: tmux and screen take Kitty's graphics query
(an APC string) for a new window title, and pass no Kitty graphics on; the Linux
console draws no pictures at all. Half-cells for them."""
_asking: list[threading.Thread] = []


def _ask() -> None:
    from textual_image import renderable  # noqa: F401  (asks the terminal, when stdout is one)
    from textual_image._terminal import get_cell_size

    get_cell_size()  # measured now, while the terminal can still answer


def _askable() -> bool:
    """Whether "auto" may ask this terminal (not inside tmux or screen, see NOT_ASKED)."""
    if os.environ.get("TMUX") or os.environ.get("STY"):
        return False
    return not os.environ.get("TERM", "").startswith(NOT_ASKED)


def ask_terminal(mode: str) -> None:
    """Start asking the terminal what it draws (in a thread), when `mode` is "auto".
    Rich and Pillow are imported here first, so that the thread imports only
    textual-image's own modules while this one goes on importing the reader's."""
    if mode != "auto" or _asking or not _askable():
        return
    import PIL.Image  # noqa: F401
    import rich.console  # noqa: F401

    thread = threading.Thread(target=_ask, name="ask-terminal", daemon=True)
    _asking.append(thread)
    thread.start()


def prepare(mode: str, *, ask: bool = True) -> Protocol | None:
    """The way pictures are drawn for `[ui] images = mode` (None for "off").

    "auto" takes what the terminal says it supports, Sixel first, then Kitty's
    protocol, else half-cell blocks; "halfcell" always draws half-cells. "auto" asks
    the terminal once (see the module's docstring): call it before the app runs. With
    `ask` false (the app, once running), what was asked before, else half-cells.
    """
    if mode == "off":
        return None
    if mode != "auto" or not _askable():
        return "halfcell"
    if mode not in _chosen:
        if not ask:
            return "halfcell"
        for thread in _asking:
            thread.join()
        _ask()  # nothing more to ask when ask_terminal has asked already
        from textual_image import renderable

        detected: Protocol = "halfcell"
        if renderable.Image is renderable.SixelImage:
            detected = "sixel"
        elif renderable.Image is renderable.TGPImage:
            detected = "tgp"
        _chosen[mode] = detected
    return _chosen[mode]


def cell_pixels(protocol: Protocol) -> tuple[int, int]:
    """The pixels one cell holds: half-cells have 1x2, the others the terminal's cell."""
    if protocol == "halfcell":
        return 1, 2
    from textual_image._terminal import get_cell_size

    size = get_cell_size()
    return max(1, size.width), max(1, size.height)


def box_pixels(protocol: Protocol, columns: int, rows: int) -> tuple[int, int]:
    """The largest picture, in pixels, that fits `columns` x `rows` cells."""
    width, height = cell_pixels(protocol)
    return max(1, columns) * width, max(1, rows) * height


def cells_for(protocol: Protocol, pixels: tuple[int, int]) -> tuple[int, int]:
    """The cells (columns, rows) that a picture of `pixels` takes."""
    width, height = cell_pixels(protocol)
    return max(1, math.ceil(pixels[0] / width)), max(1, math.ceil(pixels[1] / height))


def graphics_widget(protocol: Protocol, picture: PILImage) -> Widget:
    """textual-image's widget drawing `picture` with Kitty's protocol or Sixel."""
    from textual_image import widget

    if protocol == "tgp":
        return widget.TGPImage(picture)
    return widget.SixelImage(picture)
