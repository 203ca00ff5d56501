"""A first start with no subscriptions: the reader offers a way to start (a part of
ReaderApp, see tui/base.py). Nothing is subscribed unasked: the sample set is one of the
offers (tui/screens/first_run.py), not a default."""

from __future__ import annotations

from textual import work

from readerterm.errors import BadInput, FetchFailed
from readerterm.tui.base import ReaderBase
from readerterm.tui.screens.first_run import FirstRunChoice, FirstRunScreen


class FirstRunActions(ReaderBase):
    """Offering the first-run screen and doing what the user chose there."""

    _first_run_checked = False

    def offer_first_run(self) -> None:
        """Once per run, with the feeds loaded: the screen when the reader starts with
        no subscriptions at all (no feeds.toml yet)."""
        if self._first_run_checked:
            return
        self._first_run_checked = True
        if not self.feeds and self.lib.first_start:
            self.push_screen(FirstRunScreen(), self._first_run_chosen)

    def _first_run_chosen(self, choice: FirstRunChoice | None) -> None:
        if choice is not None:
            self.start_with(choice)

    @work(exclusive=True, group="first-run", exit_on_error=False)
    async def start_with(self, choice: FirstRunChoice) -> None:
        """Subscribe as `choice` says, then refresh; on a mistake (a file that is no
        subscription list, a URL with no feed) the screen comes back, saying why."""
        self.status.message("Subscribing…")
        try:
            if choice.kind == "sample":
                count = await self.service.add_sample_set()
                text = f"Subscribed to the sample set ({count} feeds)."
            elif choice.kind == "import":
                count = await self.service.import_file(choice.value)
                text = f"Imported {count} feed{'s' * (count != 1)}."
            else:
                added = await self.service.add_feed(choice.value)
                text = f"Subscribed to {added.url}" + (f" ({added.warning})"
                                                      if added.warning else ".")
        except (BadInput, FetchFailed, OSError) as exc:
            self.status.message("")
            self.push_screen(FirstRunScreen(note=str(exc)), self._first_run_chosen)
            return
        self.status.message(text)
        self.load_feeds()
        self.run_refresh(None)
