"""htmlblocks' shortcuts give what their plain form gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readerterm.htmlblocks import split_credit, split_credit_from


def reference_split_credit(caption: str) -> tuple[str, str]:
    """split_credit searching from the caption's first character, as it first did."""
    return split_credit_from(caption, 0)


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


def test_split_credit_on_chosen_captions() -> None:
    for caption in CAPTIONS:
        assert split_credit(caption) == reference_split_credit(caption), caption


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_split_credit_is_its_reference(caption: str) -> None:
    assert split_credit(caption) == reference_split_credit(caption)
