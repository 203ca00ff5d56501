"""HTML (a feed's content, or an extracted article) -> Document blocks.

A streaming walk with the standard library's HTMLParser: no recursion, so 10,000-deep
markup is as cheap as flat markup (SECURITY.md rule 9). Scripts, styles, templates,
forms and embedded frames are dropped; figures keep their caption and credit apart
from the body text; all text goes through `safety`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from readerterm.models import Block, Image
from readerterm.safety import clean_line, clean_text, safe_url

SKIP = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg",
        "math", "form", "button", "select", "textarea", "head", "title", "nav", "canvas",
        "video", "audio", "picture-source"}
BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "footer", "aside",
              "table", "tr", "dl", "dt", "dd", "center", "address", "details", "summary",
              "hr", "br", "td", "th", "tbody", "thead"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}
CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|attribution", re.I)
CREDIT_TEXT = re.compile(
    r"^(?:(?:photo(?:graph)?|image|picture|illustration)\s*(?:by|:)|credit\s*:|©|\(c\)\s)", re.I
)
CREDIT_PREFIX = re.compile(
    r"^(?:photo(?:graph)?|image|picture|illustration|credit)s?\s*(?::|by)\s*", re.I)
MAX_BLOCKS = 5000


CREDIT_AT_END = re.compile(
    r"\s*\(?\s*(?:(?:Photograph|Photo|Image|Picture|Illustration|Credit)s?\s*(?::|by)\s*"
    r"|©\s*)([^.()]{2,120})\)?\.?\s*$"
)


_CREDIT_WORDS = ("Photo", "Image", "Picture", "Illustration", "Credit", "©")


def split_credit(caption: str) -> tuple[str, str]:
    """Split "A caption. Photograph: Someone/Agency" into (caption, credit)."""
    # From its keyword to its end a match holds no ".", "(" or ")" but a ")." closing
    # the caption, and before the keyword only blanks and one "(": it starts at the
    # first keyword after the last of those characters, or in the blanks and "("
    # before it. Searching from there spares the regex a try at every character.
    core = caption.rstrip()
    core = core[:-1] if core.endswith(".") else core
    core = core[:-1] if core.endswith(")") else core
    after = max(core.rfind("."), core.rfind("("), core.rfind(")")) + 1
    found = [at for at in (caption.find(word, after) for word in _CREDIT_WORDS) if at >= 0]
    if not found:
        return caption, ""
    start = len(caption[: min(found)].rstrip())
    if start and caption[start - 1] == "(":
        start = len(caption[: start - 1].rstrip())
    return split_credit_from(caption, start)


def split_credit_from(caption: str, start: int) -> tuple[str, str]:
    """`split_credit` with CREDIT_AT_END searched from `start` (0: every character)."""
    match = CREDIT_AT_END.search(caption, start)
    if match and match.start() > 0:
        # "(Image: GETTY)" loses both parentheses, not only the closing one.
        return caption[: match.start()].rstrip(" .,;-–—(") + ".", match.group(1).strip()
    return caption, ""


class _Walker(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.kind: str = "paragraph"
        self.level = 0
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.pre_depth = 0
        self.quote_depth = 0
        self.list_stack: list[tuple[bool, list[str]]] = []
        self.item_buf: list[str] | None = None
        self.figure: dict[str, str] | None = None
        self.fig_part: str | None = None  # "caption" or "credit" while inside those
        self.fig_part_depth = 0

    # -- helpers -------------------------------------------------------------------
    def _flush(self) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        self.buf = []
        if len(self.blocks) >= MAX_BLOCKS:
            return
        if self.pre_depth:
            text = clean_text(raw.strip("\n"))
            kind = "pre"
        else:
            text = clean_line(raw, limit=100_000)
            kind = "quote" if self.quote_depth else self.kind
        if not text:
            return
        if kind == "heading":
            self.blocks.append(Block("heading", text=text, level=self.level or 2))
        else:
            self.blocks.append(Block(kind, text=text))  # type: ignore[arg-type]
        self.kind = "paragraph"

    def _image(self, attrs: dict[str, str]) -> Image | None:
        src = attrs.get("src") or attrs.get("data-src") or ""
        url = safe_url(src, self.base_url)
        if not url:
            return None
        return Image(src=url, alt=clean_line(attrs.get("alt") or ""))

    # -- HTMLParser callbacks ------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag not in VOID:
                self.skip_stack.append(tag)
                self.skip_depth += 1
            return
        if tag in SKIP:
            self.skip_stack = [tag]
            self.skip_depth = 1
            return
        attrs = {k: (v or "") for k, v in attrs_list}
        if self.figure is not None:
            if tag == "img" and not self.figure.get("src"):
                image = self._image(attrs)
                if image:
                    self.figure["src"] = image.src
                    self.figure["alt"] = image.alt
            elif tag == "figcaption":
                self.fig_part = "caption"
                self.fig_part_depth = 1
            elif self.fig_part and tag not in VOID:
                self.fig_part_depth += 1
                if CREDIT_CLASS.search(attrs.get("class", "")):
                    self.fig_part = "credit"
            return
        if tag == "figure":
            self._flush()
            self.figure = {"caption": "", "credit": ""}
            return
        if tag == "img":
            image = self._image(attrs)
            if image and not self.list_stack:
                self._flush()
                self.blocks.append(Block("figure", image=image))
            return
        if tag in HEADINGS:
            self._flush()
            self.kind, self.level = "heading", HEADINGS[tag]
        elif tag == "pre":
            self._flush()
            self.pre_depth += 1
        elif tag == "blockquote":
            self._flush()
            self.quote_depth += 1
        elif tag in ("ul", "ol"):
            self._flush()
            self._end_item()
            self.list_stack.append((tag == "ol", []))
        elif tag == "li":
            self._end_item()
            self.item_buf = []
        elif tag in BLOCK_TAGS:
            if self.item_buf is None:
                self._flush()
            elif tag == "br":
                self.item_buf.append(" ")
            if tag == "br" and self.pre_depth:
                self.buf.append("\n")

    def _end_item(self) -> None:
        if self.item_buf is not None and self.list_stack:
            text = clean_line("".join(self.item_buf), limit=100_000)
            if text:
                self.list_stack[-1][1].append(text)
        self.item_buf = None

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            # Pop to the matching tag, tolerating unclosed children.
            if tag in self.skip_stack:
                while self.skip_stack:
                    self.skip_depth -= 1
                    if self.skip_stack.pop() == tag:
                        break
            return
        if self.figure is not None:
            if self.fig_part:
                if tag == "figcaption":
                    self.fig_part = None
                elif tag not in VOID:
                    self.fig_part_depth -= 1
                    if self.fig_part == "credit" and self.fig_part_depth <= 1:
                        self.fig_part = "caption"
            if tag == "figure":
                self._end_figure()
            return
        if tag in HEADINGS or tag in BLOCK_TAGS or tag in ("pre", "blockquote"):
            if self.item_buf is None:
                self._flush()
            if tag == "pre" and self.pre_depth:
                self.pre_depth -= 1
            if tag == "blockquote" and self.quote_depth:
                self.quote_depth -= 1
        elif tag == "li":
            self._end_item()
        elif tag in ("ul", "ol") and self.list_stack:
            self._end_item()
            ordered, items = self.list_stack.pop()
            if items and len(self.blocks) < MAX_BLOCKS:
                self.blocks.append(Block("list", items=tuple(items), ordered=ordered))

    def _end_figure(self) -> None:
        fig = self.figure or {}
        self.figure = None
        self.fig_part = None
        caption = clean_line(fig.get("caption", ""), limit=2000)
        credit = clean_line(fig.get("credit", ""), limit=500)
        if caption and not credit:
            caption, credit = split_credit(caption)
        credit = CREDIT_PREFIX.sub("", credit)
        if fig.get("src") or caption:
            self.blocks.append(Block("figure", image=Image(
                src=fig.get("src", ""), alt=fig.get("alt", ""), caption=caption, credit=credit)))

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.figure is not None:
            if self.fig_part:
                self.figure[self.fig_part] = self.figure.get(self.fig_part, "") + data
            return
        if self.item_buf is not None:
            self.item_buf.append(data)
        else:
            self.buf.append(data)

    def close(self) -> None:
        super().close()
        if self.figure is not None:
            self._end_figure()
        self._end_item()
        while self.list_stack:
            ordered, items = self.list_stack.pop()
            if items:
                self.blocks.append(Block("list", items=tuple(items), ordered=ordered))
        self._flush()


def html_to_blocks(html: str, base_url: str | None = None) -> list[Block]:
    """The blocks of an HTML fragment or page, in document order."""
    if not html:
        return []
    if "<" not in html:
        # Plain text: paragraphs are separated by blank lines.
        return [Block("paragraph", text=t) for t in
                (clean_line(p, limit=100_000) for p in re.split(r"\n\s*\n", html)) if t]
    walker = _Walker(base_url)
    walker.feed(html[:5_000_000])
    walker.close()
    return walker.blocks


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by blank lines, no captions."""
    parts: list[str] = []
    for block in html_to_blocks(html):
        if block.kind == "list":
            parts.extend(block.items)
        elif block.kind != "figure":
            parts.append(block.text)
    return "\n\n".join(parts)
