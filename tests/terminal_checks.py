"""What may reach a terminal: checks shared by the hostile-input tests.

Feed text must reach the screen as plain characters. The only escape sequences allowed
in the app's raw output are the ones Textual itself writes for a frame: SGR colours and
attributes (ESC [ ... m) and cursor moves (ESC [ row ; col H). Everything else (OSC 52
clipboard writes, OSC 8 links, OSC 0 titles, ESC [ 2J, DCS, bare C1 controls, BEL) could
only have come from a feed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Textual's own output for a frame: SGR and absolute cursor moves.
_ALLOWED = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H")
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.?)")


def unsafe_chars(text: str) -> list[str]:
    """Control (Cc except newline and tab), format (Cf: bidi, zero-width) and
    surrogate/private characters: none may come from a feed."""
    return [ch for ch in text if ch not in "\n\t"
            and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co")]


def foreign_sequences(raw: str) -> list[str]:
    """Escape sequences and control characters in raw terminal output that Textual does
    not write for a frame (so they came from the content)."""
    found = [m.group(0) for m in _ESCAPE.finditer(raw) if not _ALLOWED.fullmatch(m.group(0))]
    rest = _ESCAPE.sub("", raw)
    found += [ch for ch in rest if ch not in "\n\r\t" and (
        unicodedata.category(ch) in ("Cc", "Cf") or "\x80" <= ch <= "\x9f")]
    return found


def strings_in(value: Any) -> list[str]:
    """Every string inside a JSON value (keys and values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def screen_output(app: Any) -> str:
    """The raw bytes Textual would write to the terminal for the whole current screen."""
    update = app.screen._compositor.render_full_update()
    return str(update.render_segments(app.console))
