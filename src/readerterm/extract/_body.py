"""The article body: readability-lxml finds the main block, our walker makes the blocks.

readability-lxml keeps class and id attributes in its output, so furniture that it lets
through (share lines, newsletter boxes, donation appeals, related blocks) can still be
recognised and removed. Captions are turned into <figure>/<figcaption> before it runs
(`_prepare`), so they come out as figure blocks apart from the body text.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from typing import Any, NamedTuple

import lxml.html
from lxml import etree
from readability import Document as _Readability

from readerterm.extract._patterns import (
    CAPTION_WORDS,
    CREDIT_END,
    CREDIT_START,
    CREDIT_WORDS,
    DATE_LINE,
    DONATION_WORDS,
    FURNITURE_TEXT,
    PROMO_TEXT,
    RELATED_HEADING,
)
from readerterm.extract._prepare import (
    ORDER_ATTR,
    drop_link_lists,
    has_img,
    norm,
    prepare,
    text_len,
)
from readerterm.html import tree_to_blocks
from readerterm.html.rules import caption_and_credit
from readerterm.models import Block, Image

# readability logs a traceback for every page it cannot parse; we handle that ourselves.
logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


class _Reader(_Readability):  # type: ignore[misc]
    """readability's Document on a copy of our prepared tree (it mutates what it parses,
    and it re-parses on its second, less ruthless pass).

    Its own parse step is left out: it cleans the page (scripts, styles, frames), which
    `prepare` has done, and makes links absolute, which the block walker does for what it
    keeps. Together they were a fifth of readability's time."""

    def _parse(self, input: Any) -> Any:
        return copy.deepcopy(input)


def _order(el: lxml.html.HtmlElement) -> int:
    try:
        return int(el.get(ORDER_ATTR) or -1)
    except ValueError:
        return -1


def _restore_figures(work: lxml.html.HtmlElement, main: lxml.html.HtmlElement) -> None:
    """Put back the captioned figures that readability dropped from inside the article
    (it scores them as text-poor blocks), and a lead figure between the headline and the
    first paragraph."""
    kept = [_order(el) for el in main.iter() if isinstance(el.tag, str)
            and el.tag in ("p", "li", "blockquote", "h2", "h3", "h4") and _order(el) >= 0]
    if not kept:
        return
    first, last = min(kept), max(kept)
    h1 = next((el for el in work.iter("h1") if _order(el) < first), None)
    start = _order(h1) if h1 is not None else first
    present = {_order(el): el for el in main.iter("figure")}
    anchors = sorted(((_order(el), el) for el in main.iter() if isinstance(el.tag, str)
                      and _order(el) >= 0 and el.tag not in ("a", "span", "em", "strong",
                                                             "b", "i")),
                     key=lambda pair: pair[0])
    for figure in list(work.iter("figure")):
        pos = _order(figure)
        held = present.get(pos)
        if held is not None:
            # readability empties a figure's text-less wrapper of its image: put it back.
            if not has_img(held) and has_img(figure) and held.getparent() is not None:
                held.addprevious(copy.deepcopy(figure))
                held.getparent().remove(held)
            continue
        if not start <= pos <= last:
            continue
        if any(a.tag == "figure" for a in figure.iterancestors()):
            continue
        caption = figure.find(".//figcaption")
        if caption is None or not text_len(caption):
            continue
        after = next((el for p, el in anchors if p > pos), None)
        clone = copy.deepcopy(figure)
        if after is not None and after.getparent() is not None:
            after.addprevious(clone)
        else:
            main.append(clone)


def _readable(work: lxml.html.HtmlElement, url: str | None) -> lxml.html.HtmlElement | None:
    try:
        html = _Reader(work, url=url).summary(html_partial=True)
    except Exception:  # readability raises its own Unparseable and whatever lxml raises
        return None
    if not html or not isinstance(html, str):
        return None
    try:
        out = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on bodiless pages
        return None
    return out if isinstance(out, lxml.html.HtmlElement) else None


def _furniture_block(text: str) -> bool:
    if len(text) < 300 and (FURNITURE_TEXT.match(text) or PROMO_TEXT.search(text)
                            or DATE_LINE.match(text)):
        return True
    return len(text) < 500 and len(DONATION_WORDS.findall(text)) >= 1 and (
        "!" in text or len(DONATION_WORDS.findall(text)) >= 2)


def clean_blocks(blocks: list[Block], title: str, related: list[str],
                 labels: tuple[str, ...] = ()) -> list[Block]:
    """Drop headline repeats, furniture lines and related-link titles from the body, and
    the section label or byline (`labels`) where they stand above the story."""
    title_n = norm(title)
    labels_n = {norm(label) for label in labels if label}
    out: list[Block] = []
    for block in blocks:
        if (labels_n and block.kind != "figure" and norm(block.text) in labels_n
                and not any(b.kind == "paragraph" and len(b.text) > 80 for b in out)):
            continue
        if block.kind == "figure":
            out.append(block)
            continue
        if block.kind == "list":
            items = tuple(i for i in block.items if not _furniture_block(i)
                          and not _is_related(norm(i), related))
            if items:
                out.append(Block("list", items=items, ordered=block.ordered))
            continue
        text_n = norm(block.text)
        if not text_n:
            continue
        if block.kind == "heading" and title_n and text_n == title_n:
            continue
        if block.kind == "heading" and RELATED_HEADING.match(block.text):
            continue
        if _furniture_block(block.text) or _is_related(text_n, related):
            continue
        if block.kind == "paragraph" and _credit_line(block.text):
            _credit_to_figure(block.text, out)
            continue
        out.append(block)
    return out


def _credit_line(text: str) -> bool:
    """A picture's credit standing alone in the body, or a caption ending in one."""
    words = len(text.split())
    return ((words <= CREDIT_WORDS and bool(CREDIT_START.search(text)))
            or (words <= CAPTION_WORDS and bool(CREDIT_END.search(text))))


def _credit_to_figure(text: str, out: list[Block]) -> None:
    """A credit line goes to the figure just above it when that has none (a caption
    before a `©` with it, when the figure has none); else it is left out of the body."""
    prev = out[-1] if out else None
    if prev is None or prev.kind != "figure" or prev.image is None or prev.image.credit:
        return
    caption, sep, credit = text.rpartition("©")
    caption, credit = (caption.strip(" |"), sep + credit) if sep else ("", text)
    caption, credit = caption_and_credit(prev.image.caption or caption, credit.strip())
    out[-1] = Block("figure", image=dataclasses.replace(prev.image, caption=caption,
                                                        credit=credit))


def _is_related(text_n: str, related: list[str]) -> bool:
    return any(r and r in text_n and len(text_n) < 2 * len(r) + 40 for r in related)


def merge_figures(blocks: list[Block]) -> list[Block]:
    """A caption-only figure right after an uncaptioned image becomes that image's caption."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (block.kind == "figure" and block.image and not block.image.src
                and prev is not None and prev.kind == "figure" and prev.image
                and prev.image.src and not prev.image.caption):
            out[-1] = Block("figure", image=Image(
                src=prev.image.src, alt=prev.image.alt, caption=block.image.caption,
                credit=block.image.credit or prev.image.credit))
            continue
        out.append(block)
    return out


class Body(NamedTuple):
    """What `extract_body` found."""

    blocks: list[Block]
    rejected: list[str]  # normalised text of each element removed as furniture
    near: str  # normalised text around the article's block (see _neighbourhood)


NEAR_LEVELS = 4  # how far above the article's block its neighbourhood reaches


def _neighbourhood(work: lxml.html.HtmlElement, main: lxml.html.HtmlElement) -> str:
    """The text of the element that holds the block readability chose, `NEAR_LEVELS`
    above it: where a lead paragraph above the story or a list below it stands, and
    not the other columns of the page."""
    wanted = {_order(el) for el in main.iter() if isinstance(el.tag, str)}
    wanted.discard(-1)
    found = [el for el in work.iter() if isinstance(el.tag, str) and _order(el) in wanted]
    if not found:
        return ""
    # The common ancestor of the first and last elements kept holds them all.
    first, last = found[0], found[-1]
    ancestors = [first, *first.iterancestors()]
    lasts = {last, *last.iterancestors()}
    scope = next((el for el in ancestors if el in lasts), work)
    for _ in range(NEAR_LEVELS):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
    return norm(scope.text_content())


def extract_body(root: lxml.html.HtmlElement, url: str | None, title: str,
                 related: list[str], labels: tuple[str, ...] = ()) -> Body:
    """The body blocks of a parsed page, what was removed as furniture, and the text
    around the article's block."""
    rejected: list[str] = []
    work = prepare(root, rejected)
    main = _readable(work, url)
    if main is None:
        body = work.find("body")
        main = body if body is not None else work
        near = norm(main.text_content())
    else:
        near = _neighbourhood(work, main)
        _restore_figures(work, main)
    drop_link_lists(main, rejected)
    blocks = tree_to_blocks(main, base_url=url)
    return Body(merge_figures(clean_blocks(blocks, title, related, labels)), rejected, near)
