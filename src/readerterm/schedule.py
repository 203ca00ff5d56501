"""When each feed is due for a refresh while the reader is open.

A feed's interval is, in order: its own `interval` in feeds.toml (the user's word, kept
even when the feed asks for less), else the larger of `[refresh] interval` in
config.toml and what the feed itself asks (`<ttl>`, `sy:updatePeriod`, kept by a
refresh in the cache). Dead feeds are never due; a feed that asked to wait
(Retry-After) is due when the wait is over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["ScheduleRow", "due_feeds", "parse_interval"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*")
MIN_INTERVAL = 1
NEVER = 10 * 365 * 86400


def parse_interval(value: str) -> int:
    """Seconds in "90s", "15m", "2h", "1d" or a plain number of minutes; raises
    ValueError for anything else (and for less than a second)."""
    found = _INTERVAL.fullmatch(value)
    if not found:
        raise ValueError(f"not an interval: {value!r} (use 90s, 15m, 2h or 1d)")
    seconds = float(found.group(1)) * _UNITS[found.group(2) or "m"]
    if seconds < MIN_INTERVAL:
        raise ValueError(f"interval {value!r} is shorter than a second")
    return int(seconds)


@dataclass(frozen=True)
class ScheduleRow:
    """What the schedule needs of a feed in the cache."""

    id: int
    url: str
    last_fetched: datetime | None
    ttl: int | None       # seconds the feed asks between fetches
    retry_after: datetime | None
    dead: bool


def interval_of(row: ScheduleRow, own: int | None, default: int) -> int:
    """Seconds between refreshes of `row`: `own` (the user's) wins, else the default
    unless the feed asks for longer."""
    if own is not None:
        return own
    return max(default, row.ttl or 0)


def due_feeds(rows: list[ScheduleRow], own: dict[str, int], default: int, now: datetime,
              since: datetime | None = None) -> tuple[list[int], float]:
    """(ids of the feeds due at `now`, seconds until the next one is due). With `since`,
    no feed counts as fetched before it (the reader was opened without a refresh)."""
    due: list[int] = []
    wait = float(NEVER)
    for row in rows:
        if row.dead:
            continue
        last = row.last_fetched
        if since is not None and (last is None or last < since):
            last = since
        when = now if last is None else last + timedelta(
            seconds=interval_of(row, own.get(row.url), default))
        if row.retry_after is not None and row.retry_after > when:
            when = row.retry_after
        if when <= now:
            due.append(row.id)
        else:
            wait = min(wait, (when - now).total_seconds())
    return due, wait
