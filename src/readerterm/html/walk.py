"""The one walk over an HTML tree: the reader's blocks and the refresh's digest.

`Walk` visits a tree with an explicit stack (no recursion: 10,000-deep markup costs no
more than flat markup) and keeps the state that turns elements into blocks: the
paragraph being read, the open lists and list item, <pre> and <blockquote> depth, and
the figure being read with its caption or credit. Skipped elements (`rules.SKIPPED`) go
with their whole subtree; a figure keeps its first image, its caption and its credit
apart from the body text; all text is cleaned as `safety` cleans it.

The walk writes records, not blocks: `blocks()` makes the reader's `Block`s of them,
`digest()` what a refresh reads (the text, the full-story paragraphs, the first figure)
without making a `Block` per paragraph or reading every figure's caption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from readerterm.html.rules import (
    BLOCK_TAGS,
    CAPTION_MAX,
    CREDIT_CLASS,
    CREDIT_MAX,
    HEADINGS,
    MAX_BLOCKS,
    PARAGRAPH_MAX,
    SKIPPED,
    VOID,
    caption_and_credit,
    is_full_story_text,
)
from readerterm.models import Block, Image
from readerterm.safety import TITLE_MAX, clean_line, clean_text, safe_url

__all__ = ["HtmlDigest", "Walk", "line"]

_PARAGRAPH_TAGS = BLOCK_TAGS - VOID


def line(raw: str, limit: int) -> str:
    """`clean_line(raw, limit)`, skipping its work for text that is already one clean
    line once stripped: printable (so no control, format, private-use or whitespace
    character but " "), without a double space, no longer than `limit`."""
    text = raw.strip()
    if not text or (text.isprintable() and "  " not in text and len(raw) <= limit):
        return text
    return clean_line(raw, limit=limit)


@dataclass(frozen=True, slots=True)
class HtmlDigest:
    """An HTML fragment as a refresh sees it.

    `parts` are `html_to_text`'s paragraphs (list items one each, captions left out);
    `paragraphs` the texts the full-story rule counts (paragraphs, quotes and headings,
    then every list item); `figure` the first figure or image with a source.
    """

    parts: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    figure: Image | None = None
    flat: str = ""
    """The text on one line (what the parsers measure and compare stories with)."""

    @property
    def text(self) -> str:
        """The fragment's plain text: paragraphs separated by blank lines, no captions."""
        return "\n\n".join(self.parts)

    def full_story(self, min_words: int) -> bool:
        """`rules.is_full_story_text` of the fragment."""
        return is_full_story_text(self.paragraphs, min_words)


class _Figure:
    """A <figure> as the walk reads it: its first image's source and alt text, and its
    raw caption and credit. Text goes nowhere until a <figcaption>, then to the caption,
    or to the credit inside an element with a credit-like class (back to the caption
    when that element ends)."""

    __slots__ = ("alt", "caption", "credit", "depth", "part", "src")

    def __init__(self) -> None:
        self.src: str | None = None
        self.alt = ""
        self.caption = ""
        self.credit = ""
        self.part: str | None = None
        self.depth = 0

    def image(self) -> Image:
        caption, credit = caption_and_credit(line(self.caption, CAPTION_MAX),
                                             line(self.credit, CREDIT_MAX))
        return Image(src=self.src or "", alt=self.alt, caption=caption, credit=credit)


Record = tuple[str, Any, Any]
"""(kind, text, heading level), ("list", items, ordered) or ("figure", image, 0)."""


class Walk:
    """One walk's state; `run` it over a tree, then read `blocks()` or `digest()`."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.out: list[Record] = []
        self.buf: list[str] = []
        self.kind = "paragraph"
        self.level = 0
        self.pre_depth = 0
        self.quote_depth = 0
        self.lists: list[tuple[bool, list[str]]] = []
        self.item: list[str] | None = None
        self.figure: _Figure | None = None

    # -- the visit ---------------------------------------------------------------------
    def run(self, root: Any, with_tail: bool = False) -> Walk:
        """Visit `root` and its subtree (and its tail text if `with_tail`), then close
        what is still open, as the end of the document does."""
        tag = root.tag
        if isinstance(tag, str) and tag not in SKIPPED:
            self.start(tag, root)
            if root.text:
                self.data(root.text)
            start, end, data, buf = self.start, self.end, self.data, self.buf
            stack = [(root, iter(root))]
            while stack:
                parent, children = stack[-1]
                for el in children:
                    tag = el.tag
                    if self.figure is None and not len(el) and (
                            tag in _PARAGRAPH_TAGS or tag == "li"):
                        # A block or list item holding text alone (most are): what
                        # start, data and end would make of it, in fewer steps.
                        text = el.text
                        if tag == "li":
                            self.end_item()
                            if text and self.lists:
                                text = line(text, PARAGRAPH_MAX)
                                if text:
                                    self.lists[-1][1].append(text)
                        elif self.item is not None:
                            if text:
                                self.item.append(text)
                        else:
                            if buf:
                                self.flush()
                            if text:
                                self.block(text)
                    elif tag == "figure" and self.figure is None and self.simple_figure(el):
                        pass
                    elif isinstance(tag, str) and tag not in SKIPPED:
                        start(tag, el)
                        text = el.text
                        if text:
                            data(text)
                        if len(el):
                            stack.append((el, iter(el)))
                            break
                        end(tag)
                    # (a skipped element, a comment or a processing instruction: its
                    # tail only)
                    tail = el.tail
                    if tail:
                        if self.figure is None and self.item is None:  # `data`, inlined
                            if buf or not tail.isspace():
                                buf.append(tail)
                        else:
                            data(tail)
                else:
                    stack.pop()
                    end(parent.tag)
                    if stack and parent.tail:
                        data(parent.tail)
        if with_tail and root.tail:
            self.data(root.tail)
        self.close()
        return self

    def start(self, tag: str, el: Any) -> None:
        fig = self.figure
        if fig is not None:
            if tag == "img":
                if fig.src is None:
                    self._figure_image(fig, el)
            elif tag == "figcaption":
                fig.part = "caption"
                fig.depth = 1
            elif fig.part and tag not in VOID:
                fig.depth += 1
                if CREDIT_CLASS.search(el.get("class") or ""):
                    fig.part = "credit"
        elif tag in BLOCK_TAGS:
            if self.item is None:
                if self.buf:
                    self.flush()
            elif tag == "br":
                self.item.append(" ")
            if tag == "br" and self.pre_depth:
                self.buf.append("\n")
        elif tag in HEADINGS:
            self.flush()
            self.kind, self.level = "heading", HEADINGS[tag]
        elif tag == "li":
            self.end_item()
            self.item = []
        elif tag == "ul" or tag == "ol":
            self.flush()
            self.end_item()
            self.lists.append((tag == "ol", []))
        elif tag == "figure":
            self.flush()
            self.figure = _Figure()
        elif tag == "img":
            image = self._image(el)
            if image and not self.lists:
                self.flush()
                self.out.append(("figure", image, 0))
        elif tag == "pre":
            self.flush()
            self.pre_depth += 1
        elif tag == "blockquote":
            self.flush()
            self.quote_depth += 1

    def end(self, tag: str) -> None:
        fig = self.figure
        if fig is not None:
            if fig.part:
                if tag == "figcaption":
                    fig.part = None
                elif tag not in VOID:
                    fig.depth -= 1
                    if fig.part == "credit" and fig.depth <= 1:
                        fig.part = "caption"
            if tag == "figure":
                self.end_figure()
        elif tag in VOID:
            pass  # <br>, <hr>: no end tag
        elif tag in BLOCK_TAGS or tag in HEADINGS:
            if self.item is None and self.buf:
                self.flush()
        elif tag == "li":
            self.end_item()
        elif tag == "ul" or tag == "ol":
            if self.lists:
                self.end_item()
                ordered, items = self.lists.pop()
                if items and len(self.out) < MAX_BLOCKS:
                    self.out.append(("list", tuple(items), ordered))
        elif tag == "pre":
            if self.item is None:
                self.flush()
            if self.pre_depth:
                self.pre_depth -= 1
        elif tag == "blockquote":
            if self.item is None:
                self.flush()
            if self.quote_depth:
                self.quote_depth -= 1

    def data(self, text: str) -> None:
        fig = self.figure
        if fig is not None:
            if fig.part == "caption":
                fig.caption += text
            elif fig.part == "credit":
                fig.credit += text
        elif self.item is not None:
            self.item.append(text)
        elif self.buf or not text.isspace():  # blanks before a paragraph count for nothing
            self.buf.append(text)

    def close(self) -> None:
        if self.figure is not None:
            self.end_figure()
        self.end_item()
        while self.lists:
            ordered, items = self.lists.pop()
            if items:
                self.out.append(("list", tuple(items), ordered))
        self.flush()

    # -- what the state machine makes --------------------------------------------------
    def flush(self) -> None:
        """The text read since the last block becomes one (unless it is blank)."""
        buf = self.buf
        if buf:
            raw = "".join(buf)
            buf.clear()
            self.block(raw)

    def block(self, raw: str) -> None:
        """`raw` text (the paragraph's, the heading's, ...) becomes a block."""
        if len(self.out) >= MAX_BLOCKS:
            return
        if self.pre_depth:
            text = clean_text(raw.strip("\n"))
            kind = "pre"
        else:
            text = raw.strip()  # `line(raw, PARAGRAPH_MAX)`, its shortcut written out
            if text and not (text.isprintable() and "  " not in text
                             and len(raw) <= PARAGRAPH_MAX):
                text = clean_line(raw, limit=PARAGRAPH_MAX)
            kind = "quote" if self.quote_depth else self.kind
        if text:
            if kind == "paragraph":
                self.out.append(("paragraph", text, 0))
            else:
                self.out.append((kind, text, (self.level or 2) if kind == "heading" else 0))
                self.kind = "paragraph"

    def end_item(self) -> None:
        if self.item is not None and self.lists:
            text = line("".join(self.item), PARAGRAPH_MAX)
            if text:
                self.lists[-1][1].append(text)
        self.item = None

    def end_figure(self) -> None:
        fig = self.figure
        self.figure = None
        # A figure with a source or a caption is a block; its caption is read later.
        if fig is not None and (fig.src or line(fig.caption, CAPTION_MAX)):
            self.out.append(("figure", fig, 0))

    def _figure_image(self, fig: _Figure, img: Any) -> None:
        """A figure's <img>: its source and alt text, if the source is safe."""
        url = safe_url(img.get("src") or img.get("data-src") or "", self.base_url)
        if url:
            fig.src, fig.alt = url, line(img.get("alt") or "", TITLE_MAX)

    def simple_figure(self, el: Any) -> bool:
        """Read a <figure> holding only images and captions of text alone (the common
        figure) at once, as its start, text and end tags would, or give False."""
        for child in el:
            tag = child.tag
            if len(child) or (tag != "img" and tag != "figcaption"):
                return False
        if self.buf:
            self.flush()
        fig = _Figure()
        for child in el:
            if child.tag == "img":
                if fig.src is None:
                    self._figure_image(fig, child)
            elif child.text:
                fig.caption += child.text
        self.figure = fig
        self.end_figure()
        return True

    def _image(self, el: Any) -> Image | None:
        url = safe_url(el.get("src") or el.get("data-src") or "", self.base_url)
        return Image(src=url, alt=line(el.get("alt") or "", TITLE_MAX)) if url else None

    # -- results -----------------------------------------------------------------------
    def blocks(self) -> list[Block]:
        """The reader's blocks, in document order."""
        out: list[Block] = []
        for kind, value, extra in self.out:
            if kind == "figure":
                out.append(Block("figure", image=value.image() if isinstance(
                    value, _Figure) else value))
            elif kind == "list":
                out.append(Block("list", items=value, ordered=extra))
            else:
                out.append(Block(kind, text=value, level=extra))  # type: ignore[arg-type]
        return out

    def digest(self) -> HtmlDigest:
        """What a refresh reads; only the first figure with a source is made."""
        parts: list[str] = []
        paragraphs: list[str] = []
        items: list[str] = []
        figure: Image | None = None
        has_pre = False
        for kind, value, _ in self.out:
            if kind == "list":
                parts += value
                items += value
            elif kind == "figure":
                if figure is None and value.src:
                    figure = value.image() if isinstance(value, _Figure) else value
            else:
                parts.append(value)
                if kind == "pre":
                    has_pre = True
                else:
                    paragraphs.append(value)
        # Clean lines hold single spaces alone: only <pre> text needs its blanks joined.
        flat = " ".join(" ".join(parts).split()) if has_pre else " ".join(parts)
        return HtmlDigest(tuple(parts), tuple(paragraphs + items), figure, flat)
