"""The key line at the bottom: the few keys that matter in the focused pane, then help,
the palette and quit, with the keys as they are after remapping (`ui.footer = false` in
config.toml hides it)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

HINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "sections": (("open", "show"), ("refresh", "refresh"), ("sections-wider", "wider"),
                 ("sections-narrower", "narrower")),
    "articles": (("open", "open"), ("next-unread", "next unread"), ("star", "star"),
                 ("search", "search")),
    "reader": (("page-down", "page"), ("zoom", "zoom"), ("toggle-links", "links"),
               ("toggle-images", "pictures"), ("back", "back")),
    "links": (("open", "follow"), ("toggle-links", "hide"), ("back", "back")),
}
ALWAYS = (("next-pane", "pane"), ("pane-back", "up"), ("help", "keys"),
          ("palette", "palette"), ("quit", "quit"))


def hints_text(pane: str, keys: dict[str, str]) -> Text:
    """'key label' pairs for `pane`, each key as `keys` (binding id -> keys) shows it."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for binding_id, label in (*HINTS.get(pane, ()), *ALWAYS):
        shown = keys.get(binding_id, "").split(",")[0].strip()
        if not shown:
            continue
        if text:
            text.append("  ")
        text.append(shown, style="bold")
        text.append(f" {label}", style="dim")
    return text


class KeyHints(Static):
    """One line of keys; the App calls `show_for` when the focus moves."""

    DEFAULT_CSS = """
    KeyHints {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.pane = ""

    def show_for(self, pane: str, keys: dict[str, str]) -> None:
        self.pane = pane
        self.update(hints_text(pane, keys))
