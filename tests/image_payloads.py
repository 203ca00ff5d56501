"""Pictures for the image tests, made here with Pillow (nothing read from outside tests/).

`HOSTILE` lists the odd and hostile pictures of issue 16 with what the cache must do
with each: keep it (and give a picture of the expected mode) or refuse it.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass

from PIL import Image


def encode(picture: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(width: int = 640, height: int = 360, seed: int = 0) -> Image.Image:
    """A picture with detail (gradients and a fractal), so it compresses like a photo
    rather than to nothing; the same bytes for the same arguments, other bytes for
    another `seed`."""
    picture = Image.linear_gradient("L").resize((width, height))
    red = picture.point(lambda v: (v + seed * 37) % 256)
    blue = Image.effect_mandelbrot((width, height), (-2.0 + seed / 50, -1.2, 1.0, 1.2), 60)
    return Image.merge("RGB", (red, picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT), blue))


def jpeg(width: int = 640, height: int = 360, seed: int = 0, quality: int = 85) -> bytes:
    return encode(photo(width, height, seed), "JPEG", quality=quality)


def grainy_jpeg(width: int, height: int, seed: int = 0) -> bytes:
    """A JPEG that hardly compresses (seeded noise): bytes in proportion to its size."""
    grain = random.Random(seed).randbytes(width * height * 3)
    return encode(Image.frombytes("RGB", (width, height), grain), "JPEG", quality=90)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG that says it is `width` x `height` (10 gigapixels), in a few KB: a header
    and the start of a stream of zeros. Decoding it would need tens of GB."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows)
            + _png_chunk(b"IEND", b""))


def gif_bomb() -> bytes:
    """A GIF whose logical screen is 65,535 x 65,535 around one tiny frame."""
    small = encode(Image.new("P", (4, 4), 1), "GIF")
    return small[:6] + struct.pack("<HH", 65535, 65535) + small[10:]


def cmyk_jpeg() -> bytes:
    return encode(photo(320, 200).convert("CMYK"), "JPEG", quality=85)


def palette_png_with_transparency() -> bytes:
    picture = photo(200, 120).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return encode(picture, "PNG", transparency=0)


def greyscale_alpha_png() -> bytes:
    grey = photo(120, 80).convert("L")
    return encode(Image.merge("LA", (grey, grey.point(lambda v: 255 - v))), "PNG")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (160, 90), colour) for colour in ("red", "lime", "blue")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100,
                  loop=0)


def webp() -> bytes:
    return encode(photo(300, 200), "WEBP", quality=80)


def tracking_pixel() -> bytes:
    return encode(Image.new("RGBA", (1, 1), (0, 0, 0, 0)), "GIF")


def over_cap_png() -> bytes:
    """More than 5 MB: an uncompressed (level 0) PNG of noise."""
    noise = Image.effect_noise((1400, 1400), 100).convert("RGB")
    return encode(noise, "PNG", compress_level=0)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" '
       b'height="100"><rect width="100" height="100" fill="red"/>'
       b'<script>alert(1)</script></svg>')
HTML_AS_JPEG = b"<!doctype html><html><head><title>Login</title></head><body>Sign in</body></html>"


@dataclass(frozen=True)
class Payload:
    """One picture served as `content_type`; `mode` is the thumbnail's mode when it is
    kept, "" when it must be refused."""

    name: str
    body: bytes
    content_type: str
    mode: str = ""


def hostile() -> list[Payload]:
    full = jpeg(800, 600, seed=3)
    return [
        Payload("bomb.png", png_bomb(), "image/png"),
        Payload("bomb.gif", gif_bomb(), "image/gif"),
        Payload("truncated.jpg", full[: len(full) // 2], "image/jpeg"),
        Payload("html-as.jpg", HTML_AS_JPEG, "image/jpeg"),
        Payload("vector.svg", SVG, "image/svg+xml"),
        Payload("svg-as.png", SVG, "image/png"),
        Payload("animated.gif", animated_gif(), "image/gif", "RGB"),
        Payload("cmyk.jpg", cmyk_jpeg(), "image/jpeg", "RGB"),
        Payload("palette.png", palette_png_with_transparency(), "image/png", "RGBA"),
        Payload("grey-alpha.png", greyscale_alpha_png(), "image/png", "RGBA"),
        Payload("photo.webp", webp(), "image/webp", "RGB"),
        Payload("pixel.gif", tracking_pixel(), "image/gif"),
        Payload("huge.png", over_cap_png(), "image/png"),
        Payload("fine.jpg", full, "application/octet-stream", "RGB"),
    ]
