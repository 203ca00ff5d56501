"""Plain-text rendering of an article, for `show` and pipes. Captions are set apart
from the body; related links are numbered at the end."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from readerterm.models import ArticleView, Block, Image
from readerterm.safety import strip_controls

if TYPE_CHECKING:
    from readerterm.related import Similar


def _caption(image: Image) -> str:
    text = image.caption or image.alt
    if image.credit:
        text = f"{text} ({image.credit})" if text else image.credit
    return text


def _block(block: Block, width: int) -> list[str]:
    if block.kind == "heading":
        return ["", block.text.upper() if block.level <= 2 else block.text, ""]
    if block.kind == "figure" and block.image is not None:
        text = _caption(block.image)
        if not text:
            return []
        return [*textwrap.wrap(text, width - 4, initial_indent="  ▌ ",
                               subsequent_indent="  ▌ "), ""]
    if block.kind == "quote":
        return [*textwrap.wrap(block.text, width - 4, initial_indent="  │ ",
                               subsequent_indent="  │ "), ""]
    if block.kind == "list":
        lines: list[str] = []
        for n, item in enumerate(block.items, 1):
            mark = f"{n}. " if block.ordered else "• "
            lines += textwrap.wrap(item, width - 2, initial_indent="  " + mark,
                                   subsequent_indent="  " + " " * len(mark))
        return [*lines, ""]
    if block.kind == "pre":
        return [*("    " + line for line in block.text.splitlines()), ""]
    return [*textwrap.wrap(block.text, width), ""]


def attachment_lines(view: ArticleView, width: int) -> list[str]:
    """The podcast episodes (enclosures) and the links of the text, numbered."""
    out: list[str] = []
    for title, items in (("Attachments", [(enclosure_label(e.type, e.length), e.url)
                                          for e in view.enclosures]),
                         ("Links in the text", [(link.text, link.url) for link in view.links])):
        if not items:
            continue
        out += [title, ""]
        for n, (label, url) in enumerate(items, 1):
            out += textwrap.wrap(f"{n}. {label}" if label != url else f"{n}. {url}", width,
                                 subsequent_indent="   ")
            if label != url:
                out.append(f"   {url}")
        out.append("")
    return out


def enclosure_label(kind: str, length: int) -> str:
    size = f"{length / 1_000_000:.1f} MB" if length >= 100_000 else (
        f"{length} bytes" if length else "")
    return " · ".join(x for x in (kind or "file", size) if x)


def render_article(view: ArticleView, width: int = 78, similar: Sequence[Similar] = ()) -> str:
    """The article as text: header, lead image caption, body, related links, then
    "More on this story" (`similar`), numbered after the related links."""
    doc = view.document
    width = max(30, width)
    out: list[str] = []
    if view.section:
        out.append(view.section.upper())
    out += textwrap.wrap(view.title, width) or ["(untitled)"]
    meta = " · ".join(x for x in (view.feed, view.author, view.published[:16].replace("T", " "))
                      if x)
    out += [meta, ""]
    if doc.lead_image and _caption(doc.lead_image):
        out += _block(Block("figure", image=doc.lead_image), width)
    if view.note:
        out += [f"[{view.note}]", ""]
    for block in doc.body_blocks:
        out += _block(block, width)
    if view.url:
        out += [f"Link: {view.url}", ""]
    out += attachment_lines(view, width)
    if doc.related:
        out += ["Related articles", ""]
        for n, link in enumerate(doc.related, 1):
            by = f" — {link.author}" if link.author else ""
            cached = "" if link.article_id is None else f" [id {link.article_id}]"
            out += textwrap.wrap(f"{n}. {link.title or link.url}{by}{cached}", width,
                                 subsequent_indent="   ")
            out.append(f"   {link.url}")
    if similar:
        out += ["", "More on this story", ""]
        for n, item in enumerate(similar, len(doc.related) + 1):
            feeds = ", ".join((item.feed, *item.also_in))
            out += textwrap.wrap(f"{n}. {item.title} — {feeds} [id {item.id}]", width,
                                 subsequent_indent="   ")
    text = strip_controls("\n".join(out))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
