"""Entry dates: feedparser's readings, the fast path's own, JSON Feed's, and the year check.

Every function returns an aware UTC datetime or None; none of them clamps (the entry
builder does, with `safety.clamp_date`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from readerterm.feeds._months import read_foreign_date

__all__ = ["first_date", "parse_date_text", "read_feed_date", "to_datetime", "year_agrees"]

_DIGITS = re.compile(r"\d+")
_TZ_OFFSET = re.compile(r"(?<=[\s\d])[+-]\d\d:?\d\d\b")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d\d):(\d\d)(?::(\d\d))?"
    r"\s+(GMT|UT|Z|[+-]\d{4})$")
_W3DTF = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$")


def to_datetime(parsed: Any) -> datetime | None:
    """feedparser's UTC struct_time -> aware datetime; None when impossible (year -1, ...)."""
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in tuple(parsed)[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def year_agrees(value: datetime | None, raw: Any) -> datetime | None:
    """`value`, unless the raw date text names no year near it.

    feedparser reads "10000-01-01" as 2010-11-01 and "-0001-01-01" as 2000-01-01; such
    dates look sane but are made up. A raw text with no four-digit number (a two-digit
    year) is trusted.
    """
    if value is None or not isinstance(raw, str):
        return value
    text = _TZ_OFFSET.sub(" ", raw[:200])
    runs = [r for r in _DIGITS.findall(text) if len(r) >= 4]
    if not runs:
        return value
    for run in runs:
        for digits in (run, run[:4] if len(run) >= 8 else ""):
            try:
                if digits and abs(int(digits) - value.year) <= 1:
                    return value
            except ValueError:
                continue
    return None


def first_date(candidates: Iterable[tuple[str, Any]],
               read: Callable[[Any], datetime | None]) -> tuple[datetime | None, str]:
    """(date, raw text) of an RSS or Atom entry, from its dates in order of preference.

    `candidates` are (raw text, what `read` reads) pairs (published, then updated, ...;
    for a date given as text only, (text, text) read by `read_feed_date`):
    the first that reads as a date wins, its year checked against its text
    (`year_agrees`); then the first raw text with a month name in another language
    (`_months`); with none, (None, the first raw text given).
    """
    first_raw = ""
    raws: list[str] = []
    for raw, value in candidates:
        first_raw = first_raw or raw
        date = read(value) if value else None
        if date is not None:
            return year_agrees(date, raw), raw
        if raw:
            raws.append(raw)
    for raw in raws:  # month names in other languages (feedparser reads English only)
        date = read_foreign_date(raw)
        if date is not None:
            return date, raw
    return None, first_raw


def parse_date_text(value: Any) -> datetime | None:
    """An RFC 3339 or RFC 822 date string (JSON Feed's) -> aware datetime, or None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    try:
        result = datetime.fromisoformat(text)
    except ValueError:
        try:
            result = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    try:
        return result.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def read_feed_date(raw: str) -> datetime | None:
    """An RSS/Atom date as feedparser reads it: RFC 822 and W3C-DTF here (the common
    forms, quickly), feedparser's own parser for the unusual ones."""
    if not raw:
        return None
    when: datetime | None = None
    m = _RFC822.match(raw)
    if m and m.group(2).lower() in _MONTHS and (m.group(6) or "0") < "60":
        zone = m.group(7)
        offset = 0 if zone in ("GMT", "UT", "Z") else (
            (int(zone[1:3]) * 60 + int(zone[3:5])) * (-1 if zone[0] == "-" else 1))
        try:
            when = datetime(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)),
                            int(m.group(4)), int(m.group(5)), int(m.group(6) or 0),
                            tzinfo=timezone(timedelta(minutes=offset)))
        except ValueError:
            when = None
    m = None if when else _W3DTF.match(raw)
    if m and (m.group(6) or "0") < "60":
        zone = m.group(7)
        offset = 0 if zone == "Z" else (
            (int(zone[1:3]) * 60 + int(zone[4:6])) * (-1 if zone[0] == "-" else 1))
        try:
            when = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                            int(m.group(4)), int(m.group(5)), int(m.group(6) or 0),
                            tzinfo=timezone(timedelta(minutes=offset)))
        except ValueError:
            when = None
    if when is not None:
        try:
            return when.astimezone(UTC)
        except (OverflowError, ValueError):
            return None
    from feedparser.datetimes import _parse_date  # only for the unusual dates

    return to_datetime(_parse_date(raw))
