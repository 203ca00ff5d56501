"""Issue 14: the rough edges a new user hits in the first hour, one test (or more) for
each numbered point of the issue, against the real command line, a real HTTP server on
127.0.0.1 and real fixture feeds."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import FeedServer, rss
from readerterm.cli import main
from readerterm.config import DEFAULT_CONFIG, ConfigError, load_settings
from readerterm.feeds._months import read_foreign_date
from readerterm.feeds.parse import parse_feed
from readerterm.html import html_to_text

FEEDS = Path(__file__).parent / "data" / "feeds"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def feeds(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "feeds", "--json")
    assert code == 0, err
    result: list[dict[str, Any]] = json.loads(out)
    return result


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- 1. no subscriptions the user did not ask for ---------------------------------------


def test_add_in_a_fresh_home_subscribes_to_that_feed_only(
        home: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = server.serve("/mine.xml", rss("Mine", [("a", "A", "x")]))
    assert run(capsys, "add", url)[0] == 0
    assert [f["url"] for f in feeds(capsys)] == [url]


def test_import_in_a_fresh_home_subscribes_to_the_file_only(
        home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    urls = tmp_path / "urls"
    urls.write_text("https://a.example/feed.xml World\n")
    code, out, _ = run(capsys, "import", str(urls))
    assert code == 0 and out.startswith("imported 1 feed,")
    assert [f["url"] for f in feeds(capsys)] == ["https://a.example/feed.xml"]


# -- 2. add and import fail with exit 2 and change nothing -------------------------------


@pytest.mark.parametrize("route", [
    {"body": "gone", "status": 404, "content_type": "text/plain"},
    {"body": "<html><body><p>A page, no feed named</p></body></html>",
     "content_type": "text/html"},
    {"body": ""},
])
def test_add_of_a_url_that_answers_but_is_no_feed_is_refused(
        home: Path, server: FeedServer, capsys: pytest.CaptureFixture[str],
        route: dict[str, Any]) -> None:
    url = server.serve("/nothing", **route)
    code, out, err = run(capsys, "add", url)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nothing added" in err
    assert feeds(capsys) == []


def test_add_of_an_unreachable_url_is_added_with_a_warning(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed.xml"
    code, out, err = run(capsys, "add", url)
    assert code == 0 and out == f"added: {url}\n"
    assert err.startswith(f"readerterm: warning: {url}: not checked: ")
    assert [f["url"] for f in feeds(capsys)] == [url]


@pytest.mark.parametrize("data", [
    b"",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    b"<opml version='2.0'><body><outline xmlUrl=",
    b"<html><body>a page</body></html>",
    b"just some words\nand more words\n",
])
def test_import_of_a_file_that_is_no_subscription_list_exits_2(
        home: Path, server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        data: bytes) -> None:
    kept = server.serve("/kept.xml", rss("Kept", [("a", "A", "x")]))
    assert run(capsys, "add", kept)[0] == 0
    before = (home / "config/feeds.toml").read_bytes()
    path = tmp_path / "subs.opml"
    path.write_bytes(data)
    code, out, err = run(capsys, "import", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert (home / "config/feeds.toml").read_bytes() == before


# -- 3. a failed feed keeps its validators; a 304 keeps its error ------------------------


def test_a_feed_that_is_not_a_feed_is_asked_for_conditionally(
        home: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = server.serve("/page.xml", "<html><body>moved to a page</body></html>",
                       content_type="text/html")
    (home / "config").mkdir(parents=True)
    (home / "config/feeds.toml").write_text(f'[[sections]]\nname = "A"\n'
                                            f'[[sections.feeds]]\nurl = "{url}"\n')
    code, first, _ = run(capsys, "refresh", "--no-fulltext")
    assert code == 0 and "1 failed" in first
    error = feeds(capsys)[0]["error"]
    assert error
    code, second, err = run(capsys, "refresh", "--no-fulltext")
    assert code == 0 and "1 failed" in second and error in err
    assert server.hits["/page.xml"] == [200, 304]
    feed = feeds(capsys)[0]
    assert feed["status"] == "error" and feed["error"] == error


def test_a_304_after_a_network_failure_clears_the_error(
        home: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = server.serve("/ok.xml", rss("Ok", [("a", "A", "x")]))
    assert run(capsys, "add", url)[0] == 0
    assert run(capsys, "refresh", "--no-fulltext")[0] == 0
    server.serve("/ok.xml", "busy", status=503, content_type="text/plain")
    run(capsys, "refresh", "--no-fulltext")
    assert feeds(capsys)[0]["status"] == "error"
    server.serve("/ok.xml", rss("Ok", [("a", "A", "x")]))
    code, out, _ = run(capsys, "refresh", "--no-fulltext")
    assert code == 0 and "1 unchanged" in out
    assert server.hits["/ok.xml"][-1] == 304
    assert feeds(capsys)[0]["status"] == "ok"


# -- 4. entities escaped twice are decoded once, never more -----------------------------


def _item_feed(title: str, body: str, encoding: str = "utf-8") -> bytes:
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
            f"<title>T</title><link>http://example.org/</link><item>"
            f"<title><![CDATA[{title}]]></title><link>http://example.org/1</link>"
            f"<description><![CDATA[{body}]]></description></item></channel></rss>").encode()


def test_a_real_feed_escaping_twice_reads_plainly() -> None:
    feed = parse_feed((FEEDS / "feedrs__rss_2.0_vimeo_media.xml").read_bytes(), {},
                      "https://vimeo.com/feed")
    text = html_to_text(feed.entries[0].content_html)
    assert "you'll want to mark" in text and "&#" not in text


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])  # lxml path, feedparser's
def test_entities_escaped_twice_are_decoded_once(encoding: str) -> None:
    data = _item_feed("This week&#8217;s news",
                      "<p>you&amp;#039;ll see &amp;ldquo;it&amp;rdquo;</p>"
                      "<p>thrice: &amp;amp;#8217; and code: &amp;lt;b&amp;gt;</p>", encoding)
    entry = parse_feed(data, {}, "http://example.org/feed").entries[0]
    assert entry.title == "This week\u2019s news"
    text = html_to_text(entry.content_html)
    assert "you'll see \u201cit\u201d" in text
    assert "thrice: &#8217;" in text  # one decoding more, never two
    assert "code: &lt;b&gt;" in text  # markup written as text on purpose stays


# -- 5. dates in other languages ---------------------------------------------------------


def test_portuguese_dates_of_a_real_feed_are_read() -> None:
    feed = parse_feed((FEEDS / "rssparser__uolNoticias.rss").read_bytes(), {},
                      "https://noticias.uol.com.br/")
    dates = [e.published for e in feed.entries]
    assert dates and all(d is not None and d.year == 2018 and d.month == 9 for d in dates)
    assert dates[0] == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)


@pytest.mark.parametrize("raw, expected", [
    ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
    ("24 de setembro de 2018", datetime(2018, 9, 24, tzinfo=UTC)),
    ("mar, 5 dic 2023 10:00:00 +0100", datetime(2023, 12, 5, 9, 0, tzinfo=UTC)),
    ("12 févr. 2020 08:30", datetime(2020, 2, 12, 8, 30, tzinfo=UTC)),
    ("Mo, 3. März 2025 10:00 +0100", datetime(2025, 3, 3, 9, 0, tzinfo=UTC)),
    ("3 mrt 2021 08:00:00 GMT", datetime(2021, 3, 3, 8, 0, tzinfo=UTC)),
    ("1 giugno 2019", datetime(2019, 6, 1, tzinfo=UTC)),
    ("24 Foo 2018 10:00:00 GMT", None),
    ("31 fev 2018", None),
    ("Mon, 24 Sep 2018 19:42 EST", None),  # an English zone name: feedparser's to read
])
def test_month_names_in_common_languages(raw: str, expected: datetime | None) -> None:
    assert read_foreign_date(raw) == expected


def test_an_entry_without_a_date_is_listed_by_arrival_never_as_new(
        home: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>'
            "<link>http://example.org/</link>"
            "<item><guid>dated</guid><title>Dated</title><link>http://example.org/d</link>"
            "<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate></item>"
            "<item><guid>undated</guid><title>Undated</title>"
            "<link>http://example.org/u</link><pubDate>someday</pubDate></item>"
            "</channel></rss>")
    url = server.serve("/dates.xml", body)
    assert run(capsys, "add", url)[0] == 0
    assert run(capsys, "refresh", "--no-fulltext")[0] == 0
    code, out, _ = run(capsys, "articles")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "Undated" in lines[0] and " ?  " in lines[0]  # arrived last: first, no date
    assert "Dated" in lines[1] and "2018-09-24" in lines[1]


# -- 6. config messages ------------------------------------------------------------------


def test_a_key_binding_that_is_no_string_names_key_type_and_example(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui.keys]\nstar = 5\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "ui.keys.star" in message and "a string of keys" in message
    assert 'for example: star = "' in message and "dict" not in message


def test_a_config_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[fetch]\nper_host = 3\n")
    assert load_settings(path).fetch.per_host == 3


def test_the_written_configs_key_examples_are_valid_ids(tmp_path: Path) -> None:
    from readerterm.tui.keys import keymap

    examples = [line.removeprefix("# ") for line in DEFAULT_CONFIG.split("[ui.keys]")[1]
                .splitlines() if line.startswith("# ") and "=" in line]
    assert examples
    path = tmp_path / "config.toml"
    path.write_text("[ui.keys]\n" + "\n".join(examples) + "\n")
    mapping, warnings = keymap(load_settings(path).ui.keys)
    assert warnings == [] and "refresh-all" in mapping


# -- 7. the command line: --json everywhere, help, broken pipes, plurals ----------------


def one_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


def test_every_editing_command_speaks_json(
        home: Path, server: FeedServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    good = server.serve("/good.xml", rss("Good", [("a", "Alpha", "x"), ("b", "Beta", "y")]))
    bad = server.serve("/bad.xml", rss("Bad", [("c", "Gamma", "z")]))
    page = server.serve("/page", '<html><head><link rel="alternate" '
                        'type="application/rss+xml" href="/good.xml"></head></html>',
                        content_type="text/html")
    assert one_json(capsys, "add", page, "--section", "S") == {
        "url": good, "section": "S", "title": "", "found_on": page, "warning": None}
    added = one_json(capsys, "add", bad)
    assert added["url"] == bad and added["section"] == "Uncategorized"
    urls = tmp_path / "urls"
    urls.write_text("https://c.example/feed.xml\nexec:evil.sh\n")
    imported = one_json(capsys, "import", str(urls))
    assert imported["imported"] == 1 and len(imported["skipped"]) == 1
    exported = one_json(capsys, "export")
    assert exported[0] == {"section": "S", "feeds": [{"url": good, "title": ""}]}
    server.serve("/bad.xml", "oops", status=500, content_type="text/plain")
    report = one_json(capsys, "refresh", "--no-fulltext")
    assert report["updated"] == 1 and report["new_articles"] == 2
    failed = {f["url"]: f["error"] for f in report["failed"]}
    assert set(failed) == {bad, "https://c.example/feed.xml"} and "500" in failed[bad]
    first = json.loads(run(capsys, "articles", "--json")[1])[0]
    assert one_json(capsys, "mark", str(first["id"]), "--star") == {
        "id": first["id"], "read": False, "starred": True}
    assert one_json(capsys, "remove", good) == {"removed": good, "articles": 2}


def _commands() -> dict[str, Any]:
    from readerterm.cli import _parser

    parser = _parser()
    subs = next(a for a in parser._actions if a.dest == "command")
    return dict(subs.choices)  # type: ignore[arg-type]


def test_help_says_what_each_command_and_option_does() -> None:
    for name, sub in _commands().items():
        text = sub.format_help()
        assert sub.description and len(sub.description) > 30, name
        assert "example:\n  readerterm " + name in text, name
        assert "READERTERM_HOME" in text, name
        for action in sub._actions:
            assert action.help, (name, action.dest)


def test_the_readmes_command_line_matches_the_commands_option_for_option() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    documented: dict[str, set[str]] = {}
    command = ""
    for line in section.splitlines():
        words = line.split("#", 1)[0].replace("|", " ").split()
        if words[:1] == ["readerterm"]:
            command = words[1]
        if command:
            documented.setdefault(command, set()).update(
                w.strip("[]") for w in words if w.strip("[]").startswith("--"))
    actual = {name: {o for a in sub._actions for o in a.option_strings
                     if o.startswith("--") and o != "--help"}
              for name, sub in _commands().items()}
    assert documented == actual


def test_extract_into_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    import subprocess
    import sys

    page = tmp_path / "page.html"
    page.write_text("<html><body><article><h1>T</h1>" + "<p>A line of the story.</p>" * 400
                    + "</article></body></html>")
    proc = subprocess.Popen([sys.executable, "-m", "readerterm", "extract",
                             *[str(page)] * 40], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read()
    assert proc.wait() == 0
    assert err == b""


def test_counts_read_in_the_singular_and_the_plural(
        home: Path, server: FeedServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = server.serve("/one.xml", rss("One", [("a", "A", "x")]))
    assert run(capsys, "add", url)[0] == 0
    code, out, _ = run(capsys, "refresh", "--no-fulltext")
    assert code == 0 and out.startswith("refreshed: 1 feed, ") and "1 new article" in out
    assert "1 new articles" not in out
    urls = tmp_path / "urls"
    urls.write_text("https://a.example/1.xml\nhttps://a.example/2.xml\n")
    assert run(capsys, "import", str(urls))[1].startswith("imported 2 feeds, ")
