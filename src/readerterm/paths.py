"""Every directory readerterm uses, decided in one place.

`READERTERM_HOME=DIR` puts config, data and cache under DIR. Nothing here creates a
directory until a caller asks for one with `ensure=True`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "readerterm"


@dataclass(frozen=True)
class Paths:
    """The three homes: config (TOML), data (the SQLite cache) and cache (downloads)."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "readerterm.sqlite3"

    @property
    def saved_dir(self) -> Path:
        """Where the reader saves articles as Markdown."""
        return self.data_dir / "saved"

    def ensure(self) -> Paths:
        """Create the directories (only when about to write)."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve(env: dict[str, str] | None = None) -> Paths:
    """The paths for this process: READERTERM_HOME if set, else platformdirs."""
    environ = os.environ if env is None else env
    home = environ.get("READERTERM_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(root / "config", root / "data", root / "cache")
    return Paths(
        Path(platformdirs.user_config_dir(APP)),
        Path(platformdirs.user_data_dir(APP)),
        Path(platformdirs.user_cache_dir(APP)),
    )
