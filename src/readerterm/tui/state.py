"""What the reader remembers between runs (the theme), in ui-state.json under the
data directory. config.toml is the user's file and is never rewritten."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

STATE_FILE = "ui-state.json"


def load_state(data_dir: Path) -> dict[str, str]:
    """The saved state; empty when missing or unreadable."""
    try:
        data = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def save_state(data_dir: Path, state: dict[str, str]) -> None:
    """Write the state atomically (best effort: a read-only home is not an error)."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".ui-state.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=2)
        os.replace(tmp, data_dir / STATE_FILE)
    except OSError:
        pass
