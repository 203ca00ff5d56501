"""How old an article is, as a few characters, against a clock the caller gives."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso(value: str | None) -> datetime | None:
    """The cache's ISO dates ("2024-05-01T10:00:00Z"), or None."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def age(published: str | None, now: datetime) -> str:
    """"now", "5m", "3h", "2d", then "12 Mar" this year, then "Mar 2021" (the year whole:
    "Nov 12" would read as a day of this year)."""
    when = parse_iso(published)
    if when is None:
        return ""
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "now"  # also for a date a little in the future (clock skew)
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    if when.year == now.year:
        return when.strftime("%d %b")
    return when.strftime("%b %Y")


def long_date(published: str | None) -> str:
    """"2024-05-01 10:00" (UTC) for the reader's header."""
    when = parse_iso(published)
    return when.strftime("%Y-%m-%d %H:%M") if when else ""
