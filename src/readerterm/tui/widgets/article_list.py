"""The articles pane: a line-API list that pages rows in on demand.

Only the visible rows are rendered (`render_line`), and rows are asked for a page at a
time with `NeedPage`; the App loads them from the library in a worker and hands them back
with `set_page`. There is never one widget per article, and never all rows in memory, so
100,000 articles cost what 50 do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from readerterm.models import ArticleRow
from readerterm.safety import clean_line
from readerterm.tui.ages import age
from readerterm.tui.keys import pane_binding

PAGE_SIZE = 100


class ArticleList(ScrollView, can_focus=True):
    """Rows of articles: unread mark, star, title, source, age."""

    BINDINGS: ClassVar[list[BindingType]] = [
        pane_binding("cursor-down", "cursor_down"),
        pane_binding("cursor-up", "cursor_up"),
        pane_binding("open", "select"),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "articlelist--cursor", "articlelist--unread", "articlelist--read",
        "articlelist--source", "articlelist--star",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
    }
    ArticleList > .articlelist--cursor { background: $block-cursor-blurred-background; }
    ArticleList:focus > .articlelist--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    ArticleList > .articlelist--unread { text-style: bold; }
    ArticleList > .articlelist--read { color: $text-muted; }
    ArticleList > .articlelist--source { color: $text-muted; }
    ArticleList > .articlelist--star { color: $warning; }
    """

    @dataclass
    class NeedPage(Message):
        """Rows `page * PAGE_SIZE ...` of list `generation` are wanted."""

        generation: int
        page: int

    class Highlighted(Message):
        """The cursor moved (or the list changed under it)."""

    @dataclass
    class Selected(Message):
        """The user opened the row at `index`."""

        row: ArticleRow
        index: int

    def __init__(self, *, clock: Callable[[], datetime] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.generation = 0
        self.total = 0
        self.cursor = 0
        self.empty_text = "No articles."
        self._pages: LRUCache[int, list[ArticleRow]] = LRUCache(64)
        self._asked: set[int] = set()

    # -- data from the App -------------------------------------------------------------
    def load(self, total: int, pages: dict[int, list[ArticleRow]], *, cursor: int = 0,
             scroll: float | None = None) -> int:
        """Show a new list (or the same list again); returns its generation."""
        self.generation += 1
        self.total = total
        self._pages.clear()
        self._asked.clear()
        for page, rows in pages.items():
            self._pages[page] = rows
        self.cursor = max(0, min(cursor, total - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, total)
        if scroll is None:
            self._keep_cursor_visible()
        else:
            self.scroll_to(y=scroll, animate=False, immediate=True)
            self._keep_cursor_visible()
        self.refresh()
        return self.generation

    def set_page(self, generation: int, page: int, rows: list[ArticleRow]) -> None:
        if generation != self.generation:
            return
        self._pages[page] = rows
        self._asked.discard(page)
        self.refresh()

    def row(self, index: int) -> ArticleRow | None:
        """The row at `index` if it is loaded (asking for its page otherwise)."""
        if not 0 <= index < self.total:
            return None
        page, pos = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            if page not in self._asked:
                self._asked.add(page)
                # Not posted from here: row() runs while rendering, when the message's
                # sender would be the app and the message would not bubble up to it.
                self.call_later(self._ask, self.generation, page)
            return None
        return rows[pos] if pos < len(rows) else None

    def _ask(self, generation: int, page: int) -> None:
        self.post_message(self.NeedPage(generation, page))

    @property
    def current(self) -> ArticleRow | None:
        return self.row(self.cursor)

    def update_row(self, article_id: int, *, read: bool | None = None,
                   starred: bool | None = None) -> None:
        """Change a loaded row's marks in place (repainting that line alone)."""
        for page in list(self._pages.keys()):
            rows = self._pages.get(page)
            if rows is None:
                continue
            for i, row in enumerate(rows):
                if row.id == article_id:
                    new = replace(row, read=row.read if read is None else read,
                                  starred=row.starred if starred is None else starred)
                    if new != row:
                        rows[i] = new
                        self.refresh_line(page * PAGE_SIZE + i)

    # -- cursor --------------------------------------------------------------------------
    def move_to(self, index: int) -> None:
        if self.total == 0:
            return
        old = self.cursor
        self.cursor = max(0, min(index, self.total - 1))
        self._keep_cursor_visible()  # (a scroll repaints every line)
        self.refresh_line(old)
        self.refresh_line(self.cursor)
        self.post_message(self.Highlighted())

    def _keep_cursor_visible(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        self.move_to(self.total - 1 if index < 0 else index)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if 0 <= index < self.total:
            self.move_to(index)
            self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total)

    # -- rendering -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        base = self.rich_style
        if self.total == 0:
            if y == 0:
                return Strip([Segment(self.empty_text[:width], base)]).extend_cell_length(
                    width, base)
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row(index)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("articlelist--cursor")
        text = self._row_text(row, width) if row else Text("…", style=Style(dim=True))
        text.stylize_before(style)
        text.truncate(width, pad=True)
        segments = list(text.render(self.app.console))
        return Strip(segments, width).crop(0, width).extend_cell_length(width, style)

    def _row_text(self, row: ArticleRow, width: int) -> Text:
        when = age(row.published, self.clock()) if row.date_known else "?"  # never "now"
        source = clean_line(row.feed, 14)
        muted = self.get_component_rich_style("articlelist--source")
        right = Text()
        right.append(f" {source}", muted)
        right.append(f" {when:>6}", muted)
        mark = Text("●" if not row.read else " ", style=Style(color="cyan"))
        star = Text("★ " if row.starred else "  ",
                    style=self.get_component_rich_style("articlelist--star"))
        title_room = max(1, width - len(mark) - len(star) - right.cell_len)
        if title_room < 16:  # narrow: drop the source, keep the age
            right = Text(f" {when:>6}", muted)
            title_room = max(1, width - len(mark) - len(star) - right.cell_len)
        title_style = self.get_component_rich_style(
            "articlelist--read" if row.read else "articlelist--unread")
        title = Text(clean_line(row.title) or "(untitled)", style=title_style)
        title.truncate(title_room, overflow="ellipsis", pad=True)
        return Text.assemble(mark, star, title, right)

    def region_of_cursor(self) -> Region:
        return Region(0, self.cursor, self.scrollable_content_region.width, 1)
