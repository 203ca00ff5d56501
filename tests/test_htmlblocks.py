"""split_credit gives the caption and credit it gave when they were recorded.

tests/data/html/split_credit.json holds [caption, caption kept, credit] for the captions
below and 1,981 made of PIECES (random.Random(13), up to 14 pieces each), recorded from
split_credit as it was at commit 5de934f (whose shortcut, searching from the first
credit word, was itself checked against a search from every character).
"""

from __future__ import annotations

import json
from pathlib import Path

from readerterm.html.rules import split_credit

RECORDED = Path(__file__).parent / "data" / "html" / "split_credit.json"

CAPTIONS = [
    "", "Photo: X", "A caption. Photograph: Someone/Agency", "A dog (Image: GETTY)",
    "A dog (Image: GETTY).", "A dog. (Photo by A. Person)", "Cats. © Jane Doe", "Cats © J",
    "Dogs. Photo: Anna Berg  ", "Dogs. Photo: Anna Berg .", "Dogs. Photo: Anna Berg) .",
    "Dogs ( Photo: Anna Berg )", "Dogs (x) Photo: Anna", "Dogs. Photo: A.B", "Dogs.\n Photo: X\n",
    "Dogs.\xa0(Credit:\u2028Reuters)", "Dogs (Photo: X) (Credit: Y)", "Photos by Z", "(Photo: Z)",
]
PIECES = ["Photo", "Photograph", "Credits", "Image", "Picture", "by", ":", "©", ".", "(", ")",
          " ", "  ", "\n", "\t", "\xa0", "\u2028", "\x1c", "x", "Anna Berg", "s", "A.", ").", "—",
          "!", "?", "Illustration", "Credit", "Images", "Pictures"]


def recorded() -> list[tuple[str, str, str]]:
    return [(c, kept, credit) for c, kept, credit in json.loads(
        RECORDED.read_text(encoding="utf-8"))]


def test_split_credit_on_chosen_captions() -> None:
    want = {caption: (kept, credit) for caption, kept, credit in recorded()}
    for caption in CAPTIONS:
        assert split_credit(caption) == want[caption], caption


def test_split_credit_gives_the_recorded_split() -> None:
    cases = recorded()
    assert len(cases) == 2000
    assert sum(1 for _, _, credit in cases if credit) > 200  # many captions do split
    for caption, kept, credit in cases:
        assert split_credit(caption) == (kept, credit), caption
