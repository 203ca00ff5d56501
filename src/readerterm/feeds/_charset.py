"""feedparser's last-resort charset guess, bounded in time.

When neither the HTTP header, the XML declaration nor a BOM gives a charset that decodes
the body, feedparser asks chardet (installed with readability-lxml) to guess from the
whole body. chardet's cost grows faster than the body on binary or mostly-ASCII bytes:
200 KB of gzip data took 43 s here, so a 10 MB body would hold a refresh for an hour.
`guess_encoding` answers UTF-8 when the body decodes as UTF-8, and otherwise asks
chardet about a 4 KB sample starting just before the first non-ASCII byte.
"""

from __future__ import annotations

import re

SAMPLE = 4096
_HIGH = re.compile(rb"[\x80-\xff]")


def guess_encoding(data: bytes) -> str:
    """A charset name for `data` ("" when unknown), in bounded time."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    import chardet

    found = _HIGH.search(data)
    start = max(0, found.start() - 256) if found else 0
    return str(chardet.detect(data[start:start + SAMPLE])["encoding"] or "")


def bound_feedparser_guess() -> None:
    """Make feedparser guess with `guess_encoding` (when it would use chardet at all)."""
    import feedparser.encodings as encodings

    if getattr(encodings, "lazy_chardet_encoding", None) is not None:
        encodings.lazy_chardet_encoding = guess_encoding
