"""A reader in a real terminal: tmux on a private socket, for the tests that look at
what a user sees (`capture-pane`) and send it keys and clicks."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable


class Tmux:
    """tmux on a socket of its own; calling it runs a tmux command there."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str, check: bool = True) -> str:
        # The first command starts the server, whose environment every pane inherits:
        # without COLUMNS and LINES (pytest's process may have them, 80 and 24), so that
        # the reader takes the pane's real size.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30, check=False, env=env)
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args}: {done.stderr}")
        return done.stdout

    def alive(self) -> bool:
        out = self("list-panes", "-t", "reader", "-F", "#{pane_dead}", check=False)
        return out.strip() == "0"

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "reader")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The screen, once `text` is on it (AssertionError after `timeout` seconds)."""
        return self.wait_until(lambda screen: text in screen, f"{text!r}", timeout)

    def wait_until(self, ready: Callable[[str], bool], what: str,
                   timeout: float = 30) -> str:
        """The screen, once `ready(screen)` is true: capture-pane polled every 0.1 s (a
        poll, not a guess at how long the reader takes), for at most `timeout` seconds."""
        end = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > end:
                raise AssertionError(f"{what} never appeared:\n{screen}")
            time.sleep(0.1)

    def wait_exit(self, timeout: float = 30) -> None:
        """Until the reader's process has ended (its pane is dead or gone)."""
        end = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > end:
                raise AssertionError(f"the reader did not exit:\n{self.screen()}")
            time.sleep(0.1)


def click(tmux: Tmux, x: int, y: int) -> None:
    """A left click at column x, row y (1-based), as SGR mouse bytes typed into the pane."""
    for final in ("M", "m"):
        data = f"\x1b[<0;{x};{y}{final}".encode()
        tmux("send-keys", "-t", "reader", "-H", *(f"{b:02x}" for b in data))
