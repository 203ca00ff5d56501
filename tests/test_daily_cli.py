"""The daily reader's command line (issue 15): mark --all-read, show's enclosures and
links, show --markdown, filters and saved searches, against a real server and cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FeedServer, rss
from test_cli import as_json, run
from test_cli import filled as filled


def unread(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    return len(as_json(capsys, "articles", "--unread", "--json", *args))


def test_mark_all_read_by_feed_section_and_everything(
        filled: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert unread(capsys) == 3
    assert as_json(capsys, "mark", "--all-read", "--feed", filled.url("/world.xml"),
                   "--json") == {"marked": 2}
    assert unread(capsys) == 1
    assert unread(capsys, "--section", "Tech") == 1
    code, out, _ = run(capsys, "mark", "--all-read", "--section", "Tech")
    assert (code, out) == (0, "marked 1 article read\n")
    assert unread(capsys) == 0
    # Nothing left: zero, not an error.
    assert as_json(capsys, "mark", "--all-read", "--json") == {"marked": 0}
    arts = as_json(capsys, "articles", "--json")
    assert run(capsys, "mark", str(arts[0]["id"]), "--unread")[0] == 0
    assert as_json(capsys, "mark", "--all-read", "--json") == {"marked": 1}


@pytest.mark.parametrize("args", [
    ["mark", "--all-read", "--section", "Nowhere"],
    ["mark", "--all-read", "--feed", "http://127.0.0.1:1/none.xml"],
    ["mark", "1", "--all-read"],
    ["mark", "--read"],
    ["mark", "1", "--read", "--section", "Tech"],
    ["mark", "--all-read", "--section", "Tech", "--feed", "http://127.0.0.1:1/x.xml"],
])
def test_mark_all_read_bad_input_marks_nothing(filled: FeedServer, args: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert unread(capsys) == 3


PODCAST = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Night Radio</title><link>http://127.0.0.1/</link>
<item><guid>ep1</guid><title>Episode 1: *Tides* [live]</title>
<link>http://127.0.0.1/ep1</link><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate>
<description><![CDATA[<p>Show notes. We talk to <a href="https://tides.example/crew">the
tide crew</a> and read <a href="/letters">letters</a>.</p>
<p>Never <a href="javascript:alert(1)">this</a>, and <a href="https://tides.example/crew">the
crew</a> only once. Music by <a href="https://music.example/a_b">A_B</a>.</p>]]></description>
<enclosure url="https://cdn.example/ep1.mp3" type="audio/mpeg" length="31415926"/>
</item></channel></rss>"""


@pytest.fixture
def podcast(filled: FeedServer, capsys: pytest.CaptureFixture[str]) -> int:
    """The id of a podcast episode with an enclosure and links in its show notes."""
    url = filled.serve("/radio.xml", PODCAST)
    assert run(capsys, "add", url, "--section", "Radio")[0] == 0
    assert run(capsys, "refresh", "--no-fulltext")[0] == 0
    arts = as_json(capsys, "articles", "--section", "Radio", "--json")
    return int(arts[0]["id"])


def test_show_json_has_enclosures_and_the_links_of_the_text(
        podcast: int, filled: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    shown = as_json(capsys, "show", str(podcast), "--json")
    assert shown["enclosures"] == [
        {"url": "https://cdn.example/ep1.mp3", "type": "audio/mpeg", "length": 31415926}]
    assert shown["links"] == [
        {"text": "the tide crew", "url": "https://tides.example/crew"},
        {"text": "letters", "url": "http://127.0.0.1/letters"},
        {"text": "A_B", "url": "https://music.example/a_b"},
    ]
    # An article without either has empty lists, not missing keys.
    world = as_json(capsys, "articles", "--feed", filled.url("/world.xml"), "--json")
    plain = as_json(capsys, "show", str(world[0]["id"]), "--json")
    assert plain["enclosures"] == [] and plain["links"] == []
    code, text, _ = run(capsys, "show", str(podcast))
    assert code == 0 and "Attachments" in text and "https://cdn.example/ep1.mp3" in text
    assert "audio/mpeg · 31.4 MB" in text and "3. A_B" in text


def test_show_markdown(podcast: int, capsys: pytest.CaptureFixture[str]) -> None:
    code, md, err = run(capsys, "show", str(podcast), "--markdown")
    assert code == 0 and err == ""
    lines = md.splitlines()
    assert lines[0] == r"# Episode 1: \*Tides\* \[live\]"
    assert lines[2].startswith("Night Radio · 2026-06-01 10:00")
    assert "Source: [http://127.0.0.1/ep1](<http://127.0.0.1/ep1>)" in lines
    assert any(line.startswith("Show notes. We talk to the tide crew") for line in lines)
    assert "## Attachments" in lines and "## Links in the text" in lines
    assert "3. [A\\_B](<https://music.example/a_b>)" in lines
    assert "javascript" not in md
    code, _, err = run(capsys, "show", str(podcast), "--markdown", "--json")
    assert code == 2 and err.count("\n") == 1


def add_rules(home: Path, rules: str) -> None:
    feeds = home / "config/feeds.toml"
    feeds.write_text(feeds.read_text() + rules)


def test_filters_hide_and_mark_read(filled: FeedServer, home: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    add_rules(home, '''
[[filter]]
field = "title"
pattern = "(?i)kabul"
action = "hide"

[[filter]]
query = "parser"
section = "Tech"
action = "read"
''')
    titles = [a["title"] for a in as_json(capsys, "articles", "--json")]
    assert titles and not any("Kabul" in t for t in titles)
    feeds = {f["title"]: f for f in as_json(capsys, "feeds", "--json")}
    assert feeds["World Wire"]["hidden"] == 1 and feeds["World Wire"]["unread"] == 1
    assert feeds["Tech!"]["hidden"] == 0
    assert as_json(capsys, "search", "kabul", "--json") == []
    # "read" rules act on articles as they arrive.
    filled.serve("/tech.xml", rss("Tech Daily", [("t1", "A new parser", "It is fast."),
                                                 ("t2", "Another parser", "Faster."),
                                                 ("t3", "Chips", "Small.")]))
    assert run(capsys, "refresh", "--no-fulltext")[0] == 0
    tech = as_json(capsys, "articles", "--section", "Tech", "--json")
    assert {a["title"]: a["read"] for a in tech} == {
        "A new parser": False, "Another parser": True, "Chips": False}
    # Taking the filter out shows the article again.
    feeds_toml = home / "config/feeds.toml"
    feeds_toml.write_text(feeds_toml.read_text().replace('pattern = "(?i)kabul"',
                                                         'pattern = "nothing matches"'))
    assert any("Kabul" in a["title"] for a in as_json(capsys, "articles", "--json"))


def test_saved_searches_list_like_sections(filled: FeedServer, home: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    add_rules(home, '''
[[query]]
name = "Unrest"
search = "protests OR strike"

[[query]]
name = "Fast tech"
search = "fast"
section = "Tech"
unread = true
''')
    unrest = as_json(capsys, "articles", "--section", "Unrest", "--json")
    assert [a["title"] for a in unrest] == ["Protests spread"]
    fast = as_json(capsys, "articles", "--section", "Fast tech", "--json")
    assert [a["title"] for a in fast] == ["A new parser"]
    assert run(capsys, "mark", str(fast[0]["id"]), "--read")[0] == 0
    assert as_json(capsys, "articles", "--section", "Fast tech", "--json") == []
    assert as_json(capsys, "mark", "--all-read", "--section", "Unrest", "--json") == {
        "marked": 1}
    # Adding a feed keeps the saved searches in feeds.toml.
    filled.serve("/more.xml", rss("More", []))
    assert run(capsys, "add", filled.url("/more.xml"))[0] == 0
    assert len(as_json(capsys, "articles", "--section", "Unrest", "--json")) == 1


@pytest.mark.parametrize(("rules", "message"), [
    ('[[filter]]\nfield = "body"\npattern = "x"\n', "filter[0].field must be one of"),
    ('[[filter]]\npattern = "("\n', "filter[0].pattern"),
    ('[[filter]]\npattern = "x"\nquery = "y"\n', "a pattern or a query"),
    ('[[filter]]\npattern = "x"\naction = "delete"\n', "action must be hide or read"),
    ('[[query]]\nname = "A"\n', "needs a name and a search"),
])
def test_bad_rules_name_the_line(filled: FeedServer, home: Path, rules: str, message: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    add_rules(home, "\n" + rules)
    code, _, err = run(capsys, "articles", "--json")
    assert code == 2 and message in err and "feeds.toml, line " in err
