"""A feed's settings from the reader: title, section, refresh interval, full text.
Saving hands a FeedSettings back; the app writes feeds.toml (feedsfile.py)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from readerterm.config import FeedEntry
from readerterm.feedsfile import FeedSettings
from readerterm.safety import clean_line
from readerterm.schedule import parse_interval


class FeedSettingsScreen(ModalScreen[FeedSettings | None]):
    """Edit one feed; enter or Save keeps, escape or Cancel drops."""

    DEFAULT_CSS = """
    FeedSettingsScreen { align: center middle; }
    FeedSettingsScreen > Vertical {
        width: 70; height: auto; padding: 1 2; border: round $accent; background: $surface;
    }
    FeedSettingsScreen Label { margin-top: 1; }
    FeedSettingsScreen #feed-settings-error { color: $error; height: auto; }
    FeedSettingsScreen Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, entry: FeedEntry, section: str) -> None:
        super().__init__()
        self.entry = entry
        self.section = section

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Feed settings: " + clean_line(self.entry.url, 200),
                              style="bold"))
            yield Label("Title (empty: the feed's own)")
            yield Input(self.entry.title, id="feed-title")
            yield Label("Section")
            yield Input(self.section, id="feed-section")
            yield Label("Refresh interval: 90s, 15m, 2h, 1d (empty: the default)")
            yield Input(self.entry.interval, id="feed-interval")
            yield Checkbox("Fetch full article text", self.entry.fulltext, id="feed-fulltext")
            yield Static("", id="feed-settings-error", markup=False)
            with Horizontal():
                yield Button("Save", variant="primary", id="feed-save")
                yield Button("Cancel", id="feed-cancel")

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    @on(Button.Pressed, "#feed-save")
    @on(Input.Submitted)
    def save(self) -> None:
        interval = self._value("feed-interval")
        section = self._value("feed-section")
        error = ""
        if not section:
            error = "A feed needs a section."
        elif interval:
            try:
                parse_interval(interval)
            except ValueError as exc:
                error = str(exc)
        if error:
            self.query_one("#feed-settings-error", Static).update(error)
            return
        self.dismiss(FeedSettings(title=self._value("feed-title"), section=section,
                                  interval=interval,
                                  fulltext=self.query_one(Checkbox).value))

    @on(Button.Pressed, "#feed-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
