"""HTML text -> an lxml tree, without losing deep text.

libxml2's HTML parser silently drops everything after nesting deeper than 256 elements
(SECURITY.md rule 9): a 10,000-deep page came back with no text. `flatten_deep` removes
the tags nested deeper than `MAX_DEPTH` (their text stays), found by a linear scan of the
tags, so the parser sees a shallow page. A page (`parse_html`) is parsed as it is and
scanned only when its tree reaches libxml2's limit; a feed entry's fragment
(`parse_fragment`, thousands per refresh) is parsed as it is, up to 2,048 levels, and
scanned only when libxml2 reports it deeper. `dissolve_inline` readies a fragment's tree
for the walk. Nothing here recurses.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

MAX_DEPTH = 160
MAX_CHARS = 5_000_000

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Elements whose end tag may be left out, and void elements: they do not nest.
_NO_NEST = {"p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody", "tfoot",
            "colgroup", "rt", "rp", "optgroup", "area", "base", "br", "col", "embed", "hr",
            "img", "input", "link", "meta", "param", "source", "track", "wbr", "html", "head",
            "body"}


def flatten_deep(html: str, max_depth: int = MAX_DEPTH) -> str:
    """`html` with the tags nested deeper than `max_depth` removed (text kept).

    Returns `html` unchanged when it is shallow enough (the common case)."""
    depth = 0
    deepest = 0
    for match in _TAG.finditer(html):
        closing, name, selfclose = match.group(1), match.group(2).lower(), match.group(3)
        if name in _NO_NEST or selfclose:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    if deepest <= max_depth:
        return html
    out: list[str] = []
    stack: list[str] = []
    dropped: dict[str, int] = {}
    last = 0
    for match in _TAG.finditer(html):
        closing, name, selfclose = match.group(1), match.group(2).lower(), match.group(3)
        if name in _NO_NEST or selfclose:
            continue
        keep = True
        if closing:
            if dropped.get(name):
                dropped[name] -= 1
                keep = False
            elif name in stack:
                while stack and stack.pop() != name:
                    pass
        elif len(stack) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            keep = False
        else:
            stack.append(name)
        if not keep:
            out.append(html[last:match.start()])
            out.append(" ")
            last = match.end()
    out.append(html[last:])
    return "".join(out)


def _without_comments(html: str) -> str:
    # Comments could hide tag-like text from the depth scan; they carry nothing we keep.
    return _COMMENT.sub("", html) if "<!--" in html else html


# libxml2 stops nesting at 255 levels; a tree that reaches this deep may have lost text.
_TOO_DEEP = "/*" * 250


# lxml.html's own parser asks a Python method for each element's class (to give forms
# their own), every time an element is touched: a twentieth of the extraction's time. Our
# passes need no form classes, so every element is a plain HtmlElement, looked up in C.
_PAGE_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


def _parse_page(html: str) -> lxml.html.HtmlElement | None:
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                              recover=True, default_doctype=False)
    parser.set_element_class_lookup(_PAGE_CLASSES)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root if isinstance(root, lxml.html.HtmlElement) else None


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """A page's root element, or None when there is nothing to parse.

    The page is parsed as it is; only when the tree reaches libxml2's nesting limit is it
    parsed again with the deepest tags removed (`flatten_deep`). Scanning every page's
    tags first cost a tenth of the extraction's time, and misjudged pages whose scripts
    hold tag-like strings: their flattened copy lost its body."""
    html = html[:MAX_CHARS]
    if not html.strip():
        return None
    root = _parse_page(html)
    if root is None or not root.xpath(_TOO_DEEP):
        return root
    return _parse_page(flatten_deep(_without_comments(html)))


FRAGMENT_MAX_DEPTH = 1500
_END_BR = re.compile(r"</br\b", re.I)
_fragment_parser: Any = None


def parse_fragment(html: str) -> Any:
    """A fragment's tree (an `lxml.etree` <html> element), or None when it holds no
    element and no text.

    lxml repairs broken markup as a browser would. Two repairs follow the browsers
    rather than libxml2: `</br>` is a line break, and a tag cut off at the end is text.
    The parser takes up to 2,048 levels (XML_PARSE_HUGE); deeper markup is flattened to
    `FRAGMENT_MAX_DEPTH` levels first."""
    global _fragment_parser
    if _fragment_parser is None:
        _fragment_parser = etree.HTMLParser(remove_comments=True, remove_pis=True,
                                            no_network=True, default_doctype=False,
                                            huge_tree=True)
    parser = _fragment_parser
    html = html[:MAX_CHARS]
    if _END_BR.search(html):  # one pass, where three `in` tests took three
        html = _END_BR.sub("<br", html)
    cut = html.rfind("<")
    if cut > html.rfind(">"):
        html = f"{html[:cut]}&lt;{html[cut + 1:]}"
    root = _parse(html, parser)
    if root is not None and len(html) > 6000 and any(  # 2,048 levels take 2,048 tags
            e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        root = _parse(flatten_deep(_without_comments(html), FRAGMENT_MAX_DEPTH), parser)
    return root


def _parse(html: str, parser: Any) -> Any:
    try:
        try:
            return etree.fromstring(html, parser)
        except ValueError:  # a str with an encoding declaration: lxml wants bytes then
            return etree.fromstring(html.encode("utf-8", "replace"), etree.HTMLParser(
                remove_comments=True, remove_pis=True, no_network=True,
                default_doctype=False, huge_tree=True, encoding="utf-8"))
    except etree.LxmlError:
        return None


_INLINE = ("a", "em", "strong", "span", "b", "i", "code", "sup", "sub", "small", "u")
"""The commonest tags that only add text outside figures (each name costs strip_tags a
little; rarer ones are walked)."""


def dissolve_inline(root: Any) -> None:
    """Dissolve the commonest inline tags outside figures into their parents' text, in C
    (`strip_tags`): the walk then visits mostly blocks, and gives what it gives on the
    whole tree (such a tag changes nothing but where its text sits). Inside a figure a
    tag can hold the credit, so figures holding more than elements of text alone are set
    aside meanwhile."""
    held = []
    for fig in list(root.iter("figure")):
        parent = fig.getparent()
        if parent is None or not any(len(child) for child in fig) or any(
                a.tag == "figure" for a in fig.iterancestors()):
            continue
        stand_in = etree.Element("figure")
        stand_in.tail, fig.tail = fig.tail, None
        parent.replace(fig, stand_in)
        held.append((stand_in, fig))
    etree.strip_tags(root, *_INLINE)
    for stand_in, fig in held:
        fig.tail = stand_in.tail  # the text of inline tags after it has joined its tail
        parent = stand_in.getparent()
        if parent is not None:
            parent.replace(stand_in, fig)
