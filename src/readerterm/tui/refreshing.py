"""The reader's refresh: started by a key or on start, its progress on the status line,
new articles listed while it runs (a part of ReaderApp, see tui/base.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import work
from textual.message import Message

from readerterm.tui.base import ReaderBase
from readerterm.tui.widgets.status import StatusLine

LIST_EVERY = 1.0
"""Seconds between showing the list again while a refresh is storing feeds: a first
refresh of 200 feeds takes seconds, and its articles appear as they are stored."""
OFFLINE_HINTS = ("cannot connect", "timed out", "Name or service", "nodename", "Temporary failure")


def looks_offline(error: str) -> bool:
    return any(hint in error for hint in OFFLINE_HINTS)


@dataclass
class RefreshProgress(Message):
    """A step of a running refresh (posted from the library's progress callback)."""

    stage: str
    done: int
    total: int
    label: str


class RefreshActions(ReaderBase):
    """Refreshing from the reader."""

    _listed_at = 0.0  # when a running refresh last showed the list again

    def action_refresh_selected(self) -> None:
        self.run_refresh(self.sections.feed_ids(self.sections.selection))

    def action_refresh_all(self) -> None:
        self.run_refresh(None)

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def run_refresh(self, feed_ids: list[int] | None) -> None:
        self.status.message("Refreshing…")
        self.status.progress(0, None)

        def progress(stage: str, done: int, total: int, label: str) -> None:
            self.post_message(RefreshProgress(stage, done, total, label))

        try:
            report = await self.service.refresh(feed_ids, progress)
        finally:
            self.status.hide_progress()
        failed = len(report.failed)
        self.offline = bool(report.feeds) and failed == report.feeds and all(
            looks_offline(error) for _, error in report.failed)
        text = f"{report.new_articles} new article{'s' * (report.new_articles != 1)}"
        if failed:
            text += f", {failed} feed{'s' * (failed != 1)} failed"
        if report.pages_fetched:
            text += f", {report.pages_fetched} full text{'s' * (report.pages_fetched != 1)}"
        self.status.message("Offline: no feed could be reached." if self.offline else text,
                            style="red" if self.offline else "")
        self._after_refresh()

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        if not self.query(StatusLine):  # the app is closing: its panes have gone
            return
        stage = "feeds" if message.stage == "feeds" else "full texts"
        self.status.progress(message.done, message.total)
        self.status.message(f"Refreshing {stage} {message.done}/{message.total}: "
                            f"{message.label}")
        if message.stage == "feeds":
            if message.done == message.total:
                self._after_refresh()
            elif time.monotonic() - self._listed_at >= LIST_EVERY:
                self._show_new_articles()
        view = self.reader.view
        if message.stage == "pages" and view is not None and view.url == message.label:
            self._show_open_article_again()

    def _after_refresh(self) -> None:
        """New articles appear; the highlighted and the open article stay put (and the
        open one is shown again, in case the refresh changed it)."""
        self._show_new_articles()
        self._show_open_article_again()

    def _show_open_article_again(self) -> None:
        """The open article again, when it shows the feed's text (its page may have come
        since), unless the user has asked for another one that is still loading:
        `load_article` is exclusive, so this one would cancel that, and the article the
        user left would come back instead of the one just opened."""
        view = self.reader.view
        if view is None or view.fulltext == "page":
            return
        if any(w.group == "article" and not w.is_finished for w in self.workers):
            return
        self.load_article(view.id, self.reader.scroll_y, mark_read=False)

    def _show_new_articles(self) -> None:
        """The sections' counts and the list again, the highlighted article kept (a
        search's results stay as they are)."""
        self._listed_at = time.monotonic()
        self.load_feeds()
        if self.source.query is None:
            self.show_list(self.source, keep=self.articles.current)
