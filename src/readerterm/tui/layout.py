"""The reader's layout at every terminal size (a part of ReaderApp, see tui/base.py).

Three panes side by side when they fit; below that width (`narrow_below`), one pane at a
time, full width: the one that has focus. Tab and shift+tab go round the panes (the links
pane too, when the open article has links), escape backs up one (links, reader, list,
sections). A key gives the reader the whole screen and back; the sections pane can be made
wider or narrower; the links pane can be collapsed to its heading.

The panes' columns are shown and hidden by classes on the screen (`-pane-sections`,
`-pane-list`, `-pane-reader`, `-zoom`), read by app.tcss.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding

from readerterm.tui.base import PANES, ReaderBase
from readerterm.tui.keys import ALL_KEYS
from readerterm.tui.widgets.keyhints import KeyHints
from readerterm.tui.widgets.links import LinksPane

LIST_MIN = 44
READER_MIN = 48
SECTIONS_MIN, SECTIONS_MAX = 14, 60
COLUMN = {"sections": "sections", "articles": "list", "reader": "reader", "links": "reader"}
"""The column (screen class `-pane-NAME`) that shows each pane."""
BACK = {"links": "reader", "reader": "articles", "articles": "sections"}


def narrow_below(sections_width: int) -> int:
    """The terminal width under which the three panes no longer fit side by side."""
    return sections_width + LIST_MIN + READER_MIN


class LayoutActions(ReaderBase):
    """Panes by terminal size, zoom, the sections' width, the links pane, the key line."""

    zoomed = False
    sections_cols = 28

    @property
    def links(self) -> LinksPane:
        return self.query_one(LinksPane)

    def setup_layout(self) -> None:
        """Sizes from the config, the first pane shown; call once mounted."""
        ui = self.lib.settings.ui
        self.sections_cols = max(SECTIONS_MIN, min(SECTIONS_MAX, ui.sections_width))
        self.query_one(KeyHints).display = ui.footer
        self.show_pane("articles")

    def is_narrow(self) -> bool:
        return self.screen.has_class("-narrow")

    def show_pane(self, pane: str | None) -> None:
        """Show the column of `pane` (in one-pane mode, the only one shown) and its keys."""
        column = COLUMN.get(pane or "", "list")
        for name in set(COLUMN.values()):
            self.screen.set_class(name == column, f"-pane-{name}")
        reader = self.query_one("#reader-column")
        wide = not (self.zoomed or self.is_narrow())
        reader.styles.max_width = self.reader.measure + 6 if wide else None
        self.query_one("#sections").styles.width = self.sections_cols if wide else None
        self.query_one(KeyHints).show_for(pane or "articles", self.key_displays())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.show_pane(self.focused_pane())

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        self.show_pane(self.focused_pane())

    def key_displays(self) -> dict[str, str]:
        """Each binding id with its keys as they are now, for people."""
        out: dict[str, str] = {}
        active = self._keymap
        for spec in ALL_KEYS:
            keys = active.get(spec.id, spec.keys)
            out[spec.id] = ", ".join(self.get_key_display(Binding(k.strip(), ""))
                                     for k in keys.split(",") if k.strip())
        return out

    def pane_order(self) -> list[str]:
        """The panes tab goes round, in order."""
        order = [p for p in PANES if p != "links" or (self.links.display
                                                      and not self.links.collapsed)]
        if self.zoomed:
            order = [p for p in order if COLUMN[p] == "reader"]
        elif not self.is_narrow():
            order = [p for p in order if self.query_one(f"#{p}").region.width > 0]
        return order

    def action_cycle_pane(self, step: int) -> None:
        order = self.pane_order()
        if not order:
            return
        current = self.focused_pane()
        index = order.index(current) if current in order else -1
        self.focus_pane(order[(index + step) % len(order)])

    def focus_pane(self, name: str | None) -> None:
        if name == "links" and (not self.links.display or self.links.collapsed):
            name = "reader"
        if name in PANES:
            self.show_pane(name)
            self.query_one(f"#{name}").focus()
            return
        self.show_pane("articles")
        self.articles.focus()

    def action_pane_back(self) -> None:
        """Escape: out of the search box, out of zoom, else back up one pane."""
        search = self.query_one("#search")
        if self.focused is search:
            search.display = False
            self.articles.focus()
            return
        if self.zoomed:
            self.action_toggle_zoom()
            return
        target = BACK.get(self.focused_pane() or "")
        if target is not None:
            self.focus_pane(target)

    def action_toggle_zoom(self) -> None:
        """The reader alone on the whole screen, or the panes back."""
        self.zoomed = not self.zoomed
        self.screen.set_class(self.zoomed, "-zoom")
        if self.zoomed and COLUMN.get(self.focused_pane() or "") != "reader":
            self.focus_pane("reader")
        else:
            self.show_pane(self.focused_pane())

    def action_toggle_links(self) -> None:
        links = self.links
        if not links.display:
            self.notify("This article has no links.")
            return
        links.toggle()
        if links.collapsed and self.focused is links:
            self.focus_pane("reader")

    def action_sections_width(self, step: int) -> None:
        self.sections_cols = max(SECTIONS_MIN, min(SECTIONS_MAX, self.sections_cols + step))
        self.show_pane(self.focused_pane())
        self.sections.refresh()
