"""The trust boundary: everything from a feed or a page passes through here.

Feed text is data written by strangers. These functions remove what could reach the
terminal as a control sequence, refuse links that are not plain web links, and keep
dates inside a sane range. See SECURITY.md rules 2, 4 and 6.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urljoin, urlparse, urlsplit

TITLE_MAX = 300
TEXT_MAX = 2_000_000

# Cc (C0, DEL, C1) except tab and newline; Cf (bidi controls, zero-width, soft hyphen, tags);
# surrogates; private use; line and paragraph separators. Checked against unicodedata in tests.
_UNSAFE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\uf8ff"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000f0000-\U0010ffff]"
)
_ASCII_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_UNSAFE = bytes([*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f])
_SPACE_IN_URL = re.compile(r"\s")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
# An absolute http(s) URL that the checks, urljoin and urlsplit in `safe_url` give back
# unchanged: lower-case scheme and host, no user, no ";" params, no empty "?", no "#".
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%+-]*)*(?:\?[A-Za-z0-9._~%+=&/-]+)?",
    re.ASCII)


def strip_controls(text: str) -> str:
    """Remove control, format (bidi, zero-width) and surrogate characters; keep \\n and \\t."""
    if text.isascii():  # the common case: one C pass tells there is nothing to remove
        data = text.encode("ascii")
        if len(data.translate(None, _ASCII_UNSAFE)) == len(data):
            return text
        return _ASCII_UNSAFE_RE.sub("", text)
    return _UNSAFE_RE.sub("", text)


def clean_text(text: str | None, limit: int = TEXT_MAX) -> str:
    """Body text: controls removed, runs of spaces collapsed, at most `limit` characters."""
    if not text:
        return ""
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return text[:limit]


def clean_line(text: str | None, limit: int = TITLE_MAX) -> str:
    """One line (a title, an author, a caption): controls removed, whitespace collapsed,
    truncated to `limit` characters with an ellipsis."""
    if not text:
        return ""
    text = text[: limit * 4]
    text = " ".join(strip_controls(text.replace("\t", " ")).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL with a host, or None.

    Resolves relative links against `base`. Refuses other schemes (javascript:, data:,
    file:, exec:), control characters, whitespace inside, and a leading "-".
    """
    if not url:
        return None
    if plain_url(url, base):
        return url  # what `checked_url` makes of it, without its cost
    return checked_url(url, base)


def checked_url(url: str, base: str | None = None) -> str | None:
    """`safe_url` through every one of its checks (no shortcut for plain URLs)."""
    url = url.strip()
    if not url or len(url) > 4096:
        return None
    if strip_controls(url) != url or _SPACE_IN_URL.search(url):
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    if url.startswith("-"):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def plain_url(url: str, base: str | None = None) -> bool:
    """Whether `url` is a plain absolute http(s) URL (see _PLAIN_URL): one that
    `safe_url(url, base)` and `urljoin(base, url)` both give back as it is."""
    return len(url) <= 4096 and _PLAIN_URL.fullmatch(url) is not None and (
        not base or _parses(base))


@lru_cache(maxsize=64)
def _parses(base: str) -> bool:
    """Whether urljoin can read `base` (it raises ValueError on a broken one)."""
    try:
        urlparse(base)
    except ValueError:
        return False
    return True


def now_utc() -> datetime:
    return datetime.now(UTC)


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def clamp_date(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """The date if it lies in 1970 .. now + 2 days, else None (the caller uses first-seen)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = now or now_utc()
    if value < EARLIEST or value > now + timedelta(days=2):
        return None
    return value
