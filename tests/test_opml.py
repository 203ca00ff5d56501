"""Subscription import (OPML, newsboat urls) and OPML export."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from readerterm.feeds.opml import UNCATEGORIZED, parse_subscriptions, to_opml

DATA = Path(__file__).parent / "data"
OPML = DATA / "opml"
HOSTILE = DATA / "hostile"


def read(name: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    return parse_subscriptions((OPML / name).read_bytes())


@pytest.mark.parametrize("name", ["nnw__Subs.opml", "nnw__SubsNoTitleAttributes.opml"])
def test_netnewswire_list_with_folders(name: str) -> None:
    subs, skipped = read(name)
    assert skipped == []
    assert len(subs) == 207
    sections = Counter(section for section, _, _ in subs)
    assert sections == {"Weblogs": 97, UNCATEGORIZED: 69, "Programming": 33,
                        "Macintosh": 5, "Writers": 3}
    assert subs[0] == (UNCATEGORIZED, "http://daringfireball.net/feeds/main", "Daring Fireball")
    titles = {url: title for _, url, title in subs}
    assert titles["http://corinnekrych.blogspot.com/feeds/posts/default"] == "chat & code"


def test_personal_sites_list() -> None:
    subs, skipped = read("personalsites__subscriptions.opml")
    assert (len(subs), skipped) == (314, [])
    assert {section for section, _, _ in subs} == {"Personal Websites"}
    assert subs[0] == ("Personal Websites", "http://feeds.feedburner.com/90percentofeverything/feed",
                       "Harry Brignull")


def test_default_feeds_without_folders() -> None:
    subs, skipped = read("nnw__DefaultFeeds.opml")
    assert (len(subs), skipped) == (10, [])
    assert {section for section, _, _ in subs} == {UNCATEGORIZED}
    assert all(url.startswith(("http://", "https://")) and title for _, url, title in subs)


def test_nested_folders_use_the_top_level_folder() -> None:
    subs, _ = read("newsboat__example.opml")
    assert len(subs) == 7
    by_url = {url: (section, title) for section, url, title in subs}
    assert by_url["https://example.com/feed.xml"] == (UNCATEGORIZED, "example.com website")
    # The folder's text names it, not its title ("should be ignored").
    assert by_url["https://blogs.example.com/~john/posts.rss"] == ("Blogs", "John's musings")
    # "friends" lies inside "Blogs": its feed goes to the top-level folder.
    assert by_url["https://blogs.example.com/~mike/.rss"] == ("Blogs", "Notes by Mike")
    assert by_url["https://fred.example.com/writing/index.php?type=rss"][0] == "eloquent"


def test_newsboat_urls_exec_line_skipped_and_reported() -> None:
    subs, skipped = read("newsboat__urls_926-exec")
    assert subs == []
    assert len(skipped) == 1
    assert "line 1" in skipped[0] and "exec:curl" in skipped[0]


def test_newsboat_urls_file_tags_and_titles() -> None:
    data = (
        b"# my feeds\n"
        b'https://news.example/rss "World News" politics "~The News"\n'
        b"https://tech.example/atom.xml tech\n"
        b'http://plain.example/feed "!" \n'
        b"\n"
        b'"query:unread:unread = \\"yes\\""\n'
        b"filter:~/bin/filter.sh:https://x.example/rss Tech\n"
        b"file:///etc/passwd local\n"
        b"https://news.example/rss dup\n"
        b'https://broken.example/rss "unbalanced\n'
    )
    subs, skipped = parse_subscriptions(data)
    assert subs == [
        ("World News", "https://news.example/rss", "The News"),
        ("tech", "https://tech.example/atom.xml", ""),
        (UNCATEGORIZED, "http://plain.example/feed", ""),
    ]
    assert [m.split(":")[0] for m in skipped] == [
        "line 6", "line 7", "line 8", "line 9", "line 10"]
    assert "command source" in skipped[0] and "command source" in skipped[1]
    assert "not an http(s) URL" in skipped[2]
    assert "duplicate" in skipped[3]
    assert "unbalanced" in skipped[4]


def test_hostile_opml() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # no recursive walk may survive this
    try:
        subs, skipped = parse_subscriptions((HOSTILE / "hostile.opml").read_bytes())
    finally:
        sys.setrecursionlimit(limit)
    urls = [url for _, url, _ in subs]
    assert urls == ["https://feed.example/rss", "https://feed.example/ok"]
    for _, _, title in subs:
        assert "\x1b" not in title and "\x07" not in title
    assert subs[1][2].endswith("escape in name")
    text = "\n".join(skipped)
    for bad in ("|~/evil.sh", "exec:/bin/sh", "file:///etc/passwd", "javascript:alert(1)"):
        assert bad in text
    assert "filter command" in text  # the filtercmd is ignored, and said so


def test_deep_nesting_keeps_a_feed_at_the_bottom() -> None:
    depth = 1990
    data = ('<?xml version="1.0"?><opml version="2.0"><body>'
            + '<outline text="top">' + '<outline text="n">' * depth
            + '<outline type="rss" xmlUrl="https://deep.example/rss" text="deep"/>'
            + "</outline>" * (depth + 1) + "</body></opml>").encode()
    subs, _ = parse_subscriptions(data)
    assert subs == [("top", "https://deep.example/rss", "deep")]


def test_entities_are_not_expanded() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
 <!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<opml version="2.0"><body><outline text="&xxe;&lol2;">
<outline type="rss" xmlUrl="https://a.example/rss" title="t &xxe; &lol2;"/>
</outline></body></opml>"""
    subs, _ = parse_subscriptions(data)
    assert len(subs) == 1
    section, url, title = subs[0]
    assert url == "https://a.example/rss"
    assert "root:" not in section + title
    assert len(section) + len(title) < 200


def test_xml_that_is_not_opml_is_refused() -> None:
    with pytest.raises(ValueError, match="not an OPML file"):
        parse_subscriptions(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')


def test_export_escapes_and_round_trips() -> None:
    sections = [
        ("World & <Politics>", [("https://a.example/rss?x=1&y=2", 'A "quoted" <title>'),
                                ("https://b.example/feed", "")]),
        ("Tech", [("https://c.example/atom.xml", "C \x1b]52;c;x\x07 name")]),
    ]
    text = to_opml(sections)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "&amp;y=2" in text and "&lt;Politics&gt;" in text and "&quot;quoted&quot;" in text
    assert "\x1b" not in text and "\x07" not in text
    assert 'type="rss"' in text
    subs, skipped = parse_subscriptions(text.encode("utf-8"))
    assert skipped == []
    assert subs == [
        ("World & <Politics>", "https://a.example/rss?x=1&y=2", 'A "quoted" <title>'),
        ("World & <Politics>", "https://b.example/feed", ""),
        ("Tech", "https://c.example/atom.xml", "C ]52;c;x name"),
    ]


def test_round_trip_of_a_real_list() -> None:
    subs, _ = read("nnw__Subs.opml")
    grouped: dict[str, list[tuple[str, str]]] = {}
    for section, url, title in subs:
        grouped.setdefault(section, []).append((url, title))
    again, skipped = parse_subscriptions(to_opml(list(grouped.items())).encode())
    assert skipped == []
    assert sorted(again) == sorted(subs)


def test_nesting_beyond_the_parser_limit_is_reported() -> None:
    depth = 3000
    data = ('<opml version="2.0"><body>' + '<outline text="n">' * depth
            + '<outline type="rss" xmlUrl="https://deep.example/rss" text="deep"/>'
            + "</outline>" * depth + "</body></opml>").encode()
    subs, skipped = parse_subscriptions(data)
    assert subs == []
    assert any("deeper than" in message for message in skipped)


def test_utf16_opml() -> None:
    text = ('<?xml version="1.0" encoding="UTF-16"?><opml version="1.0"><body>'
            '<outline text="Новости"><outline xmlUrl="https://a.example/rss" text="А"/>'
            "</outline></body></opml>")
    subs, _ = parse_subscriptions(text.encode("utf-16"))
    assert subs == [("Новости", "https://a.example/rss", "А")]
