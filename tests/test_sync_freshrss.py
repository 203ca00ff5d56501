"""Sync against a real FreshRSS (tests/freshrss.py; skipped where READERTERM_TEST_FRESHRSS
is not set). readerterm runs as the user runs it, `python -m readerterm` in a child
process with its own READERTERM_HOME; the server's state is checked through its API.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import FeedServer
from freshrss import PASSWORD, USER, Api, FreshRSS, service_dir, unpack
from readerterm.library import Library
from readerterm.sync.pages import IN_PROCESSES_FROM


@pytest.fixture(scope="session")
def freshrss_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    service = service_dir()
    return service, unpack(service, tmp_path_factory.mktemp("freshrss-app"))


@pytest.fixture
def freshrss(freshrss_tree: tuple[Path, Path], tmp_path: Path) -> Iterator[FreshRSS]:
    service, tree = freshrss_tree
    srv = FreshRSS(service, tree, tmp_path / "freshrss-data")
    srv.install()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def api(freshrss: FreshRSS) -> Iterator[Api]:
    client = Api(freshrss.api)
    yield client
    client.close()


def feed(server: FeedServer, name: str, count: int) -> str:
    """A feed of `count` items served on 127.0.0.1; article links stay on 127.0.0.1."""
    items = "".join(
        f"<item><guid>{name}-{i}</guid><title>{name} story {i}</title>"
        f"<link>{server.url(f'/{name}/{i}.html')}</link>"
        f"<description>What happened in {name}, part {i}.</description>"
        f"<pubDate>Mon, 0{i % 9 + 1} Jun 2026 10:00:00 GMT</pubDate></item>"
        for i in range(count))
    body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{name} news</title><link>{server.base}/</link>{items}</channel></rss>")
    return server.serve(f"/{name}.xml", body)


class Home:
    """readerterm as a user runs it, in its own home."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {k: v for k, v in os.environ.items() if k != "READERTERM_SYNC_PASSWORD"}
        self.env.update(READERTERM_HOME=str(path),
                        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "readerterm", *args]

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), input=stdin, env=self.env, text=True,
                              capture_output=True, timeout=300, check=False)

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def setup(self, api_url: str) -> None:
        done = self.run("sync", "setup", api_url, "--user", USER, "--password-stdin",
                        stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr

    def articles(self) -> dict[str, dict[str, Any]]:
        return {a["title"]: a for a in json.loads(self.ok("articles", "--json"))}

    def waiting(self) -> int:
        return int(json.loads(self.ok("sync", "status", "--json"))["waiting"])


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


def item_ids(api: Api) -> dict[str, int]:
    """Title -> server item id."""
    return {i["title"]: int(i["id"].rsplit("/", 1)[1], 16) for i in api.items()}


def test_setup_then_sync_brings_the_servers_feed_and_items(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home) -> None:
    api.subscribe(feed(server, "harbour", 3), label="World")
    home.setup(freshrss.api)

    report = json.loads(home.ok("sync", "--json"))

    assert (report["feeds"], report["new_items"]) == (1, 3)
    articles = home.articles()
    assert sorted(articles) == [f"harbour story {i}" for i in range(3)]
    assert {a["section"] for a in articles.values()} == {"World"}
    assert "harbour.xml" in (home.path / "config" / "feeds.toml").read_text()
    # the password is in a file only its owner can read, never in config.toml
    secret = home.path / "data" / "sync-password"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert PASSWORD not in (home.path / "config" / "config.toml").read_text()
    status = json.loads(home.ok("sync", "status", "--json"))
    assert status["enabled"] and status["last_sync"] and status["waiting"] == 0
    assert home.ok("sync", "off").strip() == "sync turned off"
    assert not secret.exists()
    assert json.loads(home.ok("sync", "status", "--json"))["enabled"] is False
    assert sorted(home.articles()) == [f"harbour story {i}" for i in range(3)]  # kept


def test_wrong_password_exits_2_with_one_line(freshrss: FreshRSS, home: Home) -> None:
    done = home.run("sync", "setup", freshrss.api, "--user", USER, "--password-stdin",
                    stdin="not-the-password\n")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "refused" in done.stderr
    assert json.loads(home.ok("sync", "status", "--json"))["enabled"] is False


def test_read_and_starred_go_both_ways(freshrss: FreshRSS, api: Api, server: FeedServer,
                                       home: Home) -> None:
    api.subscribe(feed(server, "valley", 3))
    home.setup(freshrss.api)
    home.ok("sync")
    local = home.articles()
    remote = item_ids(api)

    home.ok("mark", str(local["valley story 0"]["id"]), "--read")
    home.ok("mark", str(local["valley story 1"]["id"]), "--star")
    assert home.waiting() == 2
    home.ok("sync")

    assert home.waiting() == 0
    assert remote["valley story 0"] not in api.unread()
    assert api.starred() == {remote["valley story 1"]}
    # marked read on the server: read here after the next sync
    api.post("edit-tag", [("i", str(remote["valley story 2"])),
                          ("a", "user/-/state/com.google/read")])
    home.ok("sync")
    after = home.articles()
    assert after["valley story 2"]["read"] is True
    assert after["valley story 0"]["read"] is True and after["valley story 1"]["starred"]
    assert after["valley story 1"]["read"] is False


def test_changes_made_while_the_server_is_down_reach_it_later(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home) -> None:
    api.subscribe(feed(server, "ferry", 3))
    home.setup(freshrss.api)
    home.ok("sync")
    local = home.articles()
    remote = item_ids(api)
    freshrss.stop()

    home.ok("mark", str(local["ferry story 0"]["id"]), "--read")
    home.ok("mark", str(local["ferry story 1"]["id"]), "--star")
    home.ok("mark", str(local["ferry story 2"]["id"]), "--read")
    offline = home.run("sync")
    assert offline.returncode == 1
    assert len(offline.stderr.strip().splitlines()) == 1
    assert home.waiting() == 3

    freshrss.start()
    home.ok("sync")
    assert home.waiting() == 0
    assert api.unread().isdisjoint({remote["ferry story 0"], remote["ferry story 2"]})
    assert api.starred() == {remote["ferry story 1"]}


class HoldingProxy:
    """An HTTP proxy to the server that, once armed, passes the first edit-tag on to the
    server and then holds its answer until released: readerterm is killed while it
    waits, after the server has applied part of what it sent."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.armed = False
        self.sent = threading.Event()
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._forward(b"")

            def do_POST(self) -> None:
                self._forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def _forward(self, body: bytes) -> None:
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("authorization", "content-type")}
                answer = httpx.request(self.command, proxy.target + self.path, content=body,
                                       headers=headers, timeout=30, trust_env=False)
                if proxy.armed and "edit-tag" in self.path:
                    proxy.sent.set()
                    proxy.release.wait(60)
                    self.close_connection = True
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def test_sync_killed_while_sending_loses_no_change(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home) -> None:
    api.subscribe(feed(server, "comet", 3))
    proxy = HoldingProxy(freshrss.base)
    try:
        home.setup(proxy.url + "/api/greader.php")
        home.ok("sync")
        local = home.articles()
        remote = item_ids(api)
        home.ok("mark", str(local["comet story 0"]["id"]), "--read")
        home.ok("mark", str(local["comet story 1"]["id"]), "--read")
        home.ok("mark", str(local["comet story 2"]["id"]), "--star")

        proxy.armed = True
        child = subprocess.Popen(home.command("sync"), env=home.env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            assert proxy.sent.wait(120), "readerterm never sent its changes"
            child.kill()  # SIGKILL, with one edit-tag applied but not answered
        finally:
            child.wait(60)
        assert child.returncode == -9
        proxy.armed = False
        proxy.release.set()

        assert home.waiting() == 3
        home.ok("sync")
    finally:
        proxy.close()
    assert home.waiting() == 0
    assert api.unread().isdisjoint({remote["comet story 0"], remote["comet story 1"]})
    assert api.starred() == {remote["comet story 2"]}


def test_add_move_remove_change_the_servers_subscriptions(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home) -> None:
    kept = feed(server, "kept", 2)
    api.subscribe(kept)
    home.setup(freshrss.api)
    home.ok("sync")
    added = feed(server, "added", 2)
    gone = feed(server, "gone", 2)
    home.ok("add", added, "--section", "Science")
    home.ok("add", gone)
    home.ok("remove", kept)
    home.ok("remove", gone)  # added and removed between two syncs
    assert home.waiting() == 4
    home.ok("sync")

    subs = {s["url"]: s for s in api.get("subscription/list")["subscriptions"]}
    assert list(subs) == [added]
    assert [c["label"] for c in subs[added]["categories"]] == ["Science"]
    assert sorted(home.articles()) == ["added story 0", "added story 1"]


def synced_library(freshrss: FreshRSS, api: Api, feed_url: str, home: Home,
                   monkeypatch: pytest.MonkeyPatch) -> Library:
    """The library of `home`, in this process, set up to sync `feed_url` from the server."""
    api.subscribe(feed_url)
    home.setup(freshrss.api)
    monkeypatch.setenv("READERTERM_HOME", str(home.path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return Library.open()


def test_the_readers_refresh_syncs_and_says_when_the_server_is_away(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home,
        monkeypatch: pytest.MonkeyPatch) -> None:
    lib = synced_library(freshrss, api, feed(server, "moss", 2), home, monkeypatch)
    try:
        steps: list[str] = []
        report = asyncio.run(lib.refresh(progress=lambda s, d, t, label: steps.append(label)))
        assert (report.feeds, report.new_articles, report.failed) == (1, 2, [])
        assert "sync: new items" in steps
        freshrss.stop()
        report = asyncio.run(lib.refresh())
        assert [url for url, _ in report.failed] == [freshrss.api]
        assert "cannot connect" in report.failed[0][1]
    finally:
        lib.close()


async def test_the_reader_syncs_on_start_and_keeps_a_mark_made_offline(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Static

    from readerterm.tui.app import ReaderApp

    lib = synced_library(freshrss, api, feed(server, "whale", 2), home, monkeypatch)
    try:
        app = ReaderApp(lib, refresh_on_start=True)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            assert app.articles.total == 2
            assert "2 new articles" in str(app.query_one("#status-message", Static).render())
            freshrss.stop()
            app.set_focus(app.articles)
            await pilot.press("m")  # read, while the server is away
            await pilot.press("R")
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            assert str(app.query_one("#status-message", Static).render()).startswith("Offline")
    finally:
        lib.close()
    assert home.waiting() == 1
    freshrss.start()
    home.ok("sync")
    assert len(api.unread()) == 1


def test_a_feed_marked_read_as_a_whole_is_one_mark_all_as_read(
        freshrss: FreshRSS, api: Api, server: FeedServer, home: Home) -> None:
    api.subscribe(feed(server, "bulk", IN_PROCESSES_FROM + 10))  # read in the parser processes
    api.subscribe(feed(server, "other", 3))
    home.setup(freshrss.api)
    assert json.loads(home.ok("sync", "--json"))["new_items"] == IN_PROCESSES_FROM + 13
    # what the reader's mark-all-read does: one UPDATE of the feed's articles
    with sqlite3.connect(home.path / "data" / "readerterm.sqlite3") as conn:
        conn.execute("UPDATE articles SET read = 1 WHERE feed_id = "
                     "(SELECT id FROM feeds WHERE url LIKE '%/bulk.xml')")
    assert home.waiting() == IN_PROCESSES_FROM + 10
    home.ok("sync")

    assert home.waiting() == 0
    remote = item_ids(api)
    assert api.unread() == {remote[f"other story {i}"] for i in range(3)}
    log = (freshrss.data / "server.log").read_text()
    assert log.count("mark-all-as-read") == 1 and "edit-tag" not in log
