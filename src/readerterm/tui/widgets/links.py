"""The links pane: an open article's related links and "More on this story", numbered,
in a pane of their own below the body, so that they are on screen as soon as the article
is.

It is a pane like the others: it takes focus (tab), moves with the arrow keys or j/k and
follows the highlighted link with enter; a click follows a link too. Every link can be
reached this way, not only 1-9. It can be collapsed to its one heading line.

Titles, authors and publication names come from pages and feeds: they are shown as rich
Text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from readerterm.models import RelatedLink
from readerterm.related import Similar
from readerterm.safety import clean_line
from readerterm.tui.ages import long_date
from readerterm.tui.keys import pane_binding


def source_of(url: str) -> str:
    """The host of `url`, without "www." (the last resort for a link's source)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.")


class LinkItem(Static):
    """Link number `number`; a click follows it (enter, in the pane that holds it)."""

    @dataclass
    class Followed(Message):
        number: int

    def __init__(self, number: int, title: str, meta: list[str], note: str = "") -> None:
        text = Text(title, style="underline")
        meta = [m for m in meta if m]
        if meta or note:
            text.append("\n" + " · ".join(meta), style="dim")
        if note:
            text.append(("  " if meta else "") + f"({note})", style="dim italic")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3, justify="right", style="bold")
        grid.add_column(ratio=1)
        grid.add_row(f"{number}.", text)
        super().__init__(grid, markup=False, classes="related-link")
        self.number = number
        self.text = Text.assemble(f"{number}. ", text)
        """The item as plain text (its number, title, then source)."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Followed(self.number))


class RelatedItem(LinkItem):
    """A publisher's related link: title, then author and the publication's name."""

    def __init__(self, number: int, link: RelatedLink) -> None:
        super().__init__(number, clean_line(link.title) or clean_line(link.url),
                         [clean_line(link.author, 100),
                          clean_line(link.source, 100) or source_of(link.url)],
                         "" if link.article_id is not None else "not cached: fetched when followed")
        self.link = link


class SimilarItem(LinkItem):
    """An article from the cache on the same story or subject."""

    def __init__(self, number: int, similar: Similar) -> None:
        feeds = ", ".join(clean_line(f, 60) for f in (similar.feed, *similar.also_in))
        super().__init__(number, clean_line(similar.title) or "(untitled)",
                         [feeds, long_date(similar.published)])
        self.similar = similar


class LinksPane(VerticalScroll, can_focus=True):
    """The numbered links of the open article; `-collapsed` shows the heading alone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        pane_binding("cursor-down", "cursor(1)"),
        pane_binding("cursor-up", "cursor(-1)"),
        pane_binding("open", "follow"),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor = 0
        self.related: tuple[RelatedLink, ...] = ()
        self.similar: tuple[Similar, ...] = ()

    @property
    def items(self) -> list[LinkItem]:
        return list(self.query(LinkItem))

    @property
    def count(self) -> int:
        return len(self.related) + len(self.similar)

    @property
    def collapsed(self) -> bool:
        return self.has_class("-collapsed")

    def toggle(self) -> None:
        """Collapse the pane to its heading, or open it again."""
        self.toggle_class("-collapsed")
        self._title()

    def _title(self) -> None:
        parts = []
        if self.related:
            parts.append(f"Related articles {len(self.related)}")
        if self.similar:
            parts.append(f"More on this story {len(self.similar)}")
        mark = "▸" if self.collapsed else "▾"
        self.border_title = Text(f"{mark} " + " · ".join(parts))

    async def show(self, related: tuple[RelatedLink, ...], similar: tuple[Similar, ...],
                   *, keep_cursor: bool = False) -> None:
        """Show these links (numbered from 1: the related links, then the similar)."""
        self.related, self.similar = related, similar
        self.display = bool(related or similar)
        await self.remove_children()
        widgets: list[Widget] = [RelatedItem(n, link) for n, link in enumerate(related, 1)]
        if similar:
            widgets.append(Static(Text("More on this story", style="bold"),
                                  classes="links-heading"))
            widgets.extend(SimilarItem(n, item) for n, item in enumerate(similar, len(related) + 1))
        await self.mount_all(widgets)
        self._title()
        self.cursor = min(self.cursor, max(0, self.count - 1)) if keep_cursor else 0
        self._highlight()
        if not keep_cursor:
            self.scroll_home(animate=False, immediate=True)

    def _highlight(self) -> None:
        for n, item in enumerate(self.items):
            item.set_class(n == self.cursor, "-cursor")

    def move_to(self, index: int) -> None:
        items = self.items
        if not items:
            return
        self.cursor = max(0, min(index, len(items) - 1))
        self._highlight()
        self.scroll_to_widget(items[self.cursor], animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_jump(self, index: int) -> None:
        self.move_to(self.count - 1 if index < 0 else index)

    def action_follow(self) -> None:
        items = self.items
        if items:
            self.post_message(LinkItem.Followed(items[self.cursor].number))
