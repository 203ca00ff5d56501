"""Full garbage collections while the reader is idle, not while someone waits for it.

CPython's cyclic collector runs a full collection, which traces every tracked object,
after ten collections of the middle generation. In the reader that came about once in
eight to ten articles opened, and on the benchmark's 100,000-article cache it took
80-230 ms (Textual's widgets, its caches of rendered lines, ours): those opens took
150-330 ms where the others took 50-80 ms.

`IdleCollector` keeps the full collections and moves them off that path. While the
reader runs, CPython runs only the young and middle ones; a full collection becomes due
when CPython would have run one, and runs once the user has given no input for `QUIET`
seconds (reading, most of the time), or `LATEST` seconds after it became due for
someone who never stops. Nothing runs while nothing is due, so an idle reader left open
all day does no work here. The thresholds are put back when the reader ends.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

_NEVER = 2**31 - 1  # a count the oldest generation never reaches


class IdleCollector:
    """Full collections deferred to idle moments: `start`, then `touched` on every input
    event and `tick` about once a second; `stop` at the end."""

    QUIET = 1.0
    """Seconds without input that count as idle."""
    LATEST = 60.0
    """Seconds a due collection may wait for an idle moment."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_input = clock()
        self.due_since: float | None = None
        self.collections = 0
        self._saved: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Stop CPython's own full collections (young ones go on as before)."""
        if self._saved is None and gc.isenabled():
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], _NEVER)

    def stop(self) -> None:
        """Give CPython its full collections back."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def touched(self) -> None:
        """The user did something (a key, the mouse)."""
        self.last_input = self.clock()

    def tick(self) -> bool:
        """Run the full collection if one is due and the moment is right; True if it ran."""
        if self._saved is None or gc.get_count()[2] < self._saved[2]:
            return False  # (not yet the point where CPython would have run one)
        now = self.clock()
        if self.due_since is None:
            self.due_since = now
        if now - self.last_input < self.QUIET and now - self.due_since < self.LATEST:
            return False
        gc.collect()
        self.due_since = None
        self.collections += 1
        return True
