"""A feed's settings written into feeds.toml with its comments and order kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerterm.config import load_sections
from readerterm.errors import BadInput
from readerterm.feedsfile import FeedSettings, update_feed
from readerterm.userrules import load_rules

FEEDS = """# My feeds, by hand.
[[sections]]
name = "World"  # the news

[[sections.feeds]]
url = "http://127.0.0.1/a.xml"
title = "A"   # keep me

[[sections.feeds]]
url = "http://127.0.0.1/b.xml"

[[sections]]
name = "Tech"

[[sections.feeds]]
url = "http://127.0.0.1/c.xml"

# a killfile
[[filter]]
pattern = "quiz"
"""


def test_settings_change_in_place_and_comments_stay(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS)
    update_feed(path, "http://127.0.0.1/a.xml",
                FeedSettings(title="A!", section="World", interval="2h", fulltext=False))
    text = path.read_text()
    assert "# My feeds, by hand." in text and "# the news" in text and "# a killfile" in text
    sections = load_sections(path)
    assert sections is not None
    a = sections[0].feeds[0]
    assert (a.title, a.interval, a.fulltext) == ("A!", "2h", False)
    assert [s.name for s in sections] == ["World", "Tech"]
    # Back to the defaults: the keys go.
    update_feed(path, "http://127.0.0.1/a.xml", FeedSettings(title="", section="World"))
    sections = load_sections(path)
    assert sections is not None
    assert sections[0].feeds[0].title == "" and "fulltext" not in path.read_text()


def test_a_feed_moves_to_another_or_a_new_section(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS)
    update_feed(path, "http://127.0.0.1/b.xml", FeedSettings(section="Tech"))
    update_feed(path, "http://127.0.0.1/c.xml", FeedSettings(section="Later"))
    sections = load_sections(path)
    assert sections is not None
    assert [(s.name, [f.url[-5:] for f in s.feeds]) for s in sections] == [
        ("World", ["a.xml"]), ("Tech", ["b.xml"]), ("Later", ["c.xml"])]
    assert len(load_rules(path)[0]) == 1  # the filter is still there
    # (a comment that tomlkit counts as the end of a moved feed's table goes with it)
    assert "# My feeds, by hand." in path.read_text()


@pytest.mark.parametrize(("url", "settings"), [
    ("http://127.0.0.1/none.xml", FeedSettings(section="World")),
    ("http://127.0.0.1/a.xml", FeedSettings(section="  ")),
    ("http://127.0.0.1/a.xml", FeedSettings(section="World", interval="often")),
])
def test_bad_settings_leave_the_file(tmp_path: Path, url: str, settings: FeedSettings) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS)
    with pytest.raises(BadInput):
        update_feed(path, url, settings)
    assert path.read_text() == FEEDS
