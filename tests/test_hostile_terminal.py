"""The reader in a real terminal (tmux) on the markup-injection and escape-sequence feeds.

Everything the app writes to its pty is captured with `pipe-pane`. The test opens every
article (with `n`, next unread), clicks on the titles, and then checks that
- no escape sequence from a feed is in the raw output (OSC 52 clipboard, OSC 8 links,
  OSC 0 window title, ESC [ 2J, C1 controls, BEL): only the sequences Textual itself
  writes for a frame and its terminal modes are there;
- tmux saw no title change and no clipboard write (set-clipboard is on, so an OSC 52
  that got through would create a paste buffer);
- no action fired: the app is still running after every article and every click (a
  `[@click=app.quit]` title did not quit it), and every article was opened (read).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile_server import HostileServer, child_env, run_readerterm, write_home
from readerterm import paths
from readerterm.library import Library
from terminal_checks import foreign_sequences
from tmux_session import Tmux, click

PAYLOADS = ["markup_injection.xml", "ansi_escapes_raw.xml", "ansi_escapes_charref.xml"]
# What Textual's Linux driver writes besides frames: private modes (alternate screen,
# cursor, mouse, bracketed paste, synchronized output), its mode queries, the kitty
# keyboard protocol, cursor save/restore, erase and the pointer shape. None of these
# carries feed text.
DRIVER = re.compile(r"\x1b\[\?[\d;]*[hl]|\x1b\[\?[\d;]*\$p|\x1b\[[<>=]?\d*u|\x1b\[\?u|"
                    r"\x1b\[[012]?[JK]|\x1b\[\d*[ABCDG]|\x1b[78]|\x1b\[[su]|\x1b\[\d*;?\d*r|"
                    r"\x1b[=>]|\x1b\[\d* q|"
                    r"\x1b\]22;[a-z-]+\x07")  # OSC 22: the mouse pointer's shape

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

NO_MORE = "No more unread articles."


def unread_count(screen: str) -> int:
    """The unread count the status line shows ("37 unread · updated ..."); -1 without one."""
    found = re.findall(r"(\d+) unread ·", screen)
    return int(found[-1]) if found else -1


def fewer_unread(before: int) -> Callable[[str], bool]:
    """Whether a screen shows fewer unread articles than `before`, or none left to open."""
    return lambda screen: 0 <= unread_count(screen) < before or NO_MORE in screen


def test_reader_in_tmux_shows_feed_text_and_nothing_else(tmux: Tmux, tmp_path: Path) -> None:
    server = HostileServer(bombs=False)
    try:
        home = write_home(tmp_path / "home", [(server.url(f"/payload/{name}"), name)
                                              for name in PAYLOADS])
        first = run_readerterm(home, "refresh")
        assert first.code == 0 and "3 updated" in first.stdout, first.stdout + first.stderr
        raw_file = tmp_path / "raw.out"
        env = child_env(home)
        env["TERM"] = "xterm-256color"
        env.pop("NO_COLOR", None)
        conf = tmp_path / "tmux.conf"
        # remain-on-exit: a crash leaves a dead pane to see; set-clipboard on: an OSC 52
        # that got through would become a paste buffer; allow-rename: an OSC 0 would show.
        conf.write_text("set -g remain-on-exit on\nset -g set-clipboard on\n"
                        "set -g allow-rename on\nset -g history-limit 100\n")
        tmux("-f", str(conf), "new-session", "-d", "-s", "reader", "-x", "120", "-y", "40",
             *(a for k in ("READERTERM_HOME", "MALLOC_ARENA_MAX", "PATH") if k in env
               for a in ("-e", f"{k}={env[k]}")),
             sys.executable, "-m", "readerterm")
        tmux("pipe-pane", "-o", "-t", "reader", f"cat >> {raw_file}")
        title_before = tmux("display-message", "-p", "-t", "reader", "#{pane_title}")
        tmux.wait_for("unread")
        tmux.wait_for("new article")  # the refresh on start is over (its status message)
        total = 38
        screen = tmux.screen()
        left = unread_count(screen)
        tmux("send-keys", "-t", "reader", "Enter")  # the highlighted first article
        for n in range(total + 2):
            # Each time, the article opened last is on the screen (and marked read)
            # before the clicks and the next key: a click on the reader's widgets while
            # they are being replaced crashes Textual 8.2.8 itself (Screen._forward_event
            # meets a widget already removed), which is not what this test is about.
            screen = tmux.wait_until(fewer_unread(left), "an article marked read")
            left = unread_count(screen)
            if n % 5 == 0:
                # The headline and the list rows: titles with markup. The reader first: a
                # click on a list row opens that article, and a click on the reader while
                # it is being replaced meets the same Textual crash as above.
                for y in (3, 5, 7):
                    click(tmux, 100, y)
                for y in (3, 5, 7):
                    click(tmux, 60, y)
            tmux("send-keys", "-t", "reader", "n")
            assert tmux.alive(), tmux.screen()
        screen = tmux.wait_until(lambda s: unread_count(s) == 0 and NO_MORE in s,
                                 "every article read")
        assert "python" in tmux("display-message", "-p", "-t", "reader",
                                "#{pane_current_command}"), screen
        assert tmux.alive(), screen
        assert NO_MORE in screen, screen
        title_after = tmux("display-message", "-p", "-t", "reader", "#{pane_title}")
        buffers = tmux("list-buffers", check=False)
        tmux("send-keys", "-t", "reader", "q")
        tmux.wait_exit()
    finally:
        server.stop()

    raw = raw_file.read_bytes().decode("utf-8", "replace")
    assert len(raw) > 10_000, "the capture holds the app's output"
    leaks = [seq for seq in foreign_sequences(raw) if not DRIVER.fullmatch(seq)]
    assert leaks == [], sorted(set(leaks))[:20]
    for sequence in ("\x1b]52;", "\x1b]8;;", "\x1b]0;", "\x1b[2J\x1b[H", "\x1b[31m",
                     "\x1bP", "\x9b", "\x9d"):  # a bare BEL is caught above
        assert sequence not in raw, repr(sequence)
    assert "]52;c;ZWNobyBwd2" in raw  # what is left of the OSC 52, shown as text
    assert "Window title hijack" not in title_after and title_after == title_before
    assert buffers.strip() == "", buffers
    # Feed text is shown literally: the escapes' printable remains and the markup.
    assert "Screen cleared" in raw and "[@click=app.quit]" in raw
    lib = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
    try:
        unread = [f for f in lib.feeds() if f.unread]
        assert sum(f.total for f in lib.feeds()) == total
        assert unread == [], "every article was opened (n marks it read)"
    finally:
        lib.close()
