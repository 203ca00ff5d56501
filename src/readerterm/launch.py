"""Opening a link outside readerterm: the browser, or a player for podcast episodes.

The URL is checked (plain http(s), no leading "-") and handed to the program as one
argument of its own; the command from config.toml is split like a shell line but no
shell ever runs (SECURITY.md rule 4). Every function says plainly whether a program
started.
"""

from __future__ import annotations

import shlex
import subprocess
import webbrowser

from readerterm.safety import safe_url

__all__ = ["open_link"]


def open_link(url: str | None, command: str = "") -> str:
    """Open `url` with `command` (split into words, the URL appended), or with the
    system's browser when `command` is empty. Returns what happened, in a sentence
    that starts with "Opened" only when a program was started."""
    checked = safe_url(url)
    if checked is None or checked.startswith("-"):
        return "This link cannot be opened safely (only plain http(s) links are)."
    if command.strip():
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            return f"The command {command!r} in config.toml cannot be read: {exc}."
        try:
            subprocess.Popen([*argv, checked], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        except OSError as exc:
            return f"Could not start {argv[0]!r}: {exc.strerror or exc}."
        return f"Opened {checked} with {argv[0]}."
    try:
        started = webbrowser.open(checked, new=2)
    except webbrowser.Error as exc:
        started, why = False, str(exc)
    else:
        why = "none is set up here"
    if started is False:
        return (f"No browser could be started ({why}); set [open] browser in config.toml. "
                f"The link: {checked}")
    return f"Opened {checked} in the browser."
