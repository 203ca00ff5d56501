"""Two articles of the benchmark's cache made to measure pictures: one with a lead picture
and two figures, all three in the image cache (JPEGs drawn here with Pillow), and one with
no picture at all. Their sources are on 127.0.0.1 port 9, where nothing answers: the
reader draws them from the cache, as offline.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from readerterm import paths
from readerterm.images.cache import image_cache_for
from readerterm.models import Block, Document, Image
from readerterm.store.cache import Store

TEXT = ("The council met late into the evening to settle the budget for the harbour, "
        "and the vote, when it came, was closer than anyone had expected. ") * 6


def _jpeg(n: int) -> bytes:
    """A 1200x675 JPEG: a gradient and a disc, different for each n."""
    image = PILImage.new("RGB", (1200, 675))
    draw = ImageDraw.Draw(image)
    for y in range(675):
        draw.line([(0, y), (1200, y)], fill=(40 + 60 * n, 80 + y // 5, 200 - 50 * n))
    draw.ellipse([300 + 150 * n, 150, 600 + 150 * n, 450], fill=(250, 210, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_pictures(home: Path) -> tuple[int, int]:
    """(the article with three cached pictures, the article with none); made once."""
    where = paths.resolve({"READERTERM_HOME": str(home)})
    marker = home / "pictures.json"
    if marker.exists():
        first, second = json.loads(marker.read_text(encoding="utf-8"))
        return int(first), int(second)
    store = Store(where.database)
    try:
        ids = [int(row[0]) for row in store.conn.execute(
            "SELECT id FROM articles ORDER BY published DESC LIMIT 2 OFFSET 20")]
        images = [Image(f"http://127.0.0.1:9/pictures/{n}.jpg", alt=f"Picture {n}",
                        caption=f"Caption of picture {n}", credit="Photo: Bench")
                  for n in range(3)]
        cache = image_cache_for(where)
        for image, n in zip(images, range(3), strict=True):
            if not cache.put(image.src, _jpeg(n), "image/jpeg"):
                raise SystemExit(f"the image cache refused {image.src}")
        cache.close()
        paragraph = Block("paragraph", text=TEXT)
        with_pictures = Document(
            title="Three pictures", lead_image=images[0],
            blocks=(Block("figure", image=images[0]), paragraph,
                    Block("figure", image=images[1]), paragraph, paragraph,
                    Block("figure", image=images[2]), paragraph))
        without = Document(title="No pictures", blocks=(paragraph,) * 5)
        for article_id, doc in zip(ids, (with_pictures, without), strict=True):
            store.set_document(article_id, doc.to_dict(), doc.title, doc.body_text)
    finally:
        store.close()
    marker.write_text(json.dumps(ids), encoding="utf-8")
    return ids[0], ids[1]
