"""How the article list is shown: read articles hidden or shown (`h`) and its order
(`S`: newest, oldest, by feed), remembered between runs in ui-state.json (a part of
ReaderApp, see tui/base.py)."""

from __future__ import annotations

from readerterm.store.filters import ORDERS
from readerterm.tui.base import ReaderBase
from readerterm.tui.state import load_state, save_state

ORDER_NAMES = {"newest": "newest first", "oldest": "oldest first", "feed": "by feed"}


class ListViewActions(ReaderBase):
    """Hide read articles, sort the list."""

    def restore_list_view(self) -> None:
        """The list as the user left it last time."""
        state = load_state(self.lib.paths.data_dir)
        self.service.hide_read = state.get("hide_read") == "yes"
        order = state.get("order", "newest")
        self.service.order = order if order in ORDERS else "newest"

    def _remember_list_view(self) -> None:
        state = load_state(self.lib.paths.data_dir)
        state["hide_read"] = "yes" if self.service.hide_read else "no"
        state["order"] = self.service.order
        save_state(self.lib.paths.data_dir, state)

    def action_toggle_hide_read(self) -> None:
        self.service.hide_read = not self.service.hide_read
        self._remember_list_view()
        self.status.message("Read articles hidden." if self.service.hide_read
                            else "Read articles shown.")
        self.show_list(self.source, keep=self.articles.current)

    def action_cycle_sort(self) -> None:
        names = list(ORDERS)
        self.service.order = names[(names.index(self.service.order) + 1) % len(names)]
        self._remember_list_view()
        self.status.message(f"Sorted {ORDER_NAMES[self.service.order]}.")
        self.show_list(self.source, keep=self.articles.current)
