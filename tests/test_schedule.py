"""When feeds are due (schedule.py), what they ask for (feeds/ttl.py), and per-feed
intervals in feeds.toml."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import FeedServer, rss
from readerterm import paths
from readerterm.config import ConfigError, FeedEntry, Section, load_sections, save_sections
from readerterm.feeds.ttl import MAX_TTL, declared_ttl
from readerterm.library import Library
from readerterm.schedule import ScheduleRow, due_feeds, parse_interval
from readerterm.store.schedule import schedule_rows
from readerterm.subscriptions import OPENED_FEED

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def row(feed_id: int, ago: float | None, ttl: int | None = None, *, dead: bool = False,
        retry_in: float | None = None) -> ScheduleRow:
    return ScheduleRow(feed_id, f"http://127.0.0.1/{feed_id}",
                       None if ago is None else NOW - timedelta(seconds=ago), ttl,
                       None if retry_in is None else NOW + timedelta(seconds=retry_in), dead)


def test_parse_interval() -> None:
    assert [parse_interval(v) for v in ("2s", "15m", "2h", "1d", "30", "1.5m")] == [
        2, 900, 7200, 86400, 1800, 90]
    for bad in ("", "soon", "-5m", "0s", "2 weeks"):
        with pytest.raises(ValueError):
            parse_interval(bad)


def test_due_feeds_default_ttl_own_dead_and_retry() -> None:
    rows = [row(1, None), row(2, 1700), row(3, 1900), row(4, 1900, ttl=3600),
            row(5, 5, ttl=3600), row(6, 10**6, dead=True), row(7, 10**6, retry_in=30)]
    due, wait = due_feeds(rows, {}, 1800, NOW)
    assert due == [1, 3]
    assert wait == 30  # feed 7's wait ends first
    # The user's own interval wins, even over the feed's ttl.
    due, _ = due_feeds(rows, {"http://127.0.0.1/5": 2}, 1800, NOW)
    assert due == [1, 3, 5]
    # Opened without a refresh: nothing counts as fetched before `since`.
    due, wait = due_feeds(rows, {}, 1800, NOW, since=NOW - timedelta(seconds=60))
    assert due == [] and wait == 1740


def test_declared_ttl() -> None:
    assert declared_ttl(b"<rss><channel><ttl>60</ttl><item><ttl>1</ttl></item>") == 3600
    assert declared_ttl(b"<channel><sy:updatePeriod>hourly</sy:updatePeriod>"
                        b"<sy:updateFrequency>2</sy:updateFrequency></channel>") == 1800
    assert declared_ttl(b"<channel><sy:updatePeriod>weekly</sy:updatePeriod>") == MAX_TTL
    assert declared_ttl(b"<channel><item><ttl>5</ttl></item></channel>") is None
    assert declared_ttl(b"<feed><entry></entry></feed>") is None


def test_feeds_toml_interval_is_read_checked_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[sections]]\nname = "A"\n[[sections.feeds]]\nurl = "http://x/a"\n'
                    'interval = "2s"\n[[sections.feeds]]\nurl = "http://x/b"\ninterval = 45\n')
    sections = load_sections(path)
    assert sections is not None
    assert [f.interval for f in sections[0].feeds] == ["2s", "45m"]
    save_sections(path, sections)
    assert load_sections(path) == sections
    path.write_text('[[sections]]\nname = "A"\n[[sections.feeds]]\nurl = "http://x/a"\n'
                    'interval = "often"\n')
    with pytest.raises(ConfigError, match=r"line 5: sections\[0\]\.feeds\[0\]\.interval"):
        load_sections(path)


def test_a_refresh_keeps_the_ttl_the_feed_asks_for(tmp_path: Path, server: FeedServer) -> None:
    slow = rss("Slow", [("s1", "One", "x")]).replace("<channel>", "<channel><ttl>120</ttl>")
    urls = [server.serve("/slow.xml", slow), server.serve("/plain.xml", rss("P", []))]
    p = paths.resolve({"READERTERM_HOME": str(tmp_path / "home")})
    save_sections(p.config_dir / "feeds.toml",
                  [Section("S", tuple(FeedEntry(u) for u in urls))])
    lib = Library.open(p)
    try:
        asyncio.run(lib.refresh(fulltext=False))
        ttls = {r.url: r.ttl for r in schedule_rows(lib.store, OPENED_FEED)}
        assert ttls == {urls[0]: 7200, urls[1]: None}
        due, wait = lib.due_feeds()
        assert due == [] and 1700 < wait <= 1800  # the 30 minutes of [refresh] interval
    finally:
        lib.close()
