"""Back and forward between places, like a web browser.

A plain class with no Textual in it. Each entry is an article or a search, and remembers
the reader's scroll position and the focused pane as they were when the user left it.
A new visit after going back drops the forward entries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Entry:
    """A place in the reader: an article (`article_id`) or a search (`search`)."""

    article_id: int | None = None
    search: str | None = None
    scroll: float = 0.0
    focus: str | None = None

    def same_place(self, other: Entry) -> bool:
        return self.article_id == other.article_id and self.search == other.search


class History:
    """A browser-like history: `visit`, `back`, `forward`, with a size limit."""

    def __init__(self, limit: int = 500) -> None:
        self._entries: list[Entry] = []
        self._index = -1
        self._limit = max(2, limit)

    @property
    def current(self) -> Entry | None:
        return self._entries[self._index] if self._index >= 0 else None

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries)

    @property
    def index(self) -> int:
        return self._index

    @property
    def can_back(self) -> bool:
        return self._index > 0

    @property
    def can_forward(self) -> bool:
        return self._index < len(self._entries) - 1

    def remember(self, *, scroll: float | None = None, focus: str | None = None) -> None:
        """Record where the user is in the current entry before leaving it."""
        entry = self.current
        if entry is None:
            return
        if scroll is not None:
            entry = replace(entry, scroll=scroll)
        if focus is not None:
            entry = replace(entry, focus=focus)
        self._entries[self._index] = entry

    def visit(self, entry: Entry) -> None:
        """Go somewhere new: forward entries are dropped. Revisiting the current place
        only updates it."""
        current = self.current
        if current is not None and current.same_place(entry):
            self._entries[self._index] = entry
            return
        del self._entries[self._index + 1:]
        self._entries.append(entry)
        if len(self._entries) > self._limit:
            del self._entries[: len(self._entries) - self._limit]
        self._index = len(self._entries) - 1

    def back(self) -> Entry | None:
        """The previous entry (now current), or None at the start."""
        if not self.can_back:
            return None
        self._index -= 1
        return self.current

    def forward(self) -> Entry | None:
        """The next entry (now current), or None at the end."""
        if not self.can_forward:
            return None
        self._index += 1
        return self.current
