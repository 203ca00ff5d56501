"""The reader in a real terminal (tmux): what reaches the screen when only part of it is
repainted.

Moving the cursor and opening an article repaint the article list's changed lines alone
(a whole-pane repaint cost every open about forty rendered rows); tmux's copy of the
screen shows whether the right lines were repainted.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import FeedServer, rss
from hostile_server import child_env, run_readerterm, write_home
from tmux_session import Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

TITLES = [f"Story {n}" for n in range(9)]
NEW = TITLES[-1]
"""The newest: not in the cache when the reader starts, brought by its refresh on start."""


def _rows(screen: str) -> dict[str, bool]:
    """Each title in the article list (between the sections and the reader): whether its
    row shows the unread mark."""
    rows = {}
    for line in screen.splitlines():
        cells = line.split("│")
        left = cells[1] if len(cells) >= 3 else cells[0]
        for title in TITLES:
            if title in left:
                rows[title] = "●" in left
    return rows


def _feed(titles: list[str]) -> str:
    return rss("Harbour", [(f"g{n}", t, f"<p>{t}.</p>") for n, t in enumerate(titles)])


def test_opening_an_article_repaints_its_row_in_the_list(
        tmux: Tmux, tmp_path: Path, server: FeedServer) -> None:
    url = server.serve("/f.xml", _feed(TITLES[:-1]))
    home = write_home(tmp_path / "home", [(url, "Harbour")])
    assert run_readerterm(home, "refresh").code == 0
    server.serve("/f.xml", _feed(TITLES))
    env = child_env(home)
    tmux("new-session", "-d", "-s", "reader", "-x", "120", "-y", "40",
         *(a for k in ("READERTERM_HOME", "PATH") for a in ("-e", f"{k}={env[k]}")),
         sys.executable, "-m", "readerterm")
    # The refresh on start brings one new article: its row in the list is the sign that
    # the refresh is over and the list has been shown again after it (a list shown again
    # later would repaint every row, and hide what this test looks for).
    before = _rows(tmux.wait_until(lambda screen: NEW in _rows(screen), f"{NEW!r} listed"))
    assert len(before) == len(TITLES) and all(before.values()), tmux.screen()
    for _ in range(3):
        tmux("send-keys", "-t", "reader", "j")
    tmux("send-keys", "-t", "reader", "Enter")  # keys reach the reader in order
    tmux.wait_for("Harbour ·")  # the reader's byline: the article is open

    def one_read(screen: str) -> bool:
        return sum(not unread for unread in _rows(screen).values()) == 1

    screen = tmux.wait_until(one_read, "one row shown read")
    after = _rows(screen)
    opened = [title for title, unread in after.items() if not unread]
    assert len(after) == len(TITLES) and len(opened) == 1, screen
    # Newest first, and the refresh kept the highlighted article (the newest before it,
    # Story 7, now second): three rows below it is Story 4, and the reader shows it.
    assert opened == ["Story 4"], screen
    assert opened[0] in screen.split(opened[0], 1)[1], screen
