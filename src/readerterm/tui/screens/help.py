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

    def rows(self) -> list[tuple[str, str, str]]:
        """(keys, what they do, binding id) for every binding; the nine related-link
        bindings share one row when they still have their default keys."""
        out: list[tuple[str, str, str]] = []
        related = [s for s in ALL_KEYS if s.id.startswith("related-")]
        defaults = all(self.keys.get(s.id, s.keys) == s.keys for s in related)
        for spec in ALL_KEYS:
            if defaults and spec.id.startswith("related-"):
                if spec.id == "related-1":
                    out.append(("1 … 9", "Follow related link 1 … 9 of the open article",
                                "related-1 … related-9"))
                continue
            out.append((self.keys.get(spec.id, spec.keys), spec.description, spec.id))
        return out

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Keys", no_wrap=True)
        table.add_column("Does")
        table.add_column("Id", style="dim")
        for keys, description, ids in self.rows():
            table.add_row(Text(keys), Text(description), Text(ids))
        with VerticalScroll(id="help-box"):
            yield Static(Text("readerterm keys", style="bold"), id="help-title")
            yield Static(table, id="help-table")
            yield Static(Text("Remap any of them in config.toml under [ui.keys], e.g. "
                              'star = "s,f". Escape closes.', style="dim"), id="help-foot")
