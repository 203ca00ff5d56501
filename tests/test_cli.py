"""The command-line contract: JSON fields, exit codes, READERTERM_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import FeedServer, rss
from readerterm.cli import main

PAGE_WITH_FEED = """<html><head><title>Site</title>
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed.xml">
</head><body><p>Welcome</p></body></html>"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert out.count("\n") == 1  # one JSON document on one line
    return json.loads(out)


@pytest.fixture
def filled(home: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]) -> FeedServer:
    """A home subscribed to two local feeds, refreshed once."""
    server.serve("/world.xml", rss("World Wire", [
        ("w1", "Embassy guarded in Kabul", "Diplomats will stay, the envoy said."),
        ("w2", "Protests spread", "Teachers and nurses strike across the country."),
    ]))
    server.serve("/tech.xml", rss("Tech Daily", [("t1", "A new parser", "It is fast.")]))
    server.serve("/broken.xml", "<html><body>not a feed</body></html>",
                 content_type="text/html")
    # Start from an empty subscription list rather than the default public feeds.
    home.joinpath("config").mkdir(parents=True)
    home.joinpath("config/feeds.toml").write_text("sections = []\n")
    assert run(capsys, "add", server.url("/world.xml"), "--section", "World")[0] == 0
    assert run(capsys, "add", server.url("/tech.xml"), "--section", "Tech",
               "--title", "Tech!")[0] == 0
    assert run(capsys, "add", server.url("/broken.xml"), "--section", "Tech")[0] == 2
    code, out, err = run(capsys, "refresh", "--no-fulltext")
    assert code == 0 and "3 new articles" in out and err == ""
    return server


def test_first_run_writes_settings_but_subscribes_to_nothing(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert as_json(capsys, "feeds", "--json") == []
    assert (home / "config/config.toml").is_file()
    assert (home / "data/readerterm.sqlite3").is_file()


def test_feeds_articles_show_search_mark(filled: FeedServer,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    feeds = as_json(capsys, "feeds", "--json")
    assert [set(f) for f in feeds] == [
        {"url", "title", "section", "unread", "total", "status", "error", "last_fetched",
         "hidden"}] * 2
    world = feeds[0]
    assert world["title"] == "World Wire" and world["unread"] == 2 and world["status"] == "ok"
    assert feeds[1]["title"] == "Tech!"

    arts = as_json(capsys, "articles", "--json")
    assert isinstance(arts, list) and len(arts) == 3
    assert set(arts[0]) == {"id", "title", "feed", "section", "published", "url", "read",
                            "starred"}
    assert all(isinstance(a["id"], int) for a in arts)
    assert [a["published"] for a in arts] == sorted((a["published"] for a in arts), reverse=True)
    assert len(as_json(capsys, "articles", "--section", "Tech", "--json")) == 1
    assert len(as_json(capsys, "articles", "--limit", "1", "--json")) == 1
    assert len(as_json(capsys, "articles", "--feed", filled.url("/world.xml"),
                       "--json")) == 2

    kabul = next(a for a in arts if "Kabul" in a["title"])
    shown = as_json(capsys, "show", str(kabul["id"]), "--json")
    assert isinstance(shown, dict)
    assert {"id", "title", "section", "feed", "url", "author", "published", "images",
            "body_text", "related"} <= set(shown)
    assert shown["body_text"] == "Diplomats will stay, the envoy said."
    code, text, _ = run(capsys, "show", str(kabul["id"]))
    assert code == 0 and "Embassy guarded in Kabul" in text and "Diplomats will stay" in text
    # show marks nothing read
    assert len(as_json(capsys, "articles", "--unread", "--json")) == 3

    hits = as_json(capsys, "search", "kabul", "--json")
    assert isinstance(hits, list) and [h["id"] for h in hits] == [kabul["id"]]
    assert "**Kabul**" in hits[0]["snippet"]

    assert run(capsys, "mark", str(kabul["id"]), "--read")[0] == 0
    assert run(capsys, "mark", str(kabul["id"]), "--star")[0] == 0
    starred = as_json(capsys, "articles", "--starred", "--json")
    assert [a["id"] for a in starred] == [kabul["id"]]
    assert len(as_json(capsys, "articles", "--unread", "--json")) == 2


def test_refresh_lists_failed_feeds_on_stderr_and_exits_0(
        filled: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    filled.serve("/tech.xml", "oops", status=500, content_type="text/plain")
    code, out, err = run(capsys, "refresh", "--no-fulltext")
    assert code == 0
    assert "1 failed" in out
    assert err.startswith("failed: " + filled.url("/tech.xml")) and "500" in err
    tech = [f for f in as_json(capsys, "feeds", "--json") if f["title"] == "Tech!"]
    assert tech[0]["status"] == "error" and "500" in tech[0]["error"]


@pytest.mark.parametrize("args", [
    ["show", "999999"],
    ["mark", "999999", "--read"],
    ["articles", "--section", "Nowhere"],
    ["articles", "--feed", "http://127.0.0.1:1/none.xml"],
    ["add", "javascript:alert(1)"],
    ["add", "file:///etc/passwd"],
    ["remove", "http://127.0.0.1:1/not-subscribed.xml"],
    ["import", "/nonexistent/file.opml"],
    ["search", '"unbalanced'],
    ["show", "abc"],
])
def test_bad_input_is_one_line_and_exit_2(filled: FeedServer, home: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          args: list[str]) -> None:
    db = home / "data/readerterm.sqlite3"
    before = db.read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and err.strip()
    assert db.read_bytes() == before


def test_add_finds_the_feed_of_a_page(home: Path, server: FeedServer,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    server.serve("/feed.xml", rss("Found", [("a", "A", "x")]))
    page = server.serve("/", PAGE_WITH_FEED, content_type="text/html")
    home.joinpath("config").mkdir(parents=True)
    home.joinpath("config/feeds.toml").write_text("sections = []\n")
    code, out, _ = run(capsys, "add", page, "--section", "Blogs")
    assert code == 0 and server.url("/feed.xml") in out
    feeds = as_json(capsys, "feeds", "--json")
    assert [(f["url"], f["section"]) for f in feeds] == [
        (server.url("/feed.xml"), "Blogs")]
    assert run(capsys, "remove", server.url("/feed.xml"))[0] == 0
    assert as_json(capsys, "feeds", "--json") == []


def test_import_and_export(home: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    home.joinpath("config").mkdir(parents=True)
    home.joinpath("config/feeds.toml").write_text("sections = []\n")
    urls = tmp_path / "urls"
    urls.write_text('https://a.example/feed.xml "World"\n'
                    'exec:~/bin/evil.sh "Bad"\n'
                    'https://b.example/rss Tech "~Bee"\n'
                    'file:///etc/passwd\n')
    code, out, err = run(capsys, "import", str(urls))
    assert code == 0 and "imported 2 feeds" in out
    assert "exec:" in err and "file:" in err
    opml = run(capsys, "export")[1]
    assert opml.startswith("<?xml") and "https://a.example/feed.xml" in opml
    again = tmp_path / "again.opml"
    again.write_text(opml)
    home2 = tmp_path / "home2"
    env = {**os.environ, "READERTERM_HOME": str(home2)}
    home2.joinpath("config").mkdir(parents=True)
    home2.joinpath("config/feeds.toml").write_text("sections = []\n")
    proc = subprocess.run([sys.executable, "-m", "readerterm", "import", str(again)],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "imported 2 feeds" in proc.stdout
    feeds = json.loads(subprocess.run(
        [sys.executable, "-m", "readerterm", "feeds", "--json"], env=env, capture_output=True,
        text=True, check=True).stdout)
    assert {f["section"] for f in feeds} == {"World", "Tech"}


def test_broken_config_names_file_line_and_key(home: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = home / "config/config.toml"
    config.parent.mkdir(parents=True)
    text = "[fetch]\nper_host = 4\nmax_in_flite = 8\n"
    config.write_text(text)
    code, _, err = run(capsys, "feeds", "--json")
    assert code == 2
    assert str(config) in err and "line 3" in err and "max_in_flite" in err
    assert config.read_text() == text
    config.write_text("[fetch]\nper_host = 'four'\n")
    code, _, err = run(capsys, "feeds")
    assert code == 2 and "line 2" in err and "per_host" in err
    config.write_text("[fetch\n")
    code, _, err = run(capsys, "feeds")
    assert code == 2 and str(config) in err and "line 1" in err


def test_every_command_has_help() -> None:
    for cmd in ("", "demo", "add", "remove", "import", "export", "refresh", "feeds", "articles",
                "show", "search", "mark", "extract"):
        proc = subprocess.run([sys.executable, "-m", "readerterm", *cmd.split(), "--help"],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and "usage:" in proc.stdout, cmd
