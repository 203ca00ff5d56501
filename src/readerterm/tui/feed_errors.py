"""A feed's error on the status line while that feed is highlighted, and gone from it
once the feed is left or its error is (a part of ReaderApp, see tui/base.py)."""

from __future__ import annotations

from textual.widgets import Static

from readerterm.models import FeedRow
from readerterm.tui.base import ReaderBase


class FeedErrorStatus(ReaderBase):
    """The status line's feed error: shown, and taken away when its cause is gone."""

    _error_shown: tuple[int, str] | None = None  # (feed id, the text shown)

    def show_feed_error(self, feed: FeedRow | None) -> None:
        """Show `feed`'s error (the sections pane highlighted it); a feed without one,
        or a section, takes away an error shown before."""
        if feed is not None and feed.error:
            text = f"{feed.title or feed.url}: {feed.error}"
            self.status.message(text, style="red")
            self._error_shown = (feed.id, text)
        else:
            self.clear_feed_error()

    def clear_feed_error(self, unless_still_failing: bool = False) -> None:
        """Take the feed error off the status line, if it is still what the line says
        (a later message stays). With `unless_still_failing`, only when the feed has no
        error any more (after the feeds were loaded again)."""
        if self._error_shown is None:
            return
        feed_id, text = self._error_shown
        if unless_still_failing:
            feed = next((f for f in self.feeds if f.id == feed_id), None)
            if feed is not None and feed.error:
                return
        self._error_shown = None
        shown = self.status.query_one("#status-message", Static).content
        if str(shown) == text:
            self.status.message("")
