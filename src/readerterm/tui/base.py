"""What the reader's parts share: its state, its panes and focus, as one base class.

`ReaderApp` (tui/app.py) is built from parts, each a class of its own module over this
base: `NavigationActions` (history, related links), `MarkActions` (read, star, the
browser) and `RefreshActions` (refresh and its progress). The base holds what every part
reads (the service, the list's source, the panes) and names the few workers of the app
that the parts start (`load_feeds`, `show_list`, `load_article`, `visit_article`);
ReaderApp provides them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import App
from textual.widget import Widget

from readerterm.library import Library
from readerterm.models import ArticleRow, FeedRow
from readerterm.tui.ages import age
from readerterm.tui.history import History
from readerterm.tui.idlegc import IdleCollector
from readerterm.tui.service import ListSource, Service
from readerterm.tui.widgets.article_list import ArticleList
from readerterm.tui.widgets.reader import ReaderPane
from readerterm.tui.widgets.sections import SectionsTree
from readerterm.tui.widgets.status import StatusLine

PANES = ("sections", "articles", "reader")


class ReaderBase(App[int]):
    """The reader's state and panes; see the module's docstring."""

    lib: Library
    service: Service
    history: History
    source: ListSource
    clock: Callable[[], datetime]
    offline: bool
    feeds: list[FeedRow]
    collector: IdleCollector

    # -- the panes ---------------------------------------------------------------------
    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reader(self) -> ReaderPane:
        return self.query_one(ReaderPane)

    @property
    def sections(self) -> SectionsTree:
        return self.query_one(SectionsTree)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def focused_pane(self) -> str | None:
        node: Widget | None = self.focused
        while node is not None:
            if node.id in PANES:
                return node.id
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return None

    def focus_pane(self, name: str | None) -> None:
        if name in PANES:
            widget = self.query_one(f"#{name}")
            if widget.region.width > 0:
                widget.focus()
                return
        self.articles.focus()

    def remember(self) -> None:
        """Note where the user is (scroll, focus) in the current history entry."""
        self.history.remember(scroll=self.reader.scroll_y, focus=self.focused_pane())

    def show_info(self) -> None:
        """The status line's summary: unread articles, when last updated."""
        fetched = [f.last_fetched for f in self.feeds if f.last_fetched]
        if fetched:
            ago = age(max(fetched), self.clock())
            when = "updated just now" if ago == "now" else f"updated {ago} ago"
        else:
            when = "never updated"
        unread = sum(f.unread for f in self.feeds)
        self.status.info(f"{unread} unread · {when}", offline=self.offline)

    # -- workers of ReaderApp that the parts start -------------------------------------
    def load_feeds(self) -> object:
        """Show the sections and their counts again."""
        raise NotImplementedError

    def show_list(self, source: ListSource, keep: ArticleRow | None = None) -> object:
        """List `source`; with `keep`, the same article stays highlighted where it was."""
        raise NotImplementedError

    def load_article(self, article_id: int, scroll: float = 0.0, focus: str | None = None,
                     mark_read: bool = True) -> object:
        """Show an article in the reader pane (not a new place in the history)."""
        raise NotImplementedError

    def visit_article(self, article_id: int) -> None:
        """Open an article as a new place in the history."""
        raise NotImplementedError

    def run_refresh(self, feed_ids: list[int] | None) -> object:
        """Refresh the feeds `feed_ids` (None: all), its progress on the status line."""
        raise NotImplementedError
