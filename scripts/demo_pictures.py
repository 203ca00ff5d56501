"""Draw the demo's JPEG pictures with Pillow (shapes and gradients, nothing downloaded).

    python scripts/demo_pictures.py      # writes src/readerterm/demo/data/courier/img/*.jpg

The files are kept in the repository; rerun only to change them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "src/readerterm/demo/data/courier/img"


def _gradient(size: tuple[int, int], top: tuple[int, int, int],
              bottom: tuple[int, int, int]) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def bridge() -> Image.Image:
    """A stone bridge at dawn: sky, sun, river, three arches."""
    image = _gradient((960, 540), (54, 76, 140), (250, 178, 120))
    draw = ImageDraw.Draw(image)
    draw.ellipse([620, 250, 740, 370], fill=(255, 226, 150))
    draw.rectangle([0, 380, 960, 540], fill=(40, 70, 105))
    for y in range(392, 540, 14):
        draw.line([(590, y), (770, y)], fill=(230, 170, 110), width=3)
    draw.rectangle([0, 300, 960, 330], fill=(95, 80, 78))
    for left in (60, 360, 660):
        draw.rectangle([left - 40, 330, left + 280, 390], fill=(95, 80, 78))
        draw.pieslice([left, 300, left + 240, 470], 180, 360, fill=(40, 70, 105))
    for x in range(20, 960, 60):
        draw.rectangle([x, 285, x + 8, 300], fill=(70, 58, 56))
    return image


def archive() -> Image.Image:
    """A sheet of an old contract on a desk: ruled lines, a seal."""
    image = _gradient((800, 450), (92, 60, 40), (60, 38, 26))
    draw = ImageDraw.Draw(image)
    draw.polygon([(170, 40), (630, 30), (650, 420), (150, 430)], fill=(236, 224, 190))
    for n in range(14):
        y = 80 + n * 22
        draw.line([(200, y), (600 - (n % 3) * 40, y - 2)], fill=(90, 80, 70), width=3)
    draw.ellipse([470, 330, 560, 410], fill=(170, 30, 40))
    draw.ellipse([490, 350, 540, 390], fill=(200, 60, 60))
    return image


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in (("bridge.jpg", bridge), ("bridge-archive.jpg", archive)):
        draw().save(out / name, "JPEG", quality=80, optimize=True)
        print(f"saved {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
