"""The feed settings screen opened from the reader (`E`, or the palette) for the feed
selected in the sections pane; saving writes feeds.toml (a part of ReaderApp, see
tui/base.py)."""

from __future__ import annotations

import asyncio

from textual import work

from readerterm.errors import BadInput
from readerterm.tui.base import ReaderBase
from readerterm.tui.screens.feed_settings import FeedSettingsScreen


class FeedSettingsActions(ReaderBase):
    """Edit a feed's settings."""

    @work(exclusive=True, group="feed-settings", exit_on_error=False)
    async def action_feed_settings(self) -> None:
        feed = self.sections.feed(self.sections.selection.feed_id)
        if feed is None:
            self.notify("Select a feed in the sections pane first.")
            return
        subscriptions = await asyncio.to_thread(self.lib.subscriptions)
        found = [(s.name, f) for s in subscriptions for f in s.feeds if f.url == feed.url]
        if not found:
            self.notify("This feed is not in feeds.toml.", severity="warning")
            return
        section, entry = found[0]
        settings = await self.push_screen_wait(FeedSettingsScreen(entry, section))
        if settings is None:
            return
        try:
            await asyncio.to_thread(self.lib.update_feed, feed.url, settings)
        except BadInput as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.status.message("Feed settings saved in feeds.toml.")
        self.load_feeds()
