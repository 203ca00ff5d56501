"""An article as Markdown: title, source, date, body with captions, its attachments,
the links of its text and its related links (`show --markdown`, the reader's save key).

Feed text is escaped so that it reads as text in any Markdown viewer: no stray
emphasis, no links or HTML that the article did not have as links.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from readerterm.models import ArticleView, Block, Image
from readerterm.render import enclosure_label
from readerterm.safety import clean_line, strip_controls

__all__ = ["article_markdown", "escape", "file_name"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_LINE_START = re.compile(r"^(\s*)([-=>]|\d+\.)", re.MULTILINE)


def escape(text: str) -> str:
    """Markdown's special characters as literals."""
    text = _SPECIAL.sub(r"\\\1", strip_controls(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _url(url: str) -> str:
    """A link target that cannot end the link early."""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def _link(text: str, url: str) -> str:
    return f"[{escape(clean_line(text, 500) or url)}](<{_url(url)}>)"


def _caption(image: Image) -> str:
    caption = clean_line(image.caption or image.alt, 2000)
    credit = clean_line(image.credit, 300)
    return escape(" ".join(x for x in (caption, f"({credit})" if credit else "") if x))


def _block(block: Block) -> str:
    if block.kind == "heading":
        return "#" * min(6, max(2, block.level + 1)) + " " + escape(clean_line(block.text))
    if block.kind == "figure":
        text = _caption(block.image) if block.image is not None else ""
        return f"*{text}*" if text else ""
    if block.kind == "quote":
        return "\n".join("> " + escape(line) for line in block.text.splitlines() or [""])
    if block.kind == "list":
        return "\n".join((f"{n}. " if block.ordered else "- ") + escape(clean_line(item, 5000))
                         for n, item in enumerate(block.items, 1))
    if block.kind == "pre":
        fence = "````" if "```" in block.text else "```"
        return f"{fence}\n{strip_controls(block.text)}\n{fence}"
    return escape(block.text)


def article_markdown(view: ArticleView) -> str:
    """`view` as a Markdown document."""
    doc = view.document
    out = [f"# {escape(clean_line(view.title, 1000) or '(untitled)')}", ""]
    meta = [escape(clean_line(x, 200)) for x in (view.feed, view.author) if x]
    if view.published:
        meta.append(view.published[:16].replace("T", " "))
    if meta:
        out += [" · ".join(meta), ""]
    if view.url:
        out += [f"Source: {_link(view.url, view.url)}", ""]
    if doc.lead_image is not None and _caption(doc.lead_image):
        out += [f"*{_caption(doc.lead_image)}*", ""]
    for block in doc.body_blocks:
        text = _block(block)
        if text:
            out += [text, ""]
    sections = (
        ("Attachments", [(enclosure_label(e.type, e.length), e.url) for e in view.enclosures]),
        ("Links in the text", [(link.text, link.url) for link in view.links]),
        ("Related articles", [(link.title, link.url) for link in doc.related]),
    )
    for heading, items in sections:
        if items:
            out += [f"## {heading}", ""]
            out += [f"{n}. {_link(text, url)}" for n, (text, url) in enumerate(items, 1)]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def file_name(view: ArticleView) -> str:
    """A safe file name for the saved article: its id and a slug of its title."""
    slug = re.sub(r"[^\w]+", "-", clean_line(view.title, 80).lower()).strip("-_")
    return f"{view.id}-{slug[:60] or 'article'}.md"
