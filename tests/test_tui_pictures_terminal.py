"""The article's picture in a real terminal (tmux, 120x40, `[ui] images = "halfcell"`):
half-block characters in the rows just above its caption, served by a real HTTP server
on 127.0.0.1, and the same once that server is gone (offline, from the image cache).

With "auto" inside tmux the reader asks nothing (tmux would take Kitty's graphics query
for a new pane title) and draws half-cells."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from hostile_server import child_env, run_readerterm, write_home
from test_tui_pictures import CAPTION, jpeg
from tmux_session import Tmux
from tui_fixtures import STORM, Pages, serve_world
from tui_fixtures import pages as pages

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

HALF_BLOCKS = ("▀", "▄")


def reader_column(screen: str) -> list[str]:
    """The reader pane's part of each line (the third column of the three panes)."""
    return [cells[2] if len(cells) > 2 else "" for cells in
            (line.split("│") for line in screen.splitlines())]


def rows_above_caption(screen: str, count: int = 3) -> list[str] | None:
    """The `count` rows of the reader just above the caption's first row (None while the
    caption is not on screen)."""
    rows = reader_column(screen)
    start = CAPTION.split()[0:3]
    for n, row in enumerate(rows):
        if " ".join(start) in row:
            return rows[max(0, n - count):n]
    return None


def drawn_above_caption(screen: str) -> bool:
    above = rows_above_caption(screen)
    return bool(above) and all(any(c in row for c in HALF_BLOCKS) for row in above or ())


def open_the_storm(tmux: Tmux, home: Path) -> str:
    env = child_env(home)
    tmux("new-session", "-d", "-s", "reader", "-x", "120", "-y", "40",
         *(a for k in ("READERTERM_HOME", "PATH") for a in ("-e", f"{k}={env[k]}")),
         sys.executable, "-m", "readerterm")
    tmux.wait_for(STORM[:20])
    tmux("send-keys", "-t", "reader", "Enter")  # the newest, highlighted: the storm
    return tmux.wait_until(drawn_above_caption, "half-blocks above the caption")


@pytest.mark.parametrize("mode", ["halfcell", "auto"])
def test_a_captioned_jpeg_is_drawn_above_its_caption_online_and_offline(
        tmux: Tmux, tmp_path: Path, pages: Pages, mode: str) -> None:
    urls = serve_world(pages)
    pages.routes["/img/33.jpg"] = ("image/jpeg", jpeg((480, 270)))  # the storm's figure
    home = write_home(tmp_path / "home", [(urls["world_feed"], "Daily Planet")],
                      fulltext=True,
                      extra=f'[ui]\nimages = "{mode}"\n[refresh]\non_start = false\n')
    assert run_readerterm(home, "refresh").code == 0

    screen = open_the_storm(tmux, home)
    assert "▨" not in "".join(reader_column(screen))  # no placeholder left
    # Nothing was taken for keys, nothing renamed the pane (tmux takes an APC string,
    # such as Kitty's graphics query, for a pane title).
    assert "Related articles" in screen and "Show every key" not in screen, screen
    assert "Gi=" not in tmux("display-message", "-p", "-t", "reader", "#{pane_title}")
    tmux("send-keys", "-t", "reader", "q")
    tmux.wait_exit()
    tmux("kill-session", "-t", "reader", check=False)

    pages.stop()  # offline: the picture comes from the cache
    screen = open_the_storm(tmux, home)
    assert drawn_above_caption(screen), screen
