"""The data readerterm works with: frozen dataclasses, no I/O.

An article's readable form is a `Document`: blocks of text and figures plus related
links. It is stored in the cache as JSON data (`to_dict`/`from_dict`), never as
rendered text, so the reader, `show` and exports each render it their own way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "quote", "list", "figure", "pre"]


@dataclass(frozen=True)
class Image:
    """An image with what the publisher says about it."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"src": self.src, "caption": self.caption, "credit": self.credit, "alt": self.alt}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Image:
        return cls(
            src=str(data.get("src") or ""),
            alt=str(data.get("alt") or ""),
            caption=str(data.get("caption") or ""),
            credit=str(data.get("credit") or ""),
        )


@dataclass(frozen=True)
class RelatedLink:
    """A link to another article; `article_id` is set when that article is in the cache,
    `source` (the publication's name) when the library knows it."""

    title: str
    url: str
    author: str = ""
    article_id: int | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "author": self.author}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RelatedLink:
        return cls(
            title=str(data.get("title") or ""),
            url=str(data.get("url") or ""),
            author=str(data.get("author") or ""),
        )


@dataclass(frozen=True)
class Block:
    """One block of an article body.

    heading: `text`, `level` 1-6; paragraph, quote, pre: `text`; list: `items`
    (`ordered` for numbered lists); figure: `image` (its caption and credit).
    """

    kind: BlockKind
    text: str = ""
    level: int = 0
    items: tuple[str, ...] = ()
    ordered: bool = False
    image: Image | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind}
        if self.kind == "figure" and self.image is not None:
            out.update(self.image.to_dict())
        elif self.kind == "list":
            out["items"] = list(self.items)
            out["ordered"] = self.ordered
        else:
            out["text"] = self.text
            if self.kind == "heading":
                out["level"] = self.level
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        kind = data.get("type", "paragraph")
        if kind == "figure":
            return cls("figure", image=Image.from_dict(data))
        if kind == "list":
            return cls("list", items=tuple(str(i) for i in data.get("items", ())),
                       ordered=bool(data.get("ordered")))
        if kind not in ("heading", "paragraph", "quote", "pre"):
            kind = "paragraph"
        return cls(kind, text=str(data.get("text") or ""), level=int(data.get("level") or 0))


@dataclass(frozen=True)
class Document:
    """An article made readable: what the reader, `show` and `extract` render."""

    title: str = ""
    byline: str = ""
    section: str = ""
    site_name: str = ""  # the publication's name, from the page (og:site_name)
    lead_image: Image | None = None
    blocks: tuple[Block, ...] = ()
    related: tuple[RelatedLink, ...] = ()

    @property
    def body_text(self) -> str:
        """The body alone: no captions, no related links."""
        parts: list[str] = []
        for block in self.blocks:
            if block.kind == "figure":
                continue
            if block.kind == "list":
                parts.extend(block.items)
            elif block.text:
                parts.append(block.text)
        return "\n\n".join(parts)

    @property
    def body_blocks(self) -> tuple[Block, ...]:
        """The blocks to show below the lead image: its own figure is not repeated."""
        lead = self.lead_image
        if lead is None or not lead.src:
            return self.blocks
        return tuple(b for b in self.blocks if not (
            b.kind == "figure" and b.image is not None and b.image.src == lead.src))

    @property
    def images(self) -> list[Image]:
        """The lead image, then every figure of the body (each once)."""
        seen: set[str] = set()
        out: list[Image] = []
        candidates = [self.lead_image] + [b.image for b in self.blocks if b.kind == "figure"]
        for image in candidates:
            if image is None:
                continue
            key = image.src or image.caption
            if key in seen:
                continue
            seen.add(key)
            out.append(image)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "byline": self.byline,
            "section": self.section,
            "site_name": self.site_name,
            "lead_image": self.lead_image.to_dict() if self.lead_image else None,
            "blocks": [b.to_dict() for b in self.blocks],
            "related": [r.to_dict() for r in self.related],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        lead = data.get("lead_image")
        return cls(
            title=str(data.get("title") or ""),
            byline=str(data.get("byline") or ""),
            section=str(data.get("section") or ""),
            site_name=str(data.get("site_name") or ""),
            lead_image=Image.from_dict(lead) if isinstance(lead, dict) else None,
            blocks=tuple(Block.from_dict(b) for b in data.get("blocks", ()) if isinstance(b, dict)),
            related=tuple(
                RelatedLink.from_dict(r) for r in data.get("related", ()) if isinstance(r, dict)
            ),
        )


@dataclass(frozen=True)
class Enclosure:
    url: str
    type: str = ""
    length: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "type": self.type, "length": self.length}


@dataclass(frozen=True)
class TextLink:
    """A link inside an article's text (show notes, sources), in the order it came."""

    text: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "url": self.url}


@dataclass(frozen=True)
class ParsedEntry:
    """One entry of a feed, normalised and cleaned (text is safe, links are http(s))."""

    guid: str
    title: str
    link: str | None
    author: str = ""
    published: datetime | None = None
    categories: tuple[str, ...] = ()
    summary_html: str = ""
    content_html: str = ""
    enclosures: tuple[Enclosure, ...] = ()
    lead_image: Image | None = None
    related: tuple[RelatedLink, ...] = ()

    @property
    def section(self) -> str:
        return self.categories[0] if self.categories else ""


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed body: its title, link and entries."""

    title: str
    link: str | None
    kind: str
    entries: tuple[ParsedEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FeedRow:
    """A subscribed feed as the cache knows it."""

    id: int
    url: str
    title: str
    section: str
    unread: int = 0
    total: int = 0
    status: str = "new"
    error: str | None = None
    last_fetched: str | None = None
    hidden: int = 0  # articles a [[filter]] hides (not in unread or total)


@dataclass(frozen=True)
class ArticleRow:
    """One line of an article list."""

    id: int
    feed_id: int
    title: str
    feed: str
    section: str
    published: str
    url: str | None
    read: bool
    starred: bool
    snippet: str = ""
    date_known: bool = True
    """False when the feed gave no date that could be read: `published` is then the
    time the article was first seen (it sorts by arrival), not a date to show."""


@dataclass(frozen=True)
class ArticleView:
    """One article as the reader and `show` present it."""

    id: int
    title: str
    feed: str
    feed_url: str
    section: str
    url: str | None
    author: str
    published: str
    read: bool
    starred: bool
    document: Document
    fulltext: str  # "page" (extracted), "feed" (the feed's content), "pending", "error"
    note: str = ""
    enclosures: tuple[Enclosure, ...] = ()
    links: tuple[TextLink, ...] = ()

    @property
    def related(self) -> tuple[RelatedLink, ...]:
        return self.document.related

    def to_json(self, cached: Collection[str] = ()) -> dict[str, Any]:
        """`show --json`; `cached` holds the image URLs the image cache has."""
        return {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "feed": self.feed,
            "url": self.url,
            "author": self.author,
            "published": self.published,
            "read": self.read,
            "starred": self.starred,
            "images": [{**i.to_dict(), "cached": i.src in cached}
                       for i in self.document.images],
            "body_text": self.document.body_text,
            "blocks": [b.to_dict() for b in self.document.blocks],
            "related": [{**r.to_dict(), "id": r.article_id} for r in self.related],
            "enclosures": [e.to_dict() for e in self.enclosures],
            "links": [link.to_dict() for link in self.links],
        }
