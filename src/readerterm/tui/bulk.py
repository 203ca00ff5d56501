"""Marking many articles read at once: the feed or section in focus (`A`), everything
(`C`), and an undo for a few seconds after (`u`) (a part of ReaderApp, see tui/base.py)."""

from __future__ import annotations

import time
from dataclasses import replace

from textual import work
from textual.binding import Binding

from readerterm.library import Filters
from readerterm.tui.base import ReaderBase
from readerterm.tui.keys import ALL_KEYS

UNDO_SECONDS = 10.0
"""How long after a bulk mark `u` can take it back."""


class BulkActions(ReaderBase):
    """Mark a feed, a section or everything read, and undo it."""

    _undo: tuple[list[int], float, str] | None = None  # (ids, deadline, what was marked)

    def action_mark_feed_read(self) -> None:
        """Everything the list shows now (the feed, the section, the search results)."""
        self._mark_all(self.source.selection.filters, self.source.label, self.source.query)

    def action_mark_everything_read(self) -> None:
        self._mark_all(Filters(), "everything", None)

    @work(exclusive=True, group="bulk", exit_on_error=False)
    async def _mark_all(self, filters: Filters, label: str, query: str | None) -> None:
        if query is not None:
            ids = [row.id for row in self.service.results(query) if not row.read]
            await self.service.set_read(ids, True)
        else:
            ids = await self.service.mark_all_read(filters)
        self._undo = (ids, time.monotonic() + UNDO_SECONDS, label) if ids else None
        count = f"{len(ids)} article{'s' * (len(ids) != 1)}"
        undo = self.key_for("undo")
        self.status.message(f"Marked {count} read in {label}" +
                            (f" · {undo} to undo" if ids else ""))
        await self._bulk_shown(set(ids), True)

    @work(exclusive=True, group="bulk", exit_on_error=False)
    async def action_undo(self) -> None:
        undo, self._undo = self._undo, None
        if undo is None or time.monotonic() > undo[1]:
            self.notify("Nothing to undo.")
            return
        ids, _, label = undo
        await self.service.set_read(ids, False)
        self.status.message(f"Undone: {len(ids)} article{'s' * (len(ids) != 1)} in "
                            f"{label} unread again")
        await self._bulk_shown(set(ids), False)

    async def _bulk_shown(self, ids: set[int], read: bool) -> None:
        """The list, the counts and the open article as the marks now are."""
        self.load_feeds()
        self.show_list(self.source, keep=self.articles.current)
        view = self.reader.view
        if view is not None and view.id in ids:
            await self.reader.show(replace(view, read=read), self.reader.scroll_y)

    def key_for(self, binding_id: str) -> str:
        """The key the user presses for `binding_id` now (remapped or not)."""
        spec = next(s for s in ALL_KEYS if s.id == binding_id)
        first = self._keymap.get(binding_id, spec.keys).split(",")[0].strip()
        return self.get_key_display(Binding(first, ""))
