"""What a refresh needs from an entry's HTML, without building its blocks.

A refresh reads every entry's HTML for four things: its text (to search, to choose the
story among summary and contents, to title an untitled entry), the figures of the full
story check (paragraph words and count, the last paragraph), and the first figure (the
lead image). `htmlblocks` answers all four but builds a `Block` per paragraph, cleans
every attribute list and goes through `html.parser` or, in `fastparse.html_blocks`, one
Python call per lxml event with the attributes copied: about 0.5 ms per 2 KB entry,
10,000 times in a first refresh of 200 feeds.

`html_digest` gives what `htmlblocks._Walker` would (the same blocks, in the same order,
with the same limits), keeping only each block's text and the one figure it needs: no
Block objects, attributes read only for images and in captions. It parses with lxml,
then takes a fast path (`_fast_digest`): figures are read first (only up to the first
with a source), the commonest inline tags are dissolved into their parents' text in C
(`strip_tags`), skipped elements' subtrees are ignored, and a short walk over what is left (blocks,
lists, figures, images, <pre>) makes the walker's paragraphs and list items; their text
is checked for anything `safety.clean_line` would change in one pass, and only when
something is found does each line go through `clean_line`. Markup the fast path does
not follow (list items holding headings, quotes or lists; lists holding more than
items; <li> out of a list; <pre> holding markup; figures inside figures or inside
skipped elements; a paragraph over 100,000 characters; MAX_BLOCKS blocks) goes to
`_walk_digest`, the walker's state machine over every lxml event on a fresh tree.
Either way the result is `htmlblocks.html_to_text` exactly (tests/test_fastparse.py
holds them to that over every fixture fragment and markup chosen for each rule).
Markup lxml reports as broken goes through `htmlblocks` itself, as in
`fastparse.html_blocks`. The reader still turns the stored HTML into blocks with
`htmlblocks` when an article is shown.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

from readerterm.htmlblocks import (
    BLOCK_TAGS,
    CREDIT_CLASS,
    CREDIT_PREFIX,
    HEADINGS,
    MAX_BLOCKS,
    SKIP,
    VOID,
    html_to_blocks,
    split_credit,
)
from readerterm.models import Block, Image
from readerterm.safety import TITLE_MAX, clean_line, clean_text, safe_url

__all__ = ["HtmlDigest", "cached_digest", "clear_cache", "html_digest", "lxml_root"]

_STUB_ENDS = ("read more", "continue reading", "read the full", "read the rest",
              "the post appeared first")
_WORD = re.compile(r"\w+")
_count_spaces = operator.methodcaller("count", " ")


@dataclass(frozen=True, slots=True)
class HtmlDigest:
    """An HTML fragment as a refresh sees it.

    `parts` are `html_to_text`'s paragraphs (list items one each, captions left out);
    `paragraphs` the texts `extract.is_full_story` counts (paragraphs, quotes and
    headings, then every list item); `figure` the first figure or image with a source.
    """

    parts: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    figure: Image | None = None
    flat: str = ""
    """The text on one line (what the parsers measure and compare stories with)."""

    @classmethod
    def of(cls, parts: list[str], paragraphs: list[str], figure: Image | None) -> HtmlDigest:
        return cls(tuple(parts), tuple(paragraphs), figure, " ".join(" ".join(parts).split()))

    @property
    def text(self) -> str:
        """`htmlblocks.html_to_text` of the fragment."""
        return "\n\n".join(self.parts)

    def full_story(self, min_words: int) -> bool:
        """`extract.is_full_story`: `min_words` words in two or more paragraphs and no
        "read more" stub at the end."""
        paragraphs = self.paragraphs
        # Each paragraph is one clean line (words between single spaces): its words are
        # its spaces plus one, counted without splitting it into a list.
        if len(paragraphs) < 2 or sum(map(_count_spaces, paragraphs)) + len(
                paragraphs) < min_words:
            return False
        tail = " ".join(_WORD.findall(paragraphs[-1].lower()))[-80:]
        return not any(end in tail for end in _STUB_ENDS)


def _of_blocks(blocks: list[Block]) -> HtmlDigest:
    parts: list[str] = []
    paragraphs: list[str] = []
    items: list[str] = []
    figure: Image | None = None
    for block in blocks:
        if block.kind == "list":
            parts.extend(block.items)
            items.extend(block.items)
        elif block.kind == "figure":
            if figure is None and block.image is not None and block.image.src:
                figure = block.image
        else:
            parts.append(block.text)
            if block.kind != "pre":
                paragraphs.append(block.text)
    return HtmlDigest.of(parts, paragraphs + items, figure)


_html_parser: Any = None
_etree: Any = None  # lxml.etree, once `lxml_root` has imported it


def lxml_root(html: str) -> Any:
    """The fragment's tree from lxml's HTML parser, or None where `htmlblocks`' own
    walk must read it (a bare "<", a cut tag, anything libxml2 reports as broken but an
    HTML5 tag it does not know, more than a megabyte)."""
    if not html or "<" not in html or len(html) > 1_000_000 or (
            html.count("<") != html.count(">")):
        return None
    global _html_parser, _etree
    if _html_parser is None:
        from lxml import etree

        _etree = etree
        _html_parser = etree.HTMLParser(remove_comments=True, remove_pis=True,
                                        no_network=True, default_doctype=False)
    parser = _html_parser
    try:
        root = _etree.fromstring(html, parser)
    except Exception:  # lxml refuses some strings (an encoding declaration, ...)
        return None
    if root is None or any(e.type_name != "HTML_UNKNOWN_TAG" for e in parser.error_log):
        return None
    return root


_IMG, _FIGURE, _FIGCAPTION, _LI, _BR, _PRE, _QUOTE = (
    "img", "figure", "figcaption", "li", "br", "pre", "blockquote")
_FLUSHING_END = frozenset(HEADINGS) | BLOCK_TAGS | {"pre", "blockquote"}
# Tags whose start or end changes the walker's state; any other tag is inline text.


class _Caption:
    """Where a figure's text goes, as the walker reads it: nowhere until a <figcaption>,
    then its caption, or its credit inside an element with a credit-like class (back to
    the caption when that element ends). Both walks over a figure use it."""

    __slots__ = ("depth", "part")

    def __init__(self) -> None:
        self.part: str | None = None
        self.depth = 0

    def start(self, tag: str, el: Any) -> None:
        """A start tag inside the figure (not an <img>)."""
        if tag == _FIGCAPTION:
            self.part = "caption"
            self.depth = 1
        elif self.part and tag not in VOID:
            self.depth += 1
            if CREDIT_CLASS.search(el.get("class") or ""):
                self.part = "credit"

    def end(self, tag: str) -> None:
        """An end tag inside the figure (not a void element's)."""
        if self.part:
            if tag == _FIGCAPTION:
                self.part = None
            else:
                self.depth -= 1
                if self.part == "credit" and self.depth <= 1:
                    self.part = "caption"


def html_digest(html: str, base_url: str | None = None) -> HtmlDigest:
    """The digest of an HTML fragment (see the module's docstring)."""
    if not html:
        return HtmlDigest()
    root = lxml_root(html)
    if root is None:
        return _of_blocks(html_to_blocks(html, base_url))
    found = _fast_digest(root, base_url)
    if found is not None:
        return found
    # The fast path may have changed the tree before it gave up: walk a fresh one.
    return _walk_digest(lxml_root(html), base_url)


def _line(raw: str, limit: int) -> str:
    """`clean_line(raw, limit)`, skipping its work for text that is already one clean
    line once stripped: printable (so no control, format, private-use or whitespace
    character but " "), without a double space, no longer than `limit`."""
    text = raw.strip()
    if not text or (text.isprintable() and "  " not in text and len(raw) <= limit):
        return text
    return clean_line(raw, limit=limit)


def _src(el: Any, base_url: str | None) -> str | None:
    """An <img>'s source as the walker reads it: `src`, else `data-src`, if safe."""
    return safe_url(el.get("src") or el.get("data-src") or "", base_url)


def _image(el: Any, base_url: str | None) -> Image | None:
    """`htmlblocks._Walker._image` of an lxml element."""
    url = _src(el, base_url)
    return Image(src=url, alt=_line(el.get("alt") or "", TITLE_MAX)) if url else None


def _walk_digest(root: Any, base_url: str | None) -> HtmlDigest:
    """The walker's state machine (htmlblocks._Walker) over every lxml event, with raw
    text instead of blocks: the fallback of `_fast_digest`, right on any tree."""
    from lxml import etree

    # The walker's state (htmlblocks._Walker), with raw text instead of blocks.
    parts: list[str] = []
    paragraphs: list[str] = []
    items_all: list[str] = []
    count = 0  # blocks the walker would have made (MAX_BLOCKS)
    first_figure: Image | None = None
    buf: list[str] = []
    item_buf: list[str] | None = None
    lists: list[list[str]] = []
    skip_stack: list[str] = []
    pre_depth = 0
    figure: dict[str, str] | None = None
    text_to = _Caption()

    def flush() -> None:
        nonlocal count
        raw = "".join(buf)
        buf.clear()
        if count >= MAX_BLOCKS:
            return
        if pre_depth:
            text = clean_text(raw.strip("\n"))
            if text:
                parts.append(text)
                count += 1
        else:
            text = clean_line(raw, limit=100_000)
            if text:
                parts.append(text)
                paragraphs.append(text)
                count += 1

    def end_item() -> None:
        nonlocal item_buf
        if item_buf is not None and lists:
            text = clean_line("".join(item_buf), limit=100_000)
            if text:
                lists[-1].append(text)
        item_buf = None

    def end_list(items: list[str], limited: bool) -> None:
        nonlocal count
        if items and (not limited or count < MAX_BLOCKS):
            parts.extend(items)
            items_all.extend(items)
            count += 1

    def end_figure() -> None:
        nonlocal figure, first_figure, count
        fig = figure or {}
        figure = None
        text_to.part = None
        if not fig.get("src") and not clean_line(fig.get("caption", ""), limit=2000):
            return  # the walker keeps a figure with a source or a caption only
        count += 1
        if first_figure is None:
            first_figure = _figure_image(fig)

    walk = etree.iterwalk(root, events=("start", "end"))
    for event, el in walk:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag == "html" or tag == "body":
                pass
            elif skip_stack:
                if tag not in VOID:
                    skip_stack.append(tag)
            elif tag in SKIP:
                skip_stack = [tag]
                walk.skip_subtree()  # nothing inside counts; its end event pops it
                continue
            elif figure is not None:
                if tag != _IMG:
                    text_to.start(tag, el)
                elif not figure.get("src"):
                    found = _image(el, base_url)
                    if found:
                        figure["src"] = found.src
                        figure["alt"] = found.alt
            elif tag == _FIGURE:
                if buf:
                    flush()
                figure = {"caption": "", "credit": ""}
            elif tag == _IMG:
                found = _image(el, base_url)
                if found and not lists:
                    if buf:
                        flush()
                    count += 1
                    if first_figure is None:
                        first_figure = found
            elif tag in HEADINGS:
                if buf:
                    flush()
            elif tag == _PRE:
                if buf:
                    flush()
                pre_depth += 1
            elif tag == _QUOTE:
                if buf:
                    flush()
            elif tag == "ul" or tag == "ol":
                if buf:
                    flush()
                end_item()
                lists.append([])
            elif tag == _LI:
                end_item()
                item_buf = []
            elif tag in BLOCK_TAGS:
                if item_buf is None:
                    if buf:
                        flush()
                elif tag == _BR:
                    item_buf.append(" ")
                if tag == _BR and pre_depth:
                    buf.append("\n")
            data = el.text
        else:
            if tag == "html" or tag == "body" or tag in VOID:
                pass
            elif skip_stack:
                if tag in skip_stack:
                    while skip_stack and skip_stack.pop() != tag:
                        pass
            elif figure is not None:
                text_to.end(tag)
                if tag == _FIGURE:
                    end_figure()
            elif tag in _FLUSHING_END:
                if item_buf is None and buf:
                    flush()
                if tag == _PRE and pre_depth:
                    pre_depth -= 1
            elif tag == _LI:
                end_item()
            elif (tag == "ul" or tag == "ol") and lists:
                end_item()
                end_list(lists.pop(), True)
            data = el.tail
        if data and not skip_stack:
            if figure is not None:
                if text_to.part:
                    figure[text_to.part] = figure.get(text_to.part, "") + data
            elif item_buf is not None:
                item_buf.append(data)
            else:
                buf.append(data)
    if figure is not None:
        end_figure()
    end_item()
    while lists:
        end_list(lists.pop(), False)
    if buf:
        flush()
    return HtmlDigest.of(parts, paragraphs + items_all, first_figure)


# -- the fast path ---------------------------------------------------------------------

_FAST_MAX_DEPTH = 300
_BLOCKS = BLOCK_TAGS | frozenset(HEADINGS) | {_QUOTE}  # flush at start and (not void) end
_KEEP_OUT_OF_ITEMS = frozenset(HEADINGS) | {_QUOTE, _PRE, "ul", "ol", _LI, _FIGURE, "html",
                                             "body"}  # what a list item may not hold
_INLINE = ("a", "em", "strong", "span", "b", "i", "figcaption", "code", "sup", "sub", "small",
           "u")  # the commonest tags that only add text (outside figures); rarer ones
# are walked like html and body. Each name costs strip_tags a little.
_ASCII_CONTROL_MARK = bytes(range(256)).translate(
    bytes.maketrans(bytes(range(32)) + b"\x7f", b"\x80" * 33))
# Moves every ASCII control character out of ASCII: no change means none is there.
_DOUBLE_SPACE = re.compile("  ")


class _GiveUp(Exception):
    """Markup the fast path does not follow: `_walk_digest` reads it."""


def _all_clean(text: str) -> bool:
    """Whether `text` (stripped lines joined by single spaces) is printable, so holds no
    control, format, private-use or whitespace character but " ", and has no double
    space: then `clean_line` gives back each of its lines unchanged."""
    if text.isascii():  # isprintable's per-character lookup, in one C pass
        data = text.encode("ascii")
        if data.translate(_ASCII_CONTROL_MARK) != data:
            return False
    elif not text.isprintable():
        return False
    return _DOUBLE_SPACE.search(text) is None


def _figure_parts(fig: Any, base_url: str | None) -> dict[str, str]:
    """The walker's figure branch over one <figure>'s subtree: its first image's src
    and alt, its caption and credit text (raw)."""
    figure = {"caption": "", "credit": ""}
    for child in fig:  # the common figure: <img> and <figcaption>s holding text alone
        tag = child.tag
        if len(child) or (tag != _IMG and tag != _FIGCAPTION):
            break
        if tag == _IMG:
            if "src" not in figure:
                src = _src(child, base_url)
                if src:
                    figure["src"] = src
                    figure["alt"] = _line(child.get("alt") or "", TITLE_MAX)
        elif child.text:
            figure["caption"] += child.text
    else:
        return figure
    figure = {"caption": "", "credit": ""}
    text_to = _Caption()
    walk = _etree.iterwalk(fig, events=("start", "end"))
    for event, el in walk:
        if el is fig:
            continue
        tag = el.tag
        if event == "start":
            if tag == _FIGURE or not isinstance(tag, str):
                raise _GiveUp  # a figure in a figure ends at the inner one's end tag
            if tag in SKIP:
                walk.skip_subtree()  # nothing inside counts; its tail does
                continue
            if tag != _IMG:
                text_to.start(tag, el)
            elif "src" not in figure:
                found = _image(el, base_url)
                if found:
                    figure["src"] = found.src
                    figure["alt"] = found.alt
            data = el.text
        else:
            if tag not in VOID and tag not in SKIP:
                text_to.end(tag)
            data = el.tail
        if data and text_to.part:
            figure[text_to.part] += data
    return figure


def _figure_image(fig: dict[str, str]) -> Image | None:
    """The walker's figure block's image (`_Walker._end_figure`), if it has a source:
    `fig` holds its raw caption and credit, and its src and alt once an image gave one
    (both walks fill it)."""
    if "src" not in fig:
        return None
    caption = _line(fig["caption"], 2000)
    credit = _line(fig["credit"], 500)
    if caption and not credit:
        caption, credit = split_credit(caption)
    return Image(src=fig["src"], alt=fig["alt"], caption=caption,
                 credit=CREDIT_PREFIX.sub("", credit) if credit else "")


def _fast_digest(root: Any, base_url: str | None) -> HtmlDigest | None:
    """The walker's digest from a C-level pass over the tree and a walk over its blocks
    only, or None (the tree may then be changed) where the markup needs the full state
    machine.

    Figures are read first (a class on an inline tag tells their credit from their
    caption). Then the commonest tags the walker does not change state at are
    dissolved into their parents' text (`strip_tags`): mostly what is left is blocks,
    lists, figures and images, each holding its whole text in `.text` and `.tail`, and
    a short walk over those gives the walker's flushes; it ignores skipped elements'
    subtrees and passes other tags through as text. The text is checked for anything
    to clean in one pass over all of it; only where that finds something does each
    line go through `clean_line`.
    Gives up on <pre> holding markup, list items holding headings, quotes, <pre>,
    lists or figures, lists holding more than items, <li> out of a list, figures in
    figures or in skipped elements, a paragraph over 100,000 characters and
    MAX_BLOCKS blocks.
    """
    etree = _etree
    # The figures' images, read before their inline tags go, up to the first one with
    # a source (no later figure can be the first figure).
    figures: list[Image | None] = []
    n_figures = 0
    try:
        for fig in root.iter(_FIGURE):
            n_figures += 1
            if not figures or figures[-1] is None:
                figures.append(_figure_image(_figure_parts(fig, base_url)))
    except _GiveUp:
        return None
    etree.strip_tags(root, *_INLINE)

    # Each paragraph and list item stripped but not cleaned yet, <pre> text cleaned.
    parts: list[str] = []
    item_runs: list[tuple[int, int]] = []  # where in `parts` each list's items are
    pre_at: list[int] = []
    buf: list[str] = []
    first_figure: Image | None = None
    seen_figures = 0
    other_blocks = 0  # lists, figures, images and <pre>s, for MAX_BLOCKS

    def flush() -> None:
        raw = "".join(buf)
        buf.clear()
        text = raw.strip()
        if text:
            if len(raw) > 100_000:
                raise _GiveUp  # clean_line cuts it: its own walk does that
            parts.append(text)

    def item_raw(el: Any, depth: int) -> str:
        """The text a list item's subtree gives it (blocks inside add no break)."""
        out = [el.text or ""]
        for child in el:
            tag = child.tag
            if tag in SKIP:
                out.append(child.tail or "")
                continue
            if tag == _BR:
                out.append(" ")
            elif tag in _KEEP_OUT_OF_ITEMS or not isinstance(tag, str) or (
                    depth > _FAST_MAX_DEPTH):
                raise _GiveUp
            if child.text or len(child):
                out.append(item_raw(child, depth + 1))
            out.append(child.tail or "")
        return "".join(out)

    def visit(parent: Any, depth: int) -> None:
        nonlocal first_figure, seen_figures, other_blocks
        if depth > _FAST_MAX_DEPTH:
            raise _GiveUp
        for el in parent:
            tag = el.tag
            if tag in _BLOCKS:
                if buf:
                    flush()
                text = el.text
                if len(el) or tag in VOID:
                    if text:
                        buf.append(text)
                    visit(el, depth + 1)
                    if buf and tag not in VOID:  # <br>, <hr>: no end tag, no flush
                        flush()
                elif text:  # a block of text alone (most are): its paragraph
                    line = text.strip()
                    if line:
                        if len(text) > 100_000:
                            raise _GiveUp
                        parts.append(line)
            elif tag == "ul" or tag == "ol":
                if buf:
                    flush()
                text = el.text  # goes to the paragraph after the list, as in the walker
                if text:
                    buf.append(text)
                count = len(parts)
                for item in el:
                    if item.tag != _LI:
                        raise _GiveUp
                    raw = item_raw(item, depth + 1) if len(item) else item.text
                    if raw:
                        line = raw.strip()
                        if line:
                            if len(raw) > 100_000:
                                raise _GiveUp
                            parts.append(line)
                    tail = item.tail
                    if tail and (buf or not tail.isspace()):
                        buf.append(tail)
                if len(parts) > count:
                    item_runs.append((count, len(parts)))
                    other_blocks += 1
            elif tag == _FIGURE:
                if buf:
                    flush()
                if first_figure is None and seen_figures < len(figures):
                    first_figure = figures[seen_figures]
                seen_figures += 1
                other_blocks += 1
            elif tag == _IMG:
                if el.text or len(el):
                    raise _GiveUp
                # An image with a source is a block: it ends the paragraph.
                found = _image(el, base_url) if (first_figure is None or buf) else None
                if found:
                    if buf:
                        flush()
                    if first_figure is None:
                        first_figure = found
                other_blocks += 1
            elif tag == _PRE:
                if buf:
                    flush()
                if len(el):
                    raise _GiveUp
                text = clean_text((el.text or "").strip("\n"))
                if text:
                    pre_at.append(len(parts))
                    parts.append(text)
                other_blocks += 1
            elif tag in SKIP:
                pass  # nothing inside counts; its tail does
            elif tag == _LI or not isinstance(tag, str):
                raise _GiveUp  # <li> out of a list
            else:  # html, body and tags that only add text
                text = el.text
                if text:
                    buf.append(text)
                if len(el):
                    visit(el, depth + 1)
            tail = el.tail
            if tail and (buf or not tail.isspace()):  # leading blanks count for nothing
                buf.append(tail)

    try:
        if root.text:
            buf.append(root.text)
        visit(root, 0)
        if buf:
            flush()
    except _GiveUp:
        return None
    if seen_figures != n_figures:
        return None  # a figure inside a figure
    if len(parts) + other_blocks >= MAX_BLOCKS:
        return None  # the walker stops adding blocks somewhere
    flat = " ".join(parts)
    if pre_at or not _all_clean(flat):
        # Something to clean (or <pre>, cleaned already): line by line, as the walker.
        # Lines that clean to nothing go, and the indexes after them move.
        is_pre = set(pre_at)
        new_index: list[int] = []
        cleaned: list[str] = []
        for index, text in enumerate(parts):
            new_index.append(len(cleaned))
            line = text if index in is_pre else _line(text, 100_000)
            if line:
                cleaned.append(line)
        new_index.append(len(cleaned))
        item_runs = [(new_index[start], new_index[end]) for start, end in item_runs]
        parts = cleaned
        flat = " ".join(" ".join(parts).split()) if pre_at else " ".join(parts)
        pre_at = [new_index[index] for index in pre_at]
    if item_runs or pre_at:
        paragraphs: list[str] = []
        items: list[str] = []
        cuts = sorted([(start, end, items) for start, end in item_runs]
                      + [(index, index + 1, None) for index in pre_at])
        done = 0
        for start, end, into in cuts:
            paragraphs += parts[done:start]
            if into is not None:
                into += parts[start:end]
            done = end
        paragraphs += parts[done:]
        paragraphs += items
    else:
        paragraphs = parts
    return HtmlDigest(tuple(parts), tuple(paragraphs), first_figure, flat)


_MEMO: dict[tuple[str, str | None], HtmlDigest] = {}
_MEMO_MAX = 512


def cached_digest(html: str, base_url: str | None = None) -> HtmlDigest:
    """`html_digest`, remembered until `clear_cache` (or 512 fragments): the parser and
    the refresh ask about the same fragments."""
    key = (html, base_url)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        found = _MEMO[key] = html_digest(html, base_url)
    return found


def clear_cache() -> None:
    """Forget the fragments `cached_digest` remembers."""
    _MEMO.clear()
