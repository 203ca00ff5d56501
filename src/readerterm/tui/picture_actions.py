"""The article's pictures in the reader: on as `[ui] images` says, and the key that shows
or hides them for the session (a part of ReaderApp, see tui/base.py)."""

from __future__ import annotations

from readerterm.tui.base import ReaderBase
from readerterm.tui.picture_source import PictureSource
from readerterm.tui.pictures import prepare


class PictureActions(ReaderBase):
    """Pictures on or off, and their source."""

    picture_source: PictureSource | None = None

    def setup_pictures(self) -> None:
        """Pictures as config.toml says (`run_reader` has asked the terminal already)."""
        self._set_pictures(self.lib.settings.ui.images != "off")

    def _set_pictures(self, on: bool) -> None:
        # The terminal was asked before the app ran (run_reader); it cannot be now.
        protocol = prepare(self.lib.settings.ui.images, ask=False) if on else None
        if protocol is None:
            self.reader.pictures = None
            return
        if self.picture_source is None:
            self.picture_source = PictureSource.for_library(self.lib)
        self.reader.pictures = (protocol, self.picture_source)

    async def action_toggle_images(self) -> None:
        """Show or hide the article's pictures, for this session."""
        if self.lib.settings.ui.images == "off":
            self.notify('Pictures are off in config.toml: [ui] images = "auto" (or '
                        '"halfcell") shows them.', markup=False)
            return
        reader = self.reader
        self._set_pictures(reader.pictures is None)
        self.notify("Pictures shown." if reader.pictures else "Pictures hidden.")
        if reader.view is not None:
            await reader.show(reader.view, reader.scroll_y)

    def close_pictures(self) -> None:
        if self.picture_source is not None:
            self.picture_source.close()
