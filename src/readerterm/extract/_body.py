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
from typing import Any, NamedTuple

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
    and it re-parses on its second, less ruthless pass).

    Its own parse step is left out: it cleans the page (scripts, styles, frames), which
    `prepare` has done, and makes links absolute, which the block walker does for what it
    keeps. Together they were a fifth of readability's time."""

    def _parse(self, input: Any) -> Any:
        return copy.deepcopy(input)


# Tags whose text is never prose, so it is neither weighed nor remembered as rejected.
# Dropped tags whose text is remembered as rejected: menus and forms, not embeds.
_KEEP_REJECTED = ("nav", "form", "dialog", "select", "button")
_NO_PROSE = ("script", "style", "template", "noscript", "svg", "math", "head", "title")


def _drop(el: lxml.html.HtmlElement, rejected: list[str] | None = None) -> None:
    """Remove `el` (its tail text stays, it belongs to the parent); its text goes to
    `rejected` so that a second opinion cannot bring it back."""
    if el.getparent() is None:
        return
    if rejected is not None and el.tag not in _NO_PROSE:
        text = norm(el.text_content())
        if text:
            rejected.append(text)
    el.drop_tree()


def _text_len(el: lxml.html.HtmlElement) -> int:
    return sum(len(t.strip()) for t in el.itertext())


def _link_len(el: lxml.html.HtmlElement) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
_URLISH = re.compile(r"^(?:https?:)?/?/?[^\s{}\"'<>]+$")


# An image that is a mark, not a picture of the story: by its class, id, file name or a
# one- or two-word alt text ("avatar", "Twitter").
_ICON = re.compile(r"(?:^|[\W_])(?:icons?|avatars?|logos?|sprites?|emoji|emoticons?|badges?|"
                   r"spinner|loader|gravatar|pixel|spacer|share|social|twitter|facebook|"
                   r"whatsapp|linkedin|pinterest|instagram|youtube|rss)(?:$|[\W_])",
                   re.I)
ICON_PX = 64  # an image drawn this small or smaller is an icon


def _px(value: str | None) -> int | None:
    match = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value or "")
    return int(match.group(1)) if match else None


def is_icon(img: lxml.html.HtmlElement) -> bool:
    """Whether an image is an icon, a logo, an avatar or a tracking pixel."""
    sizes = [n for n in (_px(img.get("width")), _px(img.get("height"))) if n is not None]
    if sizes and max(sizes) <= ICON_PX:
        return True
    src = (img.get("src") or "").split("?")[0].rsplit("/", 2)[-2:]
    alt = img.get("alt") or ""
    marks = f"{img.get('class') or ''} {img.get('id') or ''} {' '.join(src)}"
    if len(alt.split()) <= 2:
        marks += f" {alt}"
    return bool(_ICON.search(marks))


def _fix_images(root: lxml.html.HtmlElement) -> None:
    """Lazy-loaded images get their real source; data: images and icons are dropped."""
    for img in list(root.iter("img")):
        if is_icon(img):
            _drop(img)
            continue
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


def _join_loose_figcaptions(root: lxml.html.HtmlElement) -> None:
    """A <figcaption> outside any <figure>, right after the element holding its image,
    becomes one <figure> with it."""
    for caption in list(root.iter("figcaption")):
        if any(a.tag == "figure" for a in caption.iterancestors()):
            continue
        image = caption.getprevious()
        if (image is None or not isinstance(image.tag, str) or not _has_img(image)
                or len(image.findall(".//img")) > 1 or _text_len(image) > 200):
            continue
        figure = etree.Element("figure")
        image.addprevious(figure)
        figure.append(image)  # moves it, with its tail
        figure.append(caption)
        figure.tail, caption.tail = caption.tail, None


def _mark_captions(root: lxml.html.HtmlElement) -> None:
    """Caption markup outside <figcaption> becomes <figure>/<figcaption>."""
    _join_loose_figcaptions(root)
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


PROSE_RUN = 25  # characters: a shorter run of text is a label, a link or a menu entry


def prose_sizes(
        root: lxml.html.HtmlElement) -> tuple[dict[lxml.html.HtmlElement, int], int]:
    """Characters of prose inside each element, and in the whole page.

    Prose is every run of text (an element's text or a child's tail) of at least
    `PROSE_RUN` characters outside links, scripts and styles, whatever holds it: `<p>`,
    `<br>`-separated runs in a `<div>` or a table cell, a `<font>`. Summed bottom-up in one
    pass. Keyed by the elements themselves: lxml's proxies live only while referenced, so
    `id()` of an element is not stable."""
    inside: dict[lxml.html.HtmlElement, int] = {}
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str):
            continue
        size = 0
        if el.tag not in _NO_PROSE:
            if el.tag != "a":
                run = len((el.text or "").strip())
                size += run if run >= PROSE_RUN else 0
            for child in el:
                size += inside.get(child, 0)
                run = len((child.tail or "").strip())
                size += run if run >= PROSE_RUN and el.tag != "a" else 0
        if size:
            inside[el] = size
    return inside, inside.get(root, 0)


def _is_furniture(el: lxml.html.HtmlElement) -> bool:
    if el.tag in DROP_TAGS:
        return True
    if el.tag in ("html", "body", "article", "main", "figure", "figcaption", "img"):
        return False
    attr = _attr(el)
    if not attr.strip() or not FURNITURE_ATTR.search(attr):
        return False
    return not (caption_attr(attr) and not RELATED_ATTR.search(attr))


def _drop_furniture(root: lxml.html.HtmlElement, rejected: list[str]) -> None:
    inside, total = prose_sizes(root)
    stack = [root]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        # Whatever its tag or class, an element holding much of the page's prose is the
        # article or wraps it: ASP.NET pages put everything in one <form>, and classes
        # such as "has-sidebar", "widget" or "right-rail" are worn by wrappers too.
        if total and inside.get(el, 0) > 0.25 * total:
            if el.tag in DROP_TAGS and el.tag not in _NO_PROSE:
                el.tag = "div"
        elif _is_furniture(el):
            _drop(el, rejected if el.tag not in DROP_TAGS or el.tag in _KEEP_REJECTED
                  else None)
            continue
        stack.extend(reversed(el))  # children are visited only when their parent stays


def _drop_related_headings(root: lxml.html.HtmlElement, rejected: list[str]) -> None:
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
                _drop(box, rejected)
            else:
                _drop(el, rejected)


def _drop_link_lists(root: lxml.html.HtmlElement, rejected: list[str]) -> None:
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
                _drop(el, rejected)
        elif el.tag == "p" and links > 0.8 * size and size < 200 and el.find(".//img") is None:
            _drop(el, rejected)


def prepare(root: lxml.html.HtmlElement, rejected: list[str]) -> lxml.html.HtmlElement:
    """A copy of the page with its furniture removed (its text added to `rejected`) and
    captions marked."""
    work = copy.deepcopy(root)
    _fix_images(work)
    _drop_furniture(work, rejected)
    _mark_captions(work)
    _drop_related_headings(work, rejected)
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
            if not _has_img(held) and _has_img(figure) and held.getparent() is not None:
                held.addprevious(copy.deepcopy(figure))
                held.getparent().remove(held)
            continue
        if not start <= pos <= last:
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
    _drop_link_lists(main, rejected)
    blocks = tree_to_blocks(main, base_url=url)
    return Body(merge_figures(clean_blocks(blocks, title, related, labels)), rejected, near)
