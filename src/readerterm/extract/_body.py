"""The article body: readability-lxml finds the main block, our walker makes the blocks.

readability-lxml keeps class and id attributes in its output, so furniture that it lets
through (share lines, newsletter boxes, donation appeals, related blocks) can still be
recognised and removed. Captions are turned into <figure>/<figcaption> before it runs,
so they come out as figure blocks apart from the body text.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import lxml.html
from lxml import etree
from readability import Document as _Readability

from readerterm.extract._patterns import (
    DONATION_WORDS,
    FURNITURE_ATTR,
    FURNITURE_TEXT,
    RELATED_ATTR,
    RELATED_HEADING,
    caption_attr,
)
from readerterm.html import tree_to_blocks
from readerterm.html.rules import SKIPPED as DROP_TAGS
from readerterm.models import Block, Image

# readability logs a traceback for every page it cannot parse; we handle that ourselves.
logging.getLogger("readability.readability").setLevel(logging.CRITICAL)

ORDER_ATTR = "data-readerterm-order"
_WORD = re.compile(r"\w+")


def _attr(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def norm(text: str) -> str:
    """Lowercase word tokens joined by single spaces (for comparing texts)."""
    return " ".join(_WORD.findall(text.lower()))


class _Reader(_Readability):  # type: ignore[misc]
    """readability's Document on a copy of our prepared tree (it mutates what it parses,
    and it re-parses on its second, less ruthless pass)."""

    def _parse(self, input: Any) -> Any:
        return super()._parse(copy.deepcopy(input))


def _drop(el: lxml.html.HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # Keep the tail text, which belongs to the parent.
    el.drop_tree()


def _text_len(el: lxml.html.HtmlElement) -> int:
    return sum(len(t.strip()) for t in el.itertext())


def _link_len(el: lxml.html.HtmlElement) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
_URLISH = re.compile(r"^(?:https?:)?/?/?[^\s{}\"'<>]+$")


def _fix_images(root: lxml.html.HtmlElement) -> None:
    """Lazy-loaded images get their real source; data: images are dropped."""
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        for name in _LAZY_ATTRS:
            lazy = (img.get(name) or "").strip()
            # A lazy-loading attribute names the real image; src is then a placeholder.
            if lazy and _URLISH.match(lazy) and not lazy.lower().startswith("data:"):
                img.set("src", lazy)
                src = lazy
                break
        if not src or src.lower().startswith("data:"):
            _drop(img)


def _has_img(el: lxml.html.HtmlElement) -> bool:
    return el.tag == "img" or el.find(".//img") is not None


def _add_figcaption(figure: lxml.html.HtmlElement) -> None:
    """A figure with no <figcaption>: its text outside the image becomes the caption."""
    if figure.find(".//figcaption") is not None:
        return
    queue = [figure]
    while queue:
        el = queue.pop(0)
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if _has_img(child):
                queue.append(child)
            elif _text_len(child) and child.tag not in ("a", "img"):
                child.tag = "figcaption"
                return


def _mark_captions(root: lxml.html.HtmlElement) -> None:
    """Caption markup outside <figcaption> becomes <figure>/<figcaption>."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("figure", "figcaption", "img", "body",
                                                     "html", "a"):
            continue
        if not caption_attr(_attr(el)):
            continue
        ancestors = {a.tag for a in el.iterancestors()}
        if "figcaption" in ancestors:
            continue
        if _has_img(el):
            # A figure container (wp-caption and the like).
            if "figure" not in ancestors and len(el.findall(".//img")) == 1 \
                    and _text_len(el) < 1500:
                el.tag = "figure"
            continue
        if _text_len(el) == 0 or _text_len(el) > 1500:
            continue
        if "figure" in ancestors:
            el.tag = "figcaption"
            continue
        parent = el.getparent()
        if (parent is not None and parent.tag not in ("body", "html")
                and len(parent.findall(".//img")) == 1
                and _text_len(parent) <= _text_len(el) * 1.5 + 40
                and not any(a.tag == "figure" for a in parent.iterdescendants())):
            parent.tag = "figure"
            el.tag = "figcaption"
            continue
        figure = etree.Element("figure")
        el.addprevious(figure)
        figure.append(el)  # moves el, with its tail
        figure.tail, el.tail = el.tail, None
        el.tag = "figcaption"
    for figure in root.iter("figure"):
        _add_figcaption(figure)


def _paragraph_text(
        root: lxml.html.HtmlElement) -> tuple[dict[lxml.html.HtmlElement, int], int]:
    """Characters of <p> text inside each element, and in the whole page.

    Keyed by the elements themselves: lxml's proxies live only while referenced, so
    `id()` of an element is not stable."""
    inside: dict[lxml.html.HtmlElement, int] = {}
    total = 0
    for p in root.iter("p"):
        size = _text_len(p)
        if size < 40:
            continue
        total += size
        for anc in p.iterancestors():
            inside[anc] = inside.get(anc, 0) + size
    return inside, total


def _drop_furniture(root: lxml.html.HtmlElement) -> None:
    inside, total = _paragraph_text(root)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in DROP_TAGS:
            _drop(el)
            continue
        if el.tag in ("html", "body", "article", "main", "figure", "figcaption", "img"):
            continue
        attr = _attr(el)
        if not attr.strip() or not FURNITURE_ATTR.search(attr):
            continue
        if caption_attr(attr) and not RELATED_ATTR.search(attr):
            continue
        # Never drop what holds much of the page's paragraph text: a class such as
        # "has-sidebar" or "right-rail" on a wrapper of the article says nothing.
        if total and inside.get(el, 0) > 0.25 * total:
            continue
        if el.getparent() is not None:
            _drop(el)


def _drop_related_headings(root: lxml.html.HtmlElement) -> None:
    for tag in ("h2", "h3", "h4", "h5", "h6", "strong", "b", "p"):
        for el in list(root.iter(tag)):
            text = el.text_content().strip()
            if not text or len(text) > 60 or not RELATED_HEADING.match(text):
                continue
            box = el.getparent()
            hops = 0
            while box is not None and hops < 3 and len(box.findall(".//a")) < 2:
                box = box.getparent()
                hops += 1
            if (box is not None and box.tag not in ("html", "body", "article", "main")
                    and _link_len(box) > 0.4 * max(1, _text_len(box))):
                _drop(box)
            elif el.getparent() is not None:
                _drop(el)


def _drop_link_lists(root: lxml.html.HtmlElement) -> None:
    """Lists and short paragraphs that are mostly links (promos, "READ MORE" lines)."""
    for el in list(root.iter("ul", "ol", "p", "div", "section", "aside", "table")):
        if el.getparent() is None or any(
                a.tag in ("figure", "figcaption") for a in el.iterancestors()):
            continue
        size = _text_len(el)
        if size == 0:
            continue
        links = _link_len(el)
        n_links = len(el.findall(".//a"))
        if el.tag in ("ul", "ol", "div", "section", "aside", "table"):
            if n_links >= 2 and links > 0.6 * size:
                _drop(el)
        elif el.tag == "p" and links > 0.8 * size and size < 200 and el.find(".//img") is None:
            _drop(el)


def prepare(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page with its furniture removed and captions marked."""
    work = copy.deepcopy(root)
    _fix_images(work)
    _drop_furniture(work)
    _mark_captions(work)
    _drop_related_headings(work)
    for i, el in enumerate(work.iter()):
        if isinstance(el.tag, str):
            el.set(ORDER_ATTR, str(i))
    return work


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
    present = {_order(el) for el in main.iter("figure")}
    anchors = sorted(((_order(el), el) for el in main.iter() if isinstance(el.tag, str)
                      and _order(el) >= 0 and el.tag not in ("a", "span", "em", "strong",
                                                             "b", "i")),
                     key=lambda pair: pair[0])
    for figure in list(work.iter("figure")):
        pos = _order(figure)
        if pos in present or not start <= pos <= last:
            continue
        if any(a.tag == "figure" for a in figure.iterancestors()):
            continue
        caption = figure.find(".//figcaption")
        if caption is None or not _text_len(caption):
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
    if len(text) < 300 and FURNITURE_TEXT.match(text):
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
        out.append(block)
    return out


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


def extract_body(root: lxml.html.HtmlElement, url: str | None, title: str,
                 related: list[str], labels: tuple[str, ...] = ()) -> list[Block]:
    """The body blocks of a parsed page."""
    work = prepare(root)
    main = _readable(work, url)
    if main is None:
        body = work.find("body")
        main = body if body is not None else work
    else:
        _restore_figures(work, main)
    _drop_link_lists(main)
    blocks = tree_to_blocks(main, base_url=url)
    return merge_figures(clean_blocks(blocks, title, related, labels))
