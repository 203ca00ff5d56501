"""Moving about in the reader: back and forward through the history, and following an
article's numbered links, fetching one that is not in the cache (a part of ReaderApp,
see tui/base.py)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work

from readerterm.library import FetchFailed
from readerterm.tui.base import ReaderBase
from readerterm.tui.history import Entry
from readerterm.tui.refreshing import looks_offline
from readerterm.tui.service import ListSource
from readerterm.tui.widgets.links import LinkItem


class NavigationActions(ReaderBase):
    """History and related links."""

    def _restore(self, entry: Entry) -> None:
        if entry.article_id is not None:
            self.load_article(entry.article_id, entry.scroll, entry.focus or "reader")
        elif entry.search is not None:
            self.source = ListSource(self.source.selection, entry.search)
            self.show_list(self.source)
            self.focus_pane(entry.focus or "articles")

    def action_go_back(self) -> None:
        self._go(self.history.can_back, self.history.back, "Nothing to go back to.")

    def action_go_forward(self) -> None:
        self._go(self.history.can_forward, self.history.forward, "Nothing to go forward to.")

    def _go(self, can: bool, step: Callable[[], Entry | None], nothing: str) -> None:
        """One step back or forward in the history (`step`), where the user was."""
        if not can:
            self.notify(nothing)
            return
        self.remember()
        entry = step()
        if entry is not None:
            self._restore(entry)

    def action_follow_related(self, number: int) -> None:
        """Follow link `number`: the related articles first, then "More on this story"."""
        links = self.reader.related
        similar = self.reader.similar
        if 1 <= number <= len(links):
            link = links[number - 1]
            if link.article_id is not None:
                self.visit_article(link.article_id)
            else:
                self.fetch_and_open(link.url)
        elif 1 <= number - len(links) <= len(similar):
            self.visit_article(similar[number - len(links) - 1].id)
        else:
            self.notify(f"No link {number}." if links or similar else "No links here.")

    @on(LinkItem.Followed)
    def related_followed(self, message: LinkItem.Followed) -> None:
        self.action_follow_related(message.number)

    @work(exclusive=True, group="fetch", exit_on_error=False)
    async def fetch_and_open(self, url: str) -> None:
        """Fetch, extract and cache a related article that is not in the cache, then open it."""
        self.status.message(f"Fetching {url} …")
        self.status.progress(None, None)
        try:
            article_id = await self.service.open_url(url)
        except FetchFailed as exc:
            offline = looks_offline(str(exc))
            self.offline = self.offline or offline
            text = (f"Offline: cannot fetch {url} ({exc})" if offline
                    else f"Could not open {url}: {exc}")
            self.status.message(text, style="red")
            self.notify(text, severity="error", markup=False)
            self.show_info()
            return
        finally:
            self.status.hide_progress()
        self.status.message(f"Fetched {url}")
        self.visit_article(article_id)
