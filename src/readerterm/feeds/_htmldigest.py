"""What a refresh needs from an entry's HTML, without building its blocks.

A refresh reads every entry's HTML for four things: its text (to search, to choose the
story among summary and contents, to title an untitled entry), the figures of the full
story check (paragraph words and count, the last paragraph), and the first figure (the
lead image). `htmlblocks` answers all four but builds a `Block` per paragraph, cleans
every attribute list and goes through `html.parser` or, in `fastparse.html_blocks`, one
Python call per lxml event with the attributes copied: about 0.5 ms per 2 KB entry,
10,000 times in a first refresh of 200 feeds.

`html_digest` runs the same state machine as `htmlblocks._Walker` (the same blocks, in
the same order, with the same limits) over lxml's events, keeping only raw text per
block and the one figure it needs: no Block objects, attributes read only for images and
inside captions. The text is cleaned with `safety.clean_line`/`clean_text` per block, as
the walker does, so it is `htmlblocks.html_to_text` exactly (tests/test_fastparse.py
holds the two to that over every fixture fragment). Markup lxml reports as broken goes
through `htmlblocks` itself, as in `fastparse.html_blocks`. The reader still turns the
stored HTML into blocks with `htmlblocks` when an article is shown.
"""

from __future__ import annotations

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
from readerterm.safety import clean_line, clean_text, safe_url

__all__ = ["HtmlDigest", "cached_digest", "clear_cache", "html_digest", "lxml_root"]

_STUB_ENDS = ("read more", "continue reading", "read the full", "read the rest",
              "the post appeared first")
_WORD = re.compile(r"\w+")


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
        if len(paragraphs) < 2 or sum(len(p.split()) for p in paragraphs) < min_words:
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


def lxml_root(html: str) -> Any:
    """The fragment's tree from lxml's HTML parser, or None where `htmlblocks`' own
    walk must read it (a bare "<", a cut tag, anything libxml2 reports as broken but an
    HTML5 tag it does not know, more than a megabyte)."""
    if not html or "<" not in html or len(html) > 1_000_000 or (
            html.count("<") != html.count(">")):
        return None
    global _html_parser
    from lxml import etree

    if _html_parser is None:
        _html_parser = etree.HTMLParser(remove_comments=True, remove_pis=True,
                                        no_network=True, default_doctype=False)
    parser = _html_parser
    try:
        root = etree.fromstring(html, parser)
    except Exception:  # lxml refuses some strings (an encoding declaration, ...)
        return None
    if root is None or any(e.type_name != "HTML_UNKNOWN_TAG" for e in parser.error_log):
        return None
    return root


_IMG, _FIGURE, _FIGCAPTION, _LI, _BR, _PRE, _QUOTE = (
    "img", "figure", "figcaption", "li", "br", "pre", "blockquote")
_FLUSHING_END = frozenset(HEADINGS) | BLOCK_TAGS | {"pre", "blockquote"}
# Tags whose start or end changes the walker's state; any other tag is inline text.


def html_digest(html: str, base_url: str | None = None) -> HtmlDigest:
    """The digest of an HTML fragment (see the module's docstring)."""
    if not html:
        return HtmlDigest()
    root = lxml_root(html)
    if root is None:
        return _of_blocks(html_to_blocks(html, base_url))
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
    fig_part: str | None = None
    fig_depth = 0

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
        nonlocal figure, fig_part, first_figure, count
        fig = figure or {}
        figure = None
        fig_part = None
        if not fig.get("src") and not clean_line(fig.get("caption", ""), limit=2000):
            return  # the walker keeps a figure with a source or a caption only
        count += 1
        if first_figure is None and fig.get("src"):
            caption = clean_line(fig.get("caption", ""), limit=2000)
            credit = clean_line(fig.get("credit", ""), limit=500)
            if caption and not credit:
                caption, credit = split_credit(caption)
            first_figure = Image(src=fig["src"], alt=fig.get("alt", ""), caption=caption,
                                 credit=CREDIT_PREFIX.sub("", credit))

    def image(el: Any) -> Image | None:
        src = el.get("src") or el.get("data-src") or ""
        url = safe_url(src, base_url)
        return Image(src=url, alt=clean_line(el.get("alt") or "")) if url else None

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
                if tag == _IMG and not figure.get("src"):
                    found = image(el)
                    if found:
                        figure["src"] = found.src
                        figure["alt"] = found.alt
                elif tag == _FIGCAPTION:
                    fig_part = "caption"
                    fig_depth = 1
                elif fig_part and tag not in VOID:
                    fig_depth += 1
                    if CREDIT_CLASS.search(el.get("class") or ""):
                        fig_part = "credit"
            elif tag == _FIGURE:
                if buf:
                    flush()
                figure = {"caption": "", "credit": ""}
            elif tag == _IMG:
                found = image(el)
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
                if fig_part:
                    if tag == _FIGCAPTION:
                        fig_part = None
                    else:
                        fig_depth -= 1
                        if fig_part == "credit" and fig_depth <= 1:
                            fig_part = "caption"
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
                if fig_part:
                    figure[fig_part] = figure.get(fig_part, "") + data
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
