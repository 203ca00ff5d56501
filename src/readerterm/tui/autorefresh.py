"""The open reader refreshes feeds as they come due, quietly: the status line says so
and nothing else changes under the user (a part of ReaderApp, see tui/base.py).

Once a second a timer compares the clock with the time of the next due feed (known
from the last check, at most a minute old, so a cron refresh or an edit of feeds.toml
is seen); only then does a check ask the cache which feeds are due (schedule.py) and
start a refresh of those. A refresh already running (`r`, `R`) is never interrupted.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from textual import work

from readerterm.tui.refreshing import RefreshActions

TICK = 1.0
"""Seconds between looks at the clock."""
RECHECK = 60.0
"""The longest the reader waits between two checks of the schedule."""


class AutoRefresh(RefreshActions):
    """Refresh what is due, on its own."""

    _auto_since: datetime | None = None
    _next_check = 0.0
    _auto_started = False

    def start_auto_refresh(self, on_start: bool) -> None:
        """Begin (once): with a refresh of every feed when `on_start` ([refresh]
        on_start), else counting every feed as fetched now."""
        if self._auto_started:
            return
        self._auto_started = True
        self._auto_since = None if on_start else datetime.now(UTC)
        self._next_check = 0.0
        if on_start:
            self.run_refresh(None)
        else:
            self._auto_tick()
        self.set_interval(TICK, self._auto_tick)

    def _refreshing(self) -> bool:
        return any(w.group == "refresh" and not w.is_finished for w in self.workers)

    def _auto_tick(self) -> None:
        if time.monotonic() >= self._next_check and not self._refreshing():
            self._next_check = time.monotonic() + RECHECK  # until the check says
            self._auto_check()

    @work(exclusive=True, group="auto-refresh", exit_on_error=False)
    async def _auto_check(self) -> None:
        due, wait = await self.service.due_feeds(self._auto_since)
        self._next_check = time.monotonic() + min(max(wait, TICK), RECHECK)
        if due and not self._refreshing():
            self.status.message(f"Refreshing {len(due)} feed{'s' * (len(due) != 1)} "
                                "that are due…")
            self.run_refresh(due)
            self._next_check = 0.0  # look again once it has ended
