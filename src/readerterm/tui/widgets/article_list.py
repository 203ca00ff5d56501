"""The articles pane: a line-API list that pages rows in on demand.

Each article takes `row_height` lines (its title wrapped, then source and age: see
widgets/rows.py), the same for every row, so row `i` starts at line `i * row_height`.

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
from readerterm.tui.ages import age
from readerterm.tui.keys import pane_binding
from readerterm.tui.widgets.rows import RowStyles, row_height, row_lines

PAGE_SIZE = 100


class ArticleList(ScrollView, can_focus=True):
    """Rows of articles: unread mark, title (wrapped), star, source, age."""

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
        self.row_height = 2
        self._lines: LRUCache[tuple[object, ...], list[Text]] = LRUCache(256)

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
        self._size_rows()
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
                        self._refresh_row(page * PAGE_SIZE + i)

    # -- cursor --------------------------------------------------------------------------
    def move_to(self, index: int) -> None:
        if self.total == 0:
            return
        old = self.cursor
        self.cursor = max(0, min(index, self.total - 1))
        self._keep_cursor_visible()  # (a scroll repaints every line)
        self._refresh_row(old)
        self._refresh_row(self.cursor)
        self.post_message(self.Highlighted())

    def _refresh_row(self, index: int) -> None:
        self.refresh_lines(index * self.row_height, self.row_height)

    def _size_rows(self) -> None:
        width = self.scrollable_content_region.width
        self.row_height = row_height(width)
        self.virtual_size = Size(width, self.total * self.row_height)

    @property
    def rows_per_screen(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height)

    def _keep_cursor_visible(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        first = self.cursor * self.row_height
        last = first + self.row_height - 1
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + height:
            self.scroll_to(y=last - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.rows_per_screen - 1))

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
        index = (round(self.scroll_y) + offset.y) // self.row_height
        if 0 <= index < self.total:
            self.move_to(index)
            self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        before = self.row_height
        self._size_rows()
        if self.row_height != before:
            self._keep_cursor_visible()

    # -- rendering -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        index, part = divmod(line, self.row_height)
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
        if row is None:
            text = Text("…" if part == 0 else "", style=Style(dim=True))
        else:
            text = self._row_lines(row, width)[part].copy()
        text.stylize_before(style)
        text.truncate(width, pad=True)
        segments = list(text.render(self.app.console))
        return Strip(segments, width).crop(0, width).extend_cell_length(width, style)

    def _row_lines(self, row: ArticleRow, width: int) -> list[Text]:
        """The row's lines, laid out once for all of them (render_line asks per line)."""
        when = age(row.published, self.clock()) if row.date_known else "?"  # never "now"
        key = (row, width, self.row_height, when, self.app.theme)
        lines = self._lines.get(key)
        if lines is None:
            lines = self._lay_out(row, when, width)
            self._lines[key] = lines
        return lines

    def _lay_out(self, row: ArticleRow, when: str, width: int) -> list[Text]:
        component = self.get_component_rich_style
        styles = RowStyles(unread=component("articlelist--unread"),
                           read=component("articlelist--read"),
                           source=component("articlelist--source"),
                           star=component("articlelist--star"),
                           mark=Style(color="cyan"))
        return row_lines(row, when, width, self.row_height, self.app.console, styles)

    def region_of_cursor(self) -> Region:
        return Region(0, self.cursor * self.row_height, self.scrollable_content_region.width,
                      self.row_height)
