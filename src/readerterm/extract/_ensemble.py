"""A second opinion on the article's text, from trafilatura, and how the two combine.

readability-lxml, on a page our passes prepared, finds the article's main block and keeps
its figures, captions and markup. It fails in two ways on pages it was not tuned on: it
picks the wrong block (a sidebar, a teaser, one paragraph of many), or it keeps the main
block but leaves out text beside it (a lead paragraph above it, a list or a table below
it). trafilatura reads the page differently (paragraph by paragraph, with its own
boilerplate rules) and fails on other pages. Combining them beats either, as the
published comparisons of extractors find, and as `benchmarks/extract_bench.py` measures on
each development set:

- when our body is empty, or shares almost no text with trafilatura's prose, or is a
  small part of it, our pick was the wrong block: trafilatura's paragraphs are the body;
- otherwise our blocks stay, and each paragraph trafilatura found that we do not have is
  put in at its place when it stands near our block and is no furniture our passes
  removed, no caption or credit, no headline, no teaser made of links and no short label;
- a body still under `SHORT_BODY_WORDS` is checked once more against trafilatura's full
  mode (with its own fallbacks).

Both sides are filtered by the same `clean_blocks`. docs/extraction.md (step 7) gives
the thresholds and how they were checked.
"""

from __future__ import annotations

import copy
import logging

import lxml.html
import trafilatura
from lxml import etree

from readerterm.extract._body import Body, clean_blocks
from readerterm.extract._patterns import AGENCY, CREDIT_START, CREDIT_WORDS
from readerterm.extract._prepare import norm
from readerterm.models import Block
from readerterm.safety import clean_line

# trafilatura logs its own decisions at WARNING on odd pages.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

MIN_WORDS = 5  # fewer words than this is no article
PROSE_WORDS_PER_LINE = 5  # fewer words per paragraph on average: a menu, not prose
PARAGRAPH_MAX = 100_000  # characters of one paragraph (a whole article can be one)
_NEVER_READ = ("style", "svg", "link", "meta")


def second_opinion(root: lxml.html.HtmlElement, url: str | None,
                   fast: bool = True) -> list[str]:
    """trafilatura's paragraphs of the page, in order (empty when it finds none).

    It is handed a copy of our parsed tree (it changes what it reads). `fast` leaves out
    its own fallbacks (its readability port and jusText on the raw page), which cost as
    much again and matter only when the article is short or hard to find."""
    tree = copy.deepcopy(root)
    # trafilatura reads <template>s, and the "enable JavaScript" lines of <noscript>s
    # (a long <noscript> stays: Blogger puts the whole post in one). What it always
    # discards goes before it runs, so its passes walk a smaller tree (the same text on
    # every development page, a tenth less time): styles, drawings, <link>s, <meta>s and
    # scripts, except JSON-LD, whose articleBody its fallback reads.
    etree.strip_elements(tree, "template", *_NEVER_READ, with_tail=False)
    for el in list(tree.iter("script")):
        if el.get("type") != "application/ld+json":
            el.drop_tree()
    for el in list(tree.iter("noscript")):
        if len(el.text_content()) < 200:
            el.drop_tree()
    try:
        text = trafilatura.extract(tree, url=url, fast=fast,
                                   include_comments=False, include_tables=True)
    except Exception:  # trafilatura raises whatever lxml raises on odd trees
        return []
    if not text:
        return []
    return [line for line in (clean_line(raw, PARAGRAPH_MAX) for raw in text.splitlines())
            if line]


def _block_text(block: Block) -> str:
    if block.kind == "list":
        return " ".join(block.items)
    return block.text


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i:i + 4]) for i in range(max(1, len(words) - 3))}


def wrong_block(ours: str, theirs: str, lines: int = 1) -> bool:
    """Whether our body (normalised text) is the wrong pick, beside trafilatura's
    (normalised text of `lines` paragraphs).

    Empty; sharing almost no text with theirs when theirs is prose; or a small part of
    theirs: little of theirs in ours, and most of ours in theirs with theirs more than
    half again as long, or more than half of ours in theirs with theirs three times as
    long (a login box or a teaser of the article beside a little of it)."""
    mine, other = ours.split(), theirs.split()
    if len(other) < MIN_WORDS:
        return False
    if len(mine) < MIN_WORDS:
        return True
    a, b = _shingles(ours), _shingles(theirs)
    common = len(a & b)
    in_theirs, in_ours = common / len(a), common / len(b)
    if in_theirs < 0.05 and in_ours < 0.05:
        # Two different blocks: theirs when it is prose (a menu read as text is lines
        # of one or two words) and not short.
        return len(other) >= 30 and len(other) >= PROSE_WORDS_PER_LINE * lines
    if in_ours >= 0.5:
        return False
    return ((in_theirs > 0.8 and len(other) > 1.5 * len(mine))
            or (in_theirs > 0.6 and len(other) > 3 * len(mine)))


def body_words(blocks: list[Block]) -> str:
    """The normalised text of the blocks that are not figures."""
    return " ".join(norm(_block_text(b)) for b in blocks if b.kind != "figure")


def link_texts(root: lxml.html.HtmlElement) -> list[str]:
    """The normalised texts of the page's links, longest first."""
    found = {norm(a.text_content()) for a in root.iter("a")}
    return sorted((t for t in found if len(t) >= 3), key=len, reverse=True)


MIN_INSERTED_WORDS = 5  # a shorter line of trafilatura's alone is a label, a date, a menu


LIST_ITEM = "- "  # how trafilatura's text starts a list item
LIST_RUN = 3  # short items count when they stand in a list at least this long


def _list_runs(lines: list[str]) -> list[bool]:
    """For each line, whether it is an item of a list of `LIST_RUN` items or more (an
    ingredient list, a list of steps: short items that are the story)."""
    flags = [line.startswith(LIST_ITEM) for line in lines]
    out = [False] * len(lines)
    start = 0
    for i in range(len(lines) + 1):
        if i == len(lines) or not flags[i]:
            if i - start >= LIST_RUN:
                out[start:i] = [True] * (i - start)
            start = i + 1
    return out


def _insert(blocks: list[Block], line: str, item: bool) -> None:
    """Put `line` in after `blocks`; items of a list go into one list block."""
    if not item:
        blocks.append(Block("paragraph", text=line))
        return
    text = line[len(LIST_ITEM):]
    if blocks and blocks[-1].kind == "list":
        blocks[-1] = Block("list", items=(*blocks[-1].items, text))
    else:
        blocks.append(Block("list", items=(text,)))


def _odd_line(line: str, text: str, item: bool = False) -> bool:
    """A line of trafilatura's that is no paragraph of the story: too short (unless an
    item of a list), or a picture's credit."""
    words = len(text.split())
    return (words < MIN_INSERTED_WORDS and not item) or (words <= CREDIT_WORDS and bool(
        CREDIT_START.search(line) or AGENCY.search(line)))


def _teaser(text: str, links: list[str]) -> bool:
    """A line that starts with a link's headline, or is mostly the text of links (a
    teaser of another story, a menu, a table of links)."""
    rest = text
    for link in links:
        if link in rest:
            if len(link) >= 15 and text.startswith(link):
                return True
            rest = rest.replace(link, " ")
    return len(rest.replace(" ", "")) * 2 <= len(text.replace(" ", ""))


def combine(blocks: list[Block], lines: list[str], rejected: list[str],
            links: list[str], near: str) -> list[Block]:
    """Our blocks with trafilatura's missing paragraphs put in at their places.

    `lines` are trafilatura's paragraphs, already cleaned as our blocks were. A line is
    put in only when its text stands `near` our article's block (not in another column
    of the page) and is not in our blocks (or a caption), in what our passes `rejected`
    as furniture, or a teaser made of one of the page's `links`. It goes after the last
    of our blocks that trafilatura put before it (before our first block when there is
    none)."""
    texts = [norm(_block_text(b)) if b.kind != "figure" else "" for b in blocks]
    captions = " | ".join(norm(f"{b.image.caption} {b.image.credit}") for b in blocks
                          if b.kind == "figure" and b.image)
    refused = " | ".join(rejected)
    inserts: dict[int, list[Block]] = {}
    position = -1  # index of the last of our blocks that trafilatura's order has reached
    in_list = _list_runs(lines)
    for i, line in enumerate(lines):
        text = norm(line)
        if not text:
            continue
        found = _ours(text, texts, max(0, position))
        if found is not None:
            position = found
            continue
        if any(t and text in t for t in texts):
            continue  # ours, earlier on: trafilatura ordered it otherwise
        if (text not in near or text in captions or text in refused
                or _odd_line(line, text, in_list[i]) or _teaser(text, links)):
            continue
        _insert(inserts.setdefault(position, []), line, in_list[i])
    theirs = " | ".join(norm(line) for line in lines)
    out = list(inserts.get(-1, []))
    for i, block in enumerate(blocks):
        # A short line of ours that trafilatura does not have either is a label, a date
        # or a menu entry left inside the article's block.
        if not (block.kind in ("paragraph", "quote") and _short(texts[i])
                and texts[i] not in theirs):
            out.append(block)
        out.extend(inserts.get(i, []))
    return out


def _ours(text: str, texts: list[str], start: int) -> int | None:
    """The first of our blocks from `start` on that holds `text` (or that `text` holds,
    when trafilatura joined it with a neighbour), or None."""
    return next((i for i in range(start, len(texts)) if texts[i] and (
        text in texts[i] or (len(texts[i]) > 30 and texts[i] in text))), None)


def _short(text: str) -> bool:
    return len(text.split()) < MIN_INSERTED_WORDS


# A body shorter than this may be the wrong block even where trafilatura's fast mode
# agrees: its full mode (with its fallbacks) is asked too.
SHORT_BODY_WORDS = 300


def checked(root: lxml.html.HtmlElement, url: str | None, body: Body, title: str,
            related: list[str], labels: tuple[str, ...]) -> list[Block]:
    """Our body's blocks checked against trafilatura's reading of the page: its
    paragraphs when ours are the wrong block, ours with its missing paragraphs put in
    otherwise. `title`, `related` (normalised related-link titles) and `labels` (section,
    byline) filter its paragraphs as `clean_blocks` filtered ours."""
    blocks = body.blocks
    for fast in (True, False):
        ours = body_words(blocks)
        if not fast and len(ours.split()) >= SHORT_BODY_WORDS:
            break
        lines = second_opinion(root, url, fast=fast)
        if not lines:
            continue
        theirs = clean_blocks([Block("paragraph", text=line) for line in lines],
                              title, related, labels)
        if wrong_block(ours, body_words(theirs), len(theirs)):
            blocks = theirs
        elif fast:
            # trafilatura keeps the headline in its text; ours is never in the body.
            blocks = combine(blocks, [b.text for b in theirs],
                             [*body.rejected, norm(title)], link_texts(root), body.near)
    return blocks
