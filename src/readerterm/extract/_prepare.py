"""Ready a page for readability: furniture out, captions marked, icons dropped.

Every pass works on a copy of the page and is general: class/id vocabularies, tags,
text sizes; no rule names a site. The text of what is removed as furniture is kept
(`rejected`), so that a second opinion cannot bring it back (see _ensemble).
"""

from __future__ import annotations

import copy
import re

import lxml.html
from lxml import etree

from readerterm.extract._patterns import (
    FURNITURE_ATTR,
    RELATED_ATTR,
    RELATED_HEADING,
    caption_attr,
)
from readerterm.html.rules import SKIPPED as DROP_TAGS

ORDER_ATTR = "data-readerterm-order"
_WORD = re.compile(r"\w+")


def _attr(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def norm(text: str) -> str:
    """Lowercase word tokens joined by single spaces (for comparing texts)."""
    return " ".join(_WORD.findall(text.lower()))

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


def text_len(el: lxml.html.HtmlElement) -> int:
    return sum(len(t.strip()) for t in el.itertext())


def _link_len(el: lxml.html.HtmlElement) -> int:
    return sum(text_len(a) for a in el.iter("a"))


_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
_URLISH = re.compile(r"^(?:https?:)?/?/?[^\s{}\"'<>]+$")


# An image that is a mark, not a picture of the story, by its class, id or file name...
_ICON = re.compile(r"(?:^|[\W_])(?:icons?|avatars?|logos?|sprites?|emoji|emoticons?|badges?|"
                   r"spinner|loader|gravatar|pixel|spacer)(?:$|[\W_])", re.I)
# ...and by its class, id or a one- or two-word alt text ("Twitter", "share"), never by
# its file name: "social-distancing.jpg" and "share-of-votes.png" are pictures.
_SOCIAL = re.compile(r"(?:^|[\W_])(?:share|social|twitter|facebook|whatsapp|linkedin|"
                     r"pinterest|instagram|youtube|rss)(?:$|[\W_])", re.I)
ICON_PX = 64  # an image drawn this small or smaller is an icon


def _px(value: str | None) -> int | None:
    match = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value or "")
    return int(match.group(1)) if match else None


def is_icon(img: lxml.html.HtmlElement) -> bool:
    """Whether an image is an icon, a logo, an avatar, a share button or a tracking
    pixel."""
    sizes = [n for n in (_px(img.get("width")), _px(img.get("height"))) if n is not None]
    if sizes and max(sizes) <= ICON_PX:
        return True
    src = (img.get("src") or "").split("?")[0].rsplit("/", 2)[-2:]
    alt = img.get("alt") or ""
    attrs = f"{img.get('class') or ''} {img.get('id') or ''}"
    if len(alt.split()) <= 2:
        attrs += f" {alt}"
    return bool(_ICON.search(f"{attrs} {' '.join(src)}") or _SOCIAL.search(attrs))


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


def has_img(el: lxml.html.HtmlElement) -> bool:
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
            if has_img(child):
                queue.append(child)
            elif text_len(child) and child.tag not in ("a", "img"):
                child.tag = "figcaption"
                return


def _join_loose_figcaptions(root: lxml.html.HtmlElement) -> None:
    """A <figcaption> outside any <figure>, right after the element holding its image,
    becomes one <figure> with it."""
    for caption in list(root.iter("figcaption")):
        if any(a.tag == "figure" for a in caption.iterancestors()):
            continue
        image = caption.getprevious()
        if (image is None or not isinstance(image.tag, str) or not has_img(image)
                or len(image.findall(".//img")) > 1 or text_len(image) > 200):
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
        if has_img(el):
            # A figure container (wp-caption and the like).
            if "figure" not in ancestors and len(el.findall(".//img")) == 1 \
                    and text_len(el) < 1500:
                el.tag = "figure"
            continue
        if text_len(el) == 0 or text_len(el) > 1500:
            continue
        if "figure" in ancestors:
            el.tag = "figcaption"
            continue
        parent = el.getparent()
        if (parent is not None and parent.tag not in ("body", "html")
                and len(parent.findall(".//img")) == 1
                and text_len(parent) <= text_len(el) * 1.5 + 40
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
                    and _link_len(box) > 0.4 * max(1, text_len(box))):
                _drop(box, rejected)
            else:
                _drop(el, rejected)


def drop_link_lists(root: lxml.html.HtmlElement, rejected: list[str]) -> None:
    """Lists and short paragraphs that are mostly links (promos, "READ MORE" lines)."""
    for el in list(root.iter("ul", "ol", "p", "div", "section", "aside", "table")):
        if el.getparent() is None or any(
                a.tag in ("figure", "figcaption") for a in el.iterancestors()):
            continue
        size = text_len(el)
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


