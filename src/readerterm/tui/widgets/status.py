"""The status line: what is listed, last refresh, offline state, refresh progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from readerterm.safety import clean_line


class StatusLine(Horizontal):
    """A one-line bar at the bottom; the App sets its parts."""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-message", markup=False)
        yield ProgressBar(id="status-progress", show_eta=False, show_percentage=True)
        yield Static("", id="status-info", markup=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    def message(self, text: str, style: str = "") -> None:
        self.query_one("#status-message", Static).update(Text(clean_line(text, 500), style=style))

    def info(self, text: str, *, offline: bool = False) -> None:
        out = Text()
        if offline:
            out.append("offline ", style="bold reverse red")
            out.append(" ")
        out.append(text)
        self.query_one("#status-info", Static).update(out)
        self.set_class(offline, "-offline")

    def progress(self, done: int | None, total: int | None) -> None:
        """Show the bar (None, None: an indeterminate one); hide with `hide_progress`."""
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=total, progress=done or 0)

    def hide_progress(self) -> None:
        self.query_one(ProgressBar).display = False
