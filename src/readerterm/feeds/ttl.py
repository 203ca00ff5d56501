"""How often a feed asks to be fetched: RSS `<ttl>` (minutes) and the syndication
module's `sy:updatePeriod` / `sy:updateFrequency`, read from the channel's head."""

from __future__ import annotations

import re

__all__ = ["MAX_TTL", "declared_ttl"]

MAX_TTL = 86400
"""A feed asking for more than a day is fetched daily all the same."""

_HEAD = 65536
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.IGNORECASE)
_PERIOD = re.compile(rb"<sy:updatePeriod>\s*(hourly|daily|weekly|monthly|yearly)\s*<",
                     re.IGNORECASE)
_FREQUENCY = re.compile(rb"<sy:updateFrequency>\s*(\d{1,5})\s*<", re.IGNORECASE)
_PERIODS = {b"hourly": 3600, b"daily": 86400, b"weekly": 7 * 86400,
            b"monthly": 30 * 86400, b"yearly": 365 * 86400}
_FIRST_ENTRY = re.compile(rb"<(?:item|entry)[\s>]")


def declared_ttl(body: bytes) -> int | None:
    """Seconds the feed asks between fetches (at most MAX_TTL), or None."""
    head = body[:_HEAD]
    first = _FIRST_ENTRY.search(head)
    if first:
        head = head[:first.start()]
    found = _TTL.search(head)
    if found and int(found.group(1)) > 0:
        return min(MAX_TTL, int(found.group(1)) * 60)
    period = _PERIOD.search(head)
    if period:
        frequency = _FREQUENCY.search(head)
        times = max(1, int(frequency.group(1))) if frequency else 1
        return min(MAX_TTL, _PERIODS[period.group(1).lower()] // times)
    return None
