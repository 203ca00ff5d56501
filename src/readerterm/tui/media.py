"""An article's attachments and links, and taking an article out of the reader: play a
podcast episode (`e`), follow a link of the text, copy the article's URL (`y`), save it
as Markdown (`w`) (a part of ReaderApp, see tui/base.py)."""

from __future__ import annotations

import asyncio

from textual import on, work

from readerterm.markdown import article_markdown, file_name
from readerterm.models import ArticleView
from readerterm.safety import safe_url
from readerterm.tui.marks import MarkActions
from readerterm.tui.navigation import NavigationActions
from readerterm.tui.widgets.attachments import OutsideLink


class MediaActions(NavigationActions, MarkActions):
    """Enclosures, links of the text, copy and save."""

    def action_play_enclosure(self) -> None:
        """Play the focused attachment, else the open article's first one."""
        focused = self.focused
        if isinstance(focused, OutsideLink) and focused.kind == "enclosure":
            self._play(focused.url)
            return
        view = self.reader.view
        if view is None or not view.enclosures:
            self.notify("This article has no attachment to play.")
            return
        self._play(view.enclosures[0].url)

    def _play(self, url: str) -> None:
        settings = self.lib.settings.open
        self.open_outside(url, settings.player or settings.browser)

    @on(OutsideLink.Followed)
    def outside_followed(self, message: OutsideLink.Followed) -> None:
        if message.kind == "enclosure":
            self._play(message.url)
        else:
            self.fetch_and_open(message.url)  # from the cache when it is there

    def action_copy_url(self) -> None:
        target = self._target()
        url = safe_url(target[3]) if target is not None else None
        if url is None:
            self.notify("This article has no web link to copy.", severity="warning")
            return
        self.copy_to_clipboard(url)
        self.status.message(f"Copied {url}")

    @work(exclusive=True, group="save", exit_on_error=False)
    async def action_save_markdown(self) -> None:
        """Write the article in view (or highlighted) as Markdown in the saved folder."""
        target = self._target()
        if target is None:
            self.notify("No article to save.")
            return
        view = self.reader.view
        if view is None or view.id != target[0]:
            view = await self.service.article(target[0])
        path = await asyncio.to_thread(self._write, view)
        self.status.message(f"Saved as {path}")

    def _write(self, view: ArticleView) -> str:
        folder = self.lib.paths.saved_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / file_name(view)
        path.write_text(article_markdown(view), encoding="utf-8")
        return str(path)
