"""Parse a page into an lxml tree without losing deep text.

libxml2's HTML parser silently drops everything after nesting deeper than 256 elements
(SECURITY.md rule 9): a 10,000-deep page came back with no text. Before parsing, a
linear scan of the tags measures the nesting; when it is too deep, the tags beyond
`MAX_DEPTH` are removed (their text stays), so the parser sees a shallow page.
"""

from __future__ import annotations

import re

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


# libxml2 stops nesting at 255 levels; a tree that reaches this deep may have lost text.
_TOO_DEEP = "/*" * 250


def _parse(html: str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root if isinstance(root, lxml.html.HtmlElement) else None


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """The page's root element, or None when there is nothing to parse.

    The page is parsed as it is; only when the tree reaches libxml2's nesting limit is it
    parsed again with the deepest tags removed (`flatten_deep`). Scanning every page's
    tags first cost a tenth of the extraction's time, and misjudged pages whose scripts
    hold tag-like strings: their flattened copy lost its body."""
    html = html[:MAX_CHARS]
    if not html.strip():
        return None
    root = _parse(html)
    if root is None or not root.xpath(_TOO_DEEP):
        return root
    # Comments could hide tag-like text from the depth scan; they carry nothing we keep.
    if "<!--" in html:
        html = _COMMENT.sub("", html)
    return _parse(flatten_deep(html))
