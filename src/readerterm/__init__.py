"""readerterm: a terminal news reader with full article text and an offline cache."""

from __future__ import annotations

__version__ = "0.1.0"
USER_AGENT = f"readerterm/{__version__} (+https://github.com/readerterm/readerterm)"
