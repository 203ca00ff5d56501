"""The reader pane: an article's Document as text, captions set apart, at most
`measure` cells wide. Its numbered links are shown by the links pane beside it
(widgets/links.py), which `show` fills.

Every string here comes from a feed or a page, so it is shown as rich Text (never markup)
and passed through `strip_controls` once more on the way to the screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from readerterm.models import ArticleView, Block, Image, RelatedLink
from readerterm.related import Similar
from readerterm.safety import clean_line, strip_controls
from readerterm.tui.ages import long_date
from readerterm.tui.keys import pane_binding
from readerterm.tui.picture_source import PictureSource
from readerterm.tui.pictures import Protocol
from readerterm.tui.widgets.attachments import attachment_widgets
from readerterm.tui.widgets.links import LinksPane
from readerterm.tui.widgets.picture import Picture


def _t(value: str) -> str:
    return strip_controls(value)


def caption_text(image: Image) -> Text | None:
    """'caption (credit)', or None when the image says nothing."""
    caption = clean_line(image.caption or image.alt, 2000)
    credit = clean_line(image.credit, 300)
    if not caption and not credit:
        return None
    text = Text("▌ ", style="dim")
    text.append(caption, style="italic")
    if credit:
        text.append(("  " if caption else "") + credit, style="dim")
    return text


def block_text(block: Block) -> Text:
    """One text block (not a figure) as styled Text."""
    if block.kind == "heading":
        return Text(_t(block.text), style="bold underline" if block.level <= 2 else "bold")
    if block.kind == "quote":
        text = Text("│ ", style="dim")
        text.append(_t(block.text), style="italic")
        return text
    if block.kind == "list":
        text = Text()
        for n, item in enumerate(block.items, 1):
            mark = f"{n}. " if block.ordered else "• "
            if n > 1:
                text.append("\n")
            text.append("  " + mark + _t(item))
        return text
    if block.kind == "pre":
        return Text(_t(block.text), style="dim", no_wrap=True)
    return Text(_t(block.text))


class ReaderPane(VerticalScroll, can_focus=True):
    """The open article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        pane_binding("cursor-down", "scroll_down"),
        pane_binding("cursor-up", "scroll_up"),
    ]

    def __init__(self, *, measure: int = 80, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: ArticleView | None = None
        self.similar: tuple[Similar, ...] = ()
        self.measure = measure
        """The longest line of text, in cells."""
        self.pictures: tuple[Protocol, PictureSource] | None = None
        """How pictures are drawn and where they come from; None: no pictures."""

    def compose_placeholder(self) -> list[Widget]:
        return [Static(Text("Open an article with enter.", style="dim"), classes="note")]

    def on_mount(self) -> None:
        self.mount_all(self.compose_placeholder())

    @property
    def related(self) -> tuple[RelatedLink, ...]:
        return self.view.related if self.view else ()

    @property
    def links(self) -> LinksPane | None:
        """The links pane that shows this article's links (None in a bare test app)."""
        found = self.screen.query(LinksPane)
        return found.first() if found else None

    async def show_similar(self, article_id: int, similar: list[Similar], *,
                           keep_cursor: bool = False) -> None:
        """Set "More on this story" (numbered after the related links) in the links pane."""
        if self.view is None or self.view.id != article_id:
            return
        linked = {link.article_id for link in self.related} | {article_id}
        self.similar = tuple(item for item in similar if item.id not in linked)
        links = self.links
        if links is not None:
            await links.show(self.related, self.similar, keep_cursor=keep_cursor)

    def picture_widgets(self, image: Image) -> list[Widget]:
        """The picture of `image` (a placeholder until it is drawn); none when pictures
        are off."""
        if self.pictures is None or not image.src:
            return []
        protocol, source = self.pictures
        return [Picture(image, source, protocol, classes="picture")]

    def widgets_for(self, view: ArticleView) -> list[Widget]:
        doc = view.document
        out: list[Widget] = []
        if view.section:
            out.append(Static(Text(clean_line(view.section).upper()), classes="section-label"))
        out.append(Static(Text(clean_line(view.title, 1000) or "(untitled)"), classes="headline"))
        meta = " · ".join(x for x in (clean_line(view.feed), clean_line(view.author),
                                       long_date(view.published)) if x)
        marks = ("★ " if view.starred else "") + meta
        out.append(Static(Text(marks), classes="meta"))
        if doc.lead_image is not None:
            out.extend(self.picture_widgets(doc.lead_image))
            lead = caption_text(doc.lead_image)
            if lead is not None:
                out.append(Static(lead, classes="caption lead-caption"))
        if view.note:
            out.append(Static(Text(_t(view.note)), classes="note"))
        paragraph: list[Text] = []

        def flush() -> None:
            if paragraph:
                out.append(Static(Text("\n\n").join(paragraph), classes="body"))
                paragraph.clear()

        for block in doc.body_blocks:
            if block.kind == "figure":
                if block.image is None:
                    continue
                text = caption_text(block.image)
                drawn = self.picture_widgets(block.image)
                if drawn or text is not None:
                    flush()
                out.extend(drawn)
                if text is not None:
                    out.append(Static(text, classes="caption"))
                continue
            paragraph.append(block_text(block))
        flush()
        if not doc.blocks:
            out.append(Static(Text("(no text)", style="dim"), classes="body"))
        # Attachments and the text's own links follow the body; related articles and
        # "More on this story" are in the links pane (widgets/links.py).
        out.extend(attachment_widgets(view))
        for widget in out:
            widget.styles.max_width = self.measure
        return out

    async def show(self, view: ArticleView, scroll: float = 0.0,
                   similar: list[Similar] | None = None) -> None:
        """Replace the content with `view` (and its "More on this story" when given, else
        the one it had), then scroll to `scroll`."""
        same = self.view is not None and self.view.id == view.id
        if similar is None:
            similar = list(self.similar) if same else []
        self.view = view
        self.similar = ()
        await self.remove_children()
        await self.mount_all(self.widgets_for(view))
        await self.show_similar(view.id, similar, keep_cursor=same)

        def restore() -> None:
            self.scroll_to(y=scroll, animate=False, immediate=True)

        if scroll:
            self.call_after_refresh(restore)
        else:
            self.scroll_home(animate=False, immediate=True)

    def page(self, direction: int) -> None:
        if direction > 0:
            self.scroll_page_down(animate=False)
        else:
            self.scroll_page_up(animate=False)
