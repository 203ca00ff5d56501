"""Marking articles read or starred, and opening one in the browser (a part of
ReaderApp, see tui/base.py)."""

from __future__ import annotations

from dataclasses import replace

from textual import work

from readerterm.launch import open_link
from readerterm.safety import safe_url
from readerterm.tui.base import ReaderBase


class MarkActions(ReaderBase):
    """Read and star marks, and the browser."""

    def _target(self) -> tuple[int, bool, bool, str | None] | None:
        """(id, read, starred, url) of the article the user means: the highlighted row
        when the list has focus, else the open article."""
        view = self.reader.view
        if self.focused_pane() == "articles" or view is None:
            row = self.articles.current
            if row is None:
                return None
            return row.id, row.read, row.starred, row.url
        return view.id, view.read, view.starred, view.url

    @work(group="marks", exit_on_error=False)
    async def _mark_opened(self, article_id: int) -> None:
        """Write the read mark of an article just opened (it is shown read already): a
        worker of its own, so that opening the next article does not cancel it."""
        await self.service.mark(article_id, read=True)
        self.load_feeds()

    @work(group="marks", exit_on_error=False)
    async def _mark(self, article_id: int, read: bool | None, starred: bool | None) -> None:
        await self.service.mark(article_id, read=read, starred=starred)
        self.articles.update_row(article_id, read=read, starred=starred)
        view = self.reader.view
        if view is not None and view.id == article_id:
            view = replace(view, read=view.read if read is None else read,
                           starred=view.starred if starred is None else starred)
            await self.reader.show(view, self.reader.scroll_y)
        self.load_feeds()

    def action_toggle_star(self) -> None:
        target = self._target()
        if target is not None:
            self._mark(target[0], None, not target[2])
            self.status.message("Unstarred." if target[2] else "Starred.")

    def action_toggle_read(self) -> None:
        target = self._target()
        if target is not None:
            self._mark(target[0], not target[1], None)
            self.status.message("Marked unread." if target[1] else "Marked read.")

    def action_open_browser(self) -> None:
        target = self._target()
        url = safe_url(target[3]) if target is not None else None
        if url is None or url.startswith("-"):
            self.notify("This article has no web link that can be opened safely.",
                        severity="warning")
            return
        self.open_outside(url, self.lib.settings.open.browser)

    @work(thread=True, group="browser", exit_on_error=False)
    def open_outside(self, url: str, command: str) -> None:
        """Open `url` with `command` (the browser when empty) and say plainly on the
        status line whether a program started."""
        said = open_link(url, command)
        failed = not said.startswith("Opened")
        self.call_from_thread(self.status.message, said, "red" if failed else "")
        if failed:
            self.call_from_thread(self.notify, said, severity="warning", markup=False)
