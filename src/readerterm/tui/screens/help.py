"""The help screen: every binding with the keys it has now (after remapping)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from readerterm.tui.keys import ALL_KEYS


class HelpScreen(ModalScreen[None]):
    """Lists every key; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Keys", no_wrap=True)
        table.add_column("Does")
        table.add_column("Id", style="dim")
        for spec in ALL_KEYS:
            keys = self.keys.get(spec.id, spec.keys)
            table.add_row(Text(keys), Text(spec.description), Text(spec.id))
        with VerticalScroll(id="help-box"):
            yield Static(Text("readerterm keys", style="bold"), id="help-title")
            yield Static(table, id="help-table")
            yield Static(Text("Remap any of them in config.toml under [ui.keys], e.g. "
                              'star = "s,f". Escape closes.', style="dim"), id="help-foot")
