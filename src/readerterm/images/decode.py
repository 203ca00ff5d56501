"""Pillow at the trust boundary: what an image's bytes are, and their picture, bounded.

An image is written by a stranger like the rest of a page (SECURITY.md). Before any
pixel is decoded its header says what it is and how big it is; only the formats a
terminal reader needs are opened at all (no SVG, no TIFF, PSD or other decoders), and
only pictures up to `MAX_PIXELS` are decoded. JPEGs are decoded already scaled down
(libjpeg's DCT scaling, `Image.draft`), so even a 40-megapixel photo costs a few MB.

Pillow is imported here only, and only when an image is looked at.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = ["FORMATS", "MAX_BYTES", "MAX_PIXELS", "MAX_PIXELS_FULL", "Probe", "inspect",
           "scaled", "target_size"]

MAX_BYTES = 5 * 1024 * 1024
"""The largest image kept (the issue's cap per image)."""
MAX_PIXELS = 40_000_000
"""More pixels than this is a decompression bomb (a 40,000 x 40,000 PNG is 40 KB)."""
MAX_PIXELS_FULL = 16_000_000
"""Formats decoded at full size (PNG, GIF, WebP: no DCT scaling) stop at 16 megapixels:
64 MB as RGBA while decoding."""
MAX_SIDE = 20_000
MIN_SIDE = 3
"""Narrower or lower than this is a tracking pixel or a spacer: dropped."""
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "AVIF")
"""The decoders Pillow may use for a picture from the web; nothing else is tried (the
JPEG decoder opens MPO, a camera's JPEG with a second picture, too)."""
_DRAFTABLE = ("JPEG", "MPO")
_SWAPPED = (5, 6, 7, 8)  # EXIF orientations that turn the picture a quarter


@dataclass(frozen=True)
class Probe:
    """What `inspect` found: the picture's format and its size as it is shown (after
    its EXIF orientation), or why it is refused."""

    format: str = ""
    width: int = 0
    height: int = 0
    refused: str = ""

    @property
    def ok(self) -> bool:
        return not self.refused


@cache
def _formats() -> tuple[str, ...]:
    """FORMATS that this Pillow can open (AVIF and WebP are optional in a build)."""
    from PIL import Image

    for name in ("Jpeg", "Png", "Gif", "WebP", "Bmp", "Avif"):
        with contextlib.suppress(ImportError):
            importlib.import_module(f"PIL.{name}ImagePlugin")
    return tuple(f for f in FORMATS if f in Image.OPEN)


def _open(data: bytes | Path) -> PILImage.Image:
    from PIL import Image

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return Image.open(source, formats=_formats())


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<", b"<?xml", b"<svg", b"<!doctype", b"<html"))


def inspect(data: bytes, content_type: str | None = None) -> Probe:
    """Whether `data` is a picture readerterm keeps: its format and size, or the reason
    it is refused (too big in bytes or pixels, SVG, not an image, a tracking pixel,
    undecodable). Decodes it (scaled down where it can) to be sure. Never raises."""
    if len(data) > MAX_BYTES:
        return Probe(refused=f"{len(data)} bytes is over the {MAX_BYTES}-byte cap")
    kind = (content_type or "").split(";")[0].strip().lower()
    if "svg" in kind or _looks_like_markup(data[:512]):
        return Probe(refused="SVG or markup, not a picture" if "svg" in kind or b"<svg"
                     in data[:2048].lower() else "markup (HTML?), not a picture")
    try:
        with _open(data) as im:
            probe = _probe(im)
            if probe.ok:
                _decode_small(im)
            return probe
    except Exception as exc:  # any decoder failure (truncated, corrupt, unknown format)
        return Probe(refused=f"not a usable picture: {type(exc).__name__}: {str(exc)[:200]}")


def _probe(im: PILImage.Image) -> Probe:
    width, height = im.size
    fmt = str(im.format or "")
    if width < MIN_SIDE or height < MIN_SIDE:
        return Probe(fmt, width, height, f"{width}x{height}: a tracking pixel or a spacer")
    limit = MAX_PIXELS if fmt in _DRAFTABLE else MAX_PIXELS_FULL
    if width * height > limit or max(width, height) > MAX_SIDE:
        return Probe(fmt, width, height,
                     f"{width}x{height} {fmt}: over {limit // 1_000_000} megapixels "
                     "(a decompression bomb?)")
    if _orientation(im) in _SWAPPED:
        width, height = height, width
    return Probe(fmt, width, height)


def _orientation(im: PILImage.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1))
    except Exception:
        return 1


def _decode_small(im: PILImage.Image) -> None:
    """Decode the first frame, scaled down by up to 8 where the format allows: reads
    every byte of the picture, so a truncated or corrupt one raises here."""
    im.seek(0)
    if im.format in _DRAFTABLE:
        im.draft("RGB", (max(1, im.size[0] // 8), max(1, im.size[1] // 8)))
    im.load()


def target_size(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """`width` x `height` scaled to fit in `max_width` x `max_height`, aspect kept,
    never up."""
    scale = min(max_width / width, max_height / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def scaled(path: Path, size: tuple[int, int]) -> PILImage.Image:
    """The picture in the file at `path` (checked by `inspect` when it was stored):
    first frame, EXIF orientation applied, as RGB (RGBA when it has transparency),
    resized to `size`. Raises for a file Pillow cannot decode."""
    from PIL import Image, ImageOps

    with _open(path) as im:
        if not _probe(im).ok:
            raise ValueError("refused picture")
        im.seek(0)
        if im.format in _DRAFTABLE:  # libjpeg decodes at 1/2, 1/4, 1/8 of the size
            turned = _orientation(im) in _SWAPPED
            im.draft("RGB", (size[1], size[0]) if turned else size)
        im.load()
        picture = ImageOps.exif_transpose(im)
        picture = _as_rgb(picture)
        if picture.size != size:
            picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        return picture


def _as_rgb(im: PILImage.Image) -> PILImage.Image:
    """RGB, or RGBA when the picture has transparency (palette with a transparent
    index, LA, PA, RGBA); CMYK and greyscale become RGB."""
    transparent = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        "transparency" in im.info)
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit greyscale PNG
        im = im.point(lambda value: value / 256).convert("L")
    wanted = "RGBA" if transparent else "RGB"
    return im if im.mode == wanted else im.convert(wanted)
