"""The reader in a real terminal (tmux): what reaches the screen when only part of it is
repainted.

Moving the cursor and opening an article repaint the article list's changed lines alone
(a whole-pane repaint cost every open about forty rendered rows); tmux's copy of the
screen shows whether the right lines were repainted.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import FeedServer, rss
from hostile_server import child_env, run_readerterm, write_home
from tmux_session import Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

TITLES = [f"Story {n}" for n in range(8)]


def _rows(screen: str) -> dict[str, bool]:
    """Each title in the article list (left of the reader): whether its row shows the
    unread mark."""
    rows = {}
    for line in screen.splitlines():
        left = line.split("│")[0]
        for title in TITLES:
            if title in left:
                rows[title] = "●" in left
    return rows


def test_opening_an_article_repaints_its_row_in_the_list(
        tmux: Tmux, tmp_path: Path, server: FeedServer) -> None:
    url = server.serve("/f.xml", rss("Harbour", [(f"g{n}", t, f"<p>{t}.</p>")
                                                 for n, t in enumerate(TITLES)]))
    home = write_home(tmp_path / "home", [(url, "Harbour")])
    assert run_readerterm(home, "refresh").code == 0
    env = child_env(home)
    tmux("new-session", "-d", "-s", "reader", "-x", "120", "-y", "40",
         *(a for k in ("READERTERM_HOME", "PATH") for a in ("-e", f"{k}={env[k]}")),
         sys.executable, "-m", "readerterm")
    tmux.wait_for(TITLES[0])
    time.sleep(1.5)  # the refresh on start (all 304) and the list shown again after it
    before = _rows(tmux.screen())
    assert len(before) == len(TITLES) and all(before.values()), tmux.screen()
    for _ in range(3):
        tmux("send-keys", "-t", "reader", "j")
    time.sleep(0.3)
    tmux("send-keys", "-t", "reader", "Enter")
    tmux.wait_for("Harbour ·")  # the reader's byline: the article is open
    time.sleep(0.5)
    screen = tmux.screen()
    after = _rows(screen)
    opened = [title for title, unread in after.items() if not unread]
    assert len(after) == len(TITLES) and len(opened) == 1, screen
    # The newest is first: the fourth row is the fourth newest, and the reader shows it.
    assert opened[0] in screen.split(opened[0], 1)[1], screen
