"""The HTML rules, in one place: which tags are skipped, which make blocks, how a figure's
caption and credit are told apart, and when a feed entry already is the whole story.

`walk` applies them to a tree for the reader and the refresh; `extract` drops the same
skipped tags from a page before it looks for the article.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence

SKIPPED = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
    "embed", "svg", "math", "form", "button", "select", "textarea", "input", "head", "title",
    "nav", "canvas", "dialog", "video", "audio", "link", "meta", "base", "picture-source"})
"""Elements whose text is never body text: their whole subtree goes (their tail stays)."""

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "table", "tr",
    "dl", "dt", "dd", "center", "address", "details", "summary", "hr", "br", "td", "th",
    "tbody", "thead"})
"""Elements that end the paragraph before them and, but for void ones, start a new one."""

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
MAX_BLOCKS = 5000
"""Paragraphs and lists after this many blocks are left out."""
PARAGRAPH_MAX = 100_000
CAPTION_MAX = 2000
CREDIT_MAX = 500

# -- figures -------------------------------------------------------------------------

CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|attribution", re.I)
"""A class inside a <figcaption> that makes its text the credit."""
CREDIT_PREFIX = re.compile(
    r"^(?:photo(?:graph)?|foto|image|picture|illustration|credit)s?\s*(?::|by)\s*", re.I)
"""What a credit loses at its start ("Photo: ", "Image by ")."""
CREDIT_AT_END = re.compile(
    r"\s*\(?\s*(?:(?:Photograph|Photo|Image|Picture|Illustration|Credit)s?\s*(?::|by)\s*"
    r"|©\s*)([^.()]{2,120})\)?\.?\s*$"
)
_CREDIT_WORDS = ("Photo", "Image", "Picture", "Illustration", "Credit", "©")


def split_credit(caption: str) -> tuple[str, str]:
    """Split "A caption. Photograph: Someone/Agency" into (caption, credit)."""
    # From its keyword to its end a match holds no ".", "(" or ")" but a ")." closing
    # the caption, and before the keyword only blanks and one "(": it starts at the
    # first keyword after the last of those characters, or in the blanks and "("
    # before it. Searching from there spares the regex a try at every character.
    core = caption.rstrip()
    core = core[:-1] if core.endswith(".") else core
    core = core[:-1] if core.endswith(")") else core
    after = max(core.rfind("."), core.rfind("("), core.rfind(")")) + 1
    found = [at for at in (caption.find(word, after) for word in _CREDIT_WORDS) if at >= 0]
    if not found:
        return caption, ""
    start = len(caption[: min(found)].rstrip())
    if start and caption[start - 1] == "(":
        start = len(caption[: start - 1].rstrip())
    return split_credit_from(caption, start)


def split_credit_from(caption: str, start: int) -> tuple[str, str]:
    """`split_credit` with CREDIT_AT_END searched from `start` (0: every character)."""
    match = CREDIT_AT_END.search(caption, start)
    if match and match.start() > 0:
        # "(Image: GETTY)" loses both parentheses, not only the closing one.
        return caption[: match.start()].rstrip(" .,;-–—(") + ".", match.group(1).strip()
    return caption, ""


def caption_and_credit(caption: str, credit: str) -> tuple[str, str]:
    """A figure's clean caption and credit: a credit at the caption's end is split off
    when no element gave one, and "Photo: " and the like go from the credit's start."""
    if caption and not credit:
        caption, credit = split_credit(caption)
    return caption, CREDIT_PREFIX.sub("", credit) if credit else ""


# -- the full-story rule -------------------------------------------------------------

FULL_STORY_WORDS = 250
_STUB_ENDS = ("read more", "continue reading", "read the full", "read the rest",
              "the post appeared first")
_WORD = re.compile(r"\w+")
_count_spaces = operator.methodcaller("count", " ")


def is_full_story_text(paragraphs: Sequence[str], min_words: int = FULL_STORY_WORDS) -> bool:
    """Whether a feed entry's paragraphs (clean lines: paragraphs, quotes and headings,
    then list items, captions left out) already are the whole story: `min_words` words
    in two or more paragraphs and no "read more" stub at the end."""
    # Each paragraph is one clean line (words between single spaces): its words are its
    # spaces plus one, counted without splitting it into a list.
    if len(paragraphs) < 2 or sum(map(_count_spaces, paragraphs)) + len(
            paragraphs) < min_words:
        return False
    tail = " ".join(_WORD.findall(paragraphs[-1].lower()))[-80:]
    return not any(end in tail for end in _STUB_ENDS)
