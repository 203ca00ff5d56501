"""The reader in a real terminal (tmux) at 80x24 and 120x40, on a feed whose newest title
is 68 characters long: the whole title is on screen in the list, and once the article is
open, the first of its related links is on screen without scrolling."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from hostile_server import child_env, run_readerterm
from sizes_world import GADGET, LINKED, RUSSIA, serve, write_home
from tmux_session import Tmux
from tui_fixtures import Pages
from tui_fixtures import pages as pages

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def column(screen: str, index: int) -> str:
    """The words of one column of panes (0: the only one, or the sections; 1: the list;
    2: the reader), its lines joined, so that a wrapped title reads whole."""
    words = []
    for line in screen.splitlines():
        cells = line.split("│")
        if len(cells) > index:
            words.append(" ".join(cells[index].split()))
    return " ".join(words)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_whole_title_in_the_list_then_the_first_related_link(
        tmux: Tmux, tmp_path: Path, pages: Pages, size: tuple[int, int]) -> None:
    home = tmp_path / "home"
    write_home(home, serve(pages))
    assert run_readerterm(home, "refresh").code == 0
    env = child_env(home)
    width, height = size
    tmux("new-session", "-d", "-s", "reader", "-x", str(width), "-y", str(height),
         *(a for k in ("READERTERM_HOME", "PATH") for a in ("-e", f"{k}={env[k]}")),
         sys.executable, "-m", "readerterm")
    three = width >= 120
    screen = tmux.wait_until(lambda s: RUSSIA in column(s, 1 if three else 0),
                             "the whole title in the list")
    assert "The Wire" in column(screen, 1 if three else 0)
    tmux("send-keys", "-t", "reader", "Enter")
    screen = tmux.wait_until(
        lambda s: "Related articles 12" in s and LINKED[0] in column(s, 2 if three else 0),
        "the links pane and its first title")
    assert RUSSIA in column(screen, 2 if three else 0)  # the article is the one open
    if not three:  # one pane at a time: the reader alone, no list
        assert GADGET not in screen
