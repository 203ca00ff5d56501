"""The reader: three panes over the library, keyboard first.

This module only composes the panes, holds the bindings and routes messages between the
panes and the library (through `Service`, in workers). The panes render; `Service` does
the I/O; `History` remembers where the user has been. Moving about (tui/navigation.py),
marks and the browser (tui/marks.py) and refreshing (tui/refreshing.py) are parts of
the app in modules of their own, over a shared base (tui/base.py).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.theme import Theme
from textual.widgets import Input, Static, Tree
from textual.worker import Worker, WorkerState

from readerterm.library import BadInput, Library, SearchError
from readerterm.models import ArticleRow
from readerterm.safety import clean_line, strip_controls
from readerterm.tui.autorefresh import AutoRefresh
from readerterm.tui.bulk import BulkActions
from readerterm.tui.commands import ReaderCommands
from readerterm.tui.feed_errors import FeedErrorStatus
from readerterm.tui.feedsettings import FeedSettingsActions
from readerterm.tui.first_run import FirstRunActions
from readerterm.tui.history import Entry, History
from readerterm.tui.idlegc import IdleCollector
from readerterm.tui.keys import app_bindings, keymap
from readerterm.tui.layout import LayoutActions, narrow_below
from readerterm.tui.listview import ListViewActions
from readerterm.tui.marks import MarkActions
from readerterm.tui.media import MediaActions
from readerterm.tui.navigation import NavigationActions
from readerterm.tui.next_feed import NextFeedActions
from readerterm.tui.picture_actions import PictureActions
from readerterm.tui.pictures import prepare as prepare_pictures
from readerterm.tui.screens.help import HelpScreen
from readerterm.tui.service import ListSource, Selection, Service
from readerterm.tui.state import load_state, save_state
from readerterm.tui.widgets.article_list import PAGE_SIZE, ArticleList
from readerterm.tui.widgets.keyhints import KeyHints
from readerterm.tui.widgets.links import LinksPane
from readerterm.tui.widgets.reader import ReaderPane
from readerterm.tui.widgets.sections import SectionsTree
from readerterm.tui.widgets.status import StatusLine


class ReaderApp(MediaActions, NavigationActions, MarkActions, BulkActions, ListViewActions,
                FeedSettingsActions, AutoRefresh, NextFeedActions, FeedErrorStatus,
                FirstRunActions, LayoutActions, PictureActions):
    """readerterm's terminal reader."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "readerterm"
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(self, lib: Library, *, title: str | None = None,
                 clock: Callable[[], datetime] | None = None,
                 refresh_on_start: bool = False) -> None:
        super().__init__()
        self.lib = lib
        self.service = Service(lib)
        self.history = History()
        self.source = ListSource()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.refresh_on_start = refresh_on_start
        self.offline = False
        self.feeds = []
        self.collector = IdleCollector()
        if title:
            self.title = clean_line(title, 100)
        # One pane at a time below the width where the three fit (tui/layout.py).
        width = narrow_below(lib.settings.ui.sections_width)
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (width, "-wide")]

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield SectionsTree(id="sections")
            with Vertical(id="list-pane"):
                yield Input(placeholder="Search: words, \"a phrase\", a OR b, prefix*",
                            id="search")
                yield Static("All", id="list-title", markup=False)
                yield ArticleList(clock=self.clock, id="articles")
                yield Static("", id="snippet", markup=False)
            with Vertical(id="reader-column"):
                yield ReaderPane(measure=self.lib.settings.ui.measure, id="reader")
                yield LinksPane(id="links")
        yield KeyHints(id="keys")
        yield StatusLine(id="status")

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        theme = load_state(self.lib.paths.data_dir).get("theme") or self.lib.settings.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        elif theme == self.lib.settings.ui.theme:
            self.notify(f"config.toml: [ui] theme {theme!r} is not a theme; for example: "
                        'theme = "textual-dark" (ctrl+p, "theme" lists them)',
                        severity="warning", markup=False)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        mapping, warnings = keymap(self.lib.settings.ui.keys)
        self.set_keymap(mapping)
        for warning in warnings:
            self.notify(warning, severity="warning", markup=False)
        self.query_one(LinksPane).display = False
        self.setup_layout()
        self.setup_pictures()
        self.articles.focus()
        self.restore_list_view()
        # The list first (one database thread: what is asked first comes first), the
        # sections' counts next, the refresh once the cached list is on the screen
        # (show_list starts it: a first refresh starts parser processes, which would
        # take the cores from the first screen).
        self.show_list(self.source)
        self.load_feeds()
        # Full garbage collections wait for a moment without input (tui/idlegc.py).
        self.collector.start()
        self.set_interval(1.0, self.collector.tick)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.touched()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()
        self.service.close()
        self.close_pictures()

    def _remember_theme(self, theme: Theme) -> None:
        state = load_state(self.lib.paths.data_dir)
        state["theme"] = theme.name
        save_state(self.lib.paths.data_dir, state)

    # -- errors from workers, in one place --------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, SearchError):
            self.notify(str(error), title="Search", severity="error", markup=False)
        elif isinstance(error, BadInput):
            self.notify(str(error), severity="error", markup=False)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Error", severity="error",
                        markup=False)

    # -- panes and focus (see tui/layout.py) -------------------------------------------
    def action_page_reader(self, direction: int) -> None:
        self.reader.page(direction)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_displays()))

    # -- the sections pane -------------------------------------------------------------
    @work(exclusive=True, group="feeds", exit_on_error=False)
    async def load_feeds(self) -> None:
        self.feeds = await self.service.feeds()
        self.sections.saved = await self.service.saved_searches()
        self.sections.show_feeds(self.feeds)
        self.show_info()
        self.clear_feed_error(unless_still_failing=True)
        self.offer_first_run()

    @on(Tree.NodeHighlighted, "#sections")
    def section_highlighted(self, event: Tree.NodeHighlighted[Selection]) -> None:
        selection = event.node.data
        if selection is None:
            return
        self.show_feed_error(self.sections.feed(selection.feed_id))
        if self.source.query is None and self.source.selection == selection:
            return
        self.source = ListSource(selection)
        self.show_list(self.source)

    @on(Tree.NodeSelected, "#sections")
    def section_selected(self, event: Tree.NodeSelected[Selection]) -> None:
        if event.node.data is not None and self.source.selection != event.node.data:
            self.section_highlighted(Tree.NodeHighlighted(event.node))
        self.articles.focus()

    # -- the articles pane -------------------------------------------------------------
    @work(exclusive=True, group="list", exit_on_error=False)
    async def show_list(self, source: ListSource, keep: ArticleRow | None = None) -> None:
        """List `source`; with `keep`, the same article stays highlighted where it was."""
        try:
            await self._show_list(source, keep)
        finally:
            # The first list is painted next: then the feeds that are due are refreshed
            # (all of them on a first run), and the schedule starts (tui/autorefresh.py).
            self.call_after_refresh(self.start_auto_refresh, self.refresh_on_start)

    async def _show_list(self, source: ListSource, keep: ArticleRow | None) -> None:
        listing = self.articles
        if source.query is not None and keep is None:
            total = await self.service.search(source.query)
        else:
            total = await self.service.count(source)
        index = 0
        scroll: float | None = None
        if keep is not None:
            found = await self.service.locate(source, keep)
            if found is not None:
                scroll = listing.scroll_y + (found - listing.cursor) * listing.row_height
                index = found
            else:
                index = min(listing.cursor, max(0, total - 1))
                scroll = listing.scroll_y
        page = index // PAGE_SIZE
        rows = await self.service.page(source, page * PAGE_SIZE, PAGE_SIZE)
        if source != self.source:
            return
        listing.empty_text = "No results." if source.query is not None else "No articles."
        listing.load(total, {page: rows}, cursor=index, scroll=scroll)
        self.query_one("#list-title", Static).update(f"{clean_line(source.label)} · {total}")
        self.query_one("#snippet", Static).display = source.query is not None
        self.show_snippet()

    @on(ArticleList.Highlighted)
    def show_snippet(self) -> None:
        """In search results, the highlighted result's snippet with the matches marked."""
        if self.source.query is None:
            return
        row = self.articles.current
        text = Text()
        if row is not None:
            snippet, spans = self.service.snippet(row)
            text = Text(strip_controls(snippet), style="italic")
            for start, end in spans:
                text.stylize("bold reverse", start, end)
        self.query_one("#snippet", Static).update(text)

    @on(ArticleList.NeedPage)
    def need_page(self, message: ArticleList.NeedPage) -> None:
        self.load_page(self.source, message.generation, message.page)

    @work(group="pages", exit_on_error=False)
    async def load_page(self, source: ListSource, generation: int, page: int) -> None:
        rows = await self.service.page(source, page * PAGE_SIZE, PAGE_SIZE)
        if source == self.source:
            self.articles.set_page(generation, page, rows)

    @on(ArticleList.Selected)
    def article_selected(self, message: ArticleList.Selected) -> None:
        self.visit_article(message.row.id)

    @work(exclusive=True, group="step", exit_on_error=False)
    async def action_step_unread(self, step: int) -> None:
        start = self.articles.cursor
        row, view = self.articles.current, self.reader.view
        if row is not None and not row.read and (view is None or view.id != row.id):
            start -= step  # the highlighted article, unread and not open, comes first
        found = await self.service.step_unread(self.source, start, step)
        if found is None:
            if step > 0 and await self.next_feed_with_unread():
                return
            self.notify("No more unread articles." if step > 0 else "No unread article above.")
            return
        index, article_id = found
        self.articles.move_to(index)
        self.visit_article(article_id)

    # -- search ------------------------------------------------------------------------
    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            self._close_search()
            return
        self.remember()
        self.history.visit(Entry(search=query, focus="articles"))
        self.source = ListSource(self.source.selection, query)
        self.show_list(self.source)
        self._close_search()

    def _close_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = False
        self.articles.focus()

    def on_key(self, event: Message) -> None:
        key = getattr(event, "key", "")
        if key == "escape" and self.focused is self.query_one("#search", Input):
            self._close_search()

    # -- reading -----------------------------------------------------------------------
    def visit_article(self, article_id: int) -> None:
        """Open an article as a new place in the history."""
        self.remember()
        self.history.visit(Entry(article_id=article_id, focus=self.focused_pane()))
        self.load_article(article_id)
        if self.is_narrow() and self.focused_pane() == "articles":
            self.focus_pane("reader")  # one pane at a time: the article takes the screen

    @work(exclusive=True, group="article", exit_on_error=False)
    async def load_article(self, article_id: int, scroll: float = 0.0, focus: str | None = None,
                           mark_read: bool = True) -> None:
        view = await self.service.article(article_id)
        marking = mark_read and not view.read
        if marking:  # shown read at once; the write follows (it may wait for a refresh)
            view = replace(view, read=True)
        if scroll:
            # Back to a place: "More on this story" is there before the scroll position
            # is restored, so a position inside it is found again.
            await self.reader.show(view, scroll, await self.service.similar(article_id))
        else:
            await self.reader.show(view, scroll)
            if not self.reader.similar:
                self.load_similar(article_id)
        self.articles.update_row(view.id, read=view.read, starred=view.starred)
        if focus is not None:
            self.focus_pane(focus)
        if marking:
            self._mark_opened(article_id)

    @work(exclusive=True, group="similar", exit_on_error=False)
    async def load_similar(self, article_id: int) -> None:
        """Fill "More on this story" once the article is on screen."""
        await self.reader.show_similar(article_id, await self.service.similar(article_id))

def run_reader(lib: Library, *, title: str | None = None, refresh: bool = True) -> int:
    """Run the reader on `lib` until the user quits; returns the exit code."""
    app = ReaderApp(lib, title=title,
                    refresh_on_start=refresh and lib.settings.refresh.on_start)
    prepare_pictures(lib.settings.ui.images)  # asks the terminal before the app reads keys
    app.run()
    # Quitting: the refresh was cancelled and its writes finished. What is left is
    # Python's last collection, which would trace every object the reader made (full
    # collections wait while it runs, tui/idlegc.py): 0.5-1 s after a first refresh.
    # Nothing of it needs tracing again.
    gc.freeze()
    return app.return_code or 0
