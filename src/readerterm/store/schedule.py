"""The cache's side of the refresh schedule (schedule.py): each feed's last fetch, the
interval it asks for, and a wait it asked for."""

from __future__ import annotations

from datetime import datetime

from readerterm.schedule import ScheduleRow
from readerterm.store.db import Database

__all__ = ["schedule_rows", "set_ttl"]


def set_ttl(db: Database, feed_id: int, ttl: int | None) -> None:
    """Keep the interval the feed asks for (None: it asks for none)."""
    with db.write() as conn:
        conn.execute("UPDATE feeds SET ttl = ? WHERE id = ? AND ttl IS NOT ?",
                     (ttl, feed_id, ttl))


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def schedule_rows(db: Database, exclude: str) -> list[ScheduleRow]:
    """Every feed but the one named `exclude` (the opened links' feed)."""
    rows = db.conn.execute(
        "SELECT id, url, last_fetched, ttl, retry_after, status FROM feeds WHERE url != ? "
        "ORDER BY position, id", (exclude,)).fetchall()
    return [ScheduleRow(int(r[0]), str(r[1]), _when(r[2]), r[3], _when(r[4]), r[5] == "dead")
            for r in rows]
