"""Sync's parts without a FreshRSS: the server URL check, the password's home, the queue's
triggers in a real SQLite cache, server items as hostile input, and the client against a
misbehaving server on 127.0.0.1. (tests/test_sync_freshrss.py runs against the real one.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from readerterm.errors import BadInput
from readerterm.safety import TEXT_MAX
from readerterm.store.cache import Store
from readerterm.sync import check_server
from readerterm.sync.client import GReaderClient, LoginFailed, SyncError, item_number
from readerterm.sync.items import item_row
from readerterm.sync.secret import ENV, forget_password, load_password, store_password
from readerterm.sync.state import SyncState

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/api/greader.php",
                                 "http://localhost/api", "http://[::1]/api",
                                 "https://rss.example.org/api/greader.php"])
def test_server_urls_that_are_accepted(url: str) -> None:
    assert check_server(url + "/", insecure=False) == url


@pytest.mark.parametrize("url", ["http://rss.example.org/api", "ftp://127.0.0.1/api",
                                 "https://user:pw@rss.example.org/", "javascript:alert(1)",
                                 "https://rss.example.org/api?x=1", "http://10.0.0.2/api"])
def test_server_urls_that_are_refused(url: str) -> None:
    with pytest.raises(BadInput):
        check_server(url, insecure=False)


def test_insecure_allows_plain_http_elsewhere() -> None:
    assert check_server("http://rss.example.org/api", insecure=True) == \
        "http://rss.example.org/api"


def test_item_ids_in_every_form() -> None:
    assert item_number("tag:google.com,2005:reader/item/000661a74d2f3d6a") == 1796221042638186
    assert item_number("1796221042638186") == 1796221042638186
    assert item_number(42) == 42
    for bad in ("-1", "tag:google.com,2005:reader/item/zz", "", None, True, "9" * 30, [1]):
        assert item_number(bad) is None


def test_password_file_is_the_owners_and_the_environment_wins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv(ENV, raising=False)
    where = store_password(tmp_path, "https://s/api", "ann", "s3cret")
    assert where == str(tmp_path / "sync-password")
    assert stat.S_IMODE((tmp_path / "sync-password").stat().st_mode) == 0o600
    assert load_password(tmp_path, "https://s/api", "ann") == "s3cret"
    assert load_password(tmp_path, "https://s/api", "bob") is None
    monkeypatch.setenv(ENV, "from-env")
    assert load_password(tmp_path, "https://s/api", "bob") == "from-env"
    monkeypatch.delenv(ENV)
    forget_password(tmp_path, "https://s/api", "ann")
    assert load_password(tmp_path, "https://s/api", "ann") is None


def test_server_items_are_cleaned_like_feed_entries() -> None:
    item = {
        "id": "tag:google.com,2005:reader/item/00000000000000ff",
        "title": "\x1b]52;c;cHduZWQ=\x07Flood [b]warning[/b] &amp; more",
        "canonical": [{"href": "javascript:alert(1)"}],
        "alternate": [{"href": "https://news.example.org/flood"}],
        "published": 99999999999,
        "summary": {"content": "<p>" + "word " * 400_000 + "</p>"},
        "author": ["not", "a", "string"],
    }
    found = item_row(item, NOW, 250)
    assert found is not None
    number, row = found
    assert number == 255 and row.guid == "greader:255"
    assert "\x1b" not in row.title and "\x07" not in row.title
    assert row.title.endswith("Flood [b]warning[/b] & more")
    assert row.link == "https://news.example.org/flood"
    assert row.published is None  # year 5138 is no date
    assert len(row.values[4]) <= TEXT_MAX  # capped as a feed's text is
    assert item_row({"id": "not an id", "title": "x"}, NOW, 250) is None


# -- the queue ---------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store(tmp_path / "cache.sqlite3")
    yield db
    db.close()


def _article(store: Store, feed: str, guid: str, item_id: int | None) -> int:
    with store.write() as conn:
        row = conn.execute("SELECT id FROM feeds WHERE url = ?", (feed,)).fetchone()
        feed_id = row[0] if row else conn.execute(
            "INSERT INTO feeds (url) VALUES (?)", (feed,)).lastrowid
        article_id = int(conn.execute(
            "INSERT INTO articles (feed_id, guid, published, first_seen) "
            "VALUES (?, ?, '2026-01-01', '2026-01-01')", (feed_id, guid)).lastrowid or 0)
        if item_id is not None:
            conn.execute("INSERT INTO sync_items (item_id, article_id) VALUES (?, ?)",
                         (item_id, article_id))
    return article_id


def test_a_mark_is_queued_in_its_own_transaction(store: Store) -> None:
    state = SyncState(store)
    state.set_account("https://s/api", "ann", False)
    synced = _article(store, "https://f/rss", "a", 7)
    local = _article(store, "https://f/rss", "b", None)
    state.done(q.id for q in state.queued())  # the feed's subscribe
    store.mark(synced, read=True)
    store.mark(synced, starred=True)
    store.mark(local, read=True)  # not a server item: nothing to send
    assert [(q.kind, q.item_id, q.value) for q in state.queued()] == [
        ("read", 7, 1), ("starred", 7, 1)]
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("UPDATE articles SET read = 0 WHERE id = ?", (synced,))
        raise RuntimeError("crash before commit")
    assert state.queue_size() == 2  # the change and its queue row went together


def test_the_servers_state_wins_except_over_a_change_still_queued(store: Store) -> None:
    state = SyncState(store)
    state.set_account("https://s/api", "ann", False)
    one, two, three = (_article(store, "https://f/rss", g, n) for g, n in
                       (("a", 1), ("b", 2), ("c", 3)))
    state.done(q.id for q in state.queued())  # the feed's subscribe
    store.mark(two, read=True)  # queued, not sent yet
    changed = state.apply_states(unread={1, 2}, starred={3})
    assert changed == (1, 1)  # three read; three starred; two's queued read kept
    rows = dict((r[0], (r[1], r[2])) for r in store.conn.execute(
        "SELECT id, read, starred FROM articles"))
    assert rows == {one: (0, 0), two: (1, 0), three: (1, 1)}
    assert [(q.kind, q.item_id) for q in state.queued()] == [("read", 2)]  # no echo


def test_subscription_changes_are_queued_only_while_syncing(store: Store) -> None:
    state = SyncState(store)
    store.sync_feeds([("https://a/rss", "", "News", True)])
    assert state.queue_size() == 0
    state.set_account("https://s/api", "ann", False)
    store.sync_feeds([("https://a/rss", "", "World", True), ("https://b/rss", "B", "Tech", True)])
    store.ensure_feed("readerterm:opened", "Opened links", "")
    store.sync_feeds([("https://b/rss", "B", "Tech", True)])
    assert [(q.kind, q.url, q.section) for q in state.queued()] == [
        ("move", "https://a/rss", "World"), ("subscribe", "https://b/rss", "Tech"),
        ("unsubscribe", "https://a/rss", None)]
    state.clear()
    assert state.account() is None and state.queue_size() == 0


# -- the client against a misbehaving server ----------------------------------------------


class Misbehaving:
    """A server on 127.0.0.1 answering every request with what `answer` holds."""

    def __init__(self) -> None:
        self.answer: tuple[int, dict[str, str], bytes] = (200, {}, b"")
        self.stall: threading.Event | None = None  # the answer waits until it is set
        this = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def handle(self) -> None:
                with contextlib.suppress(ConnectionError):  # a client that gave up
                    super().handle()

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._answer()

            def _answer(self) -> None:
                if this.stall is not None:
                    this.stall.wait(60)
                status, headers, body = this.answer
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api"


@pytest.fixture
def bad_server() -> Iterator[Misbehaving]:
    srv = Misbehaving()
    yield srv
    if srv.stall is not None:
        srv.stall.set()
    srv.httpd.shutdown()
    srv.httpd.server_close()


def _ask(srv: Misbehaving, answer: tuple[int, dict[str, str], bytes],
         max_bytes: int = 10_000, deadline: float = 10) -> None:
    srv.answer = answer

    async def go() -> None:
        async with GReaderClient(srv.url, "ann", "pw", deadline=deadline,
                                 max_bytes=max_bytes) as client:
            client._auth = "x"
            await client.subscriptions()

    asyncio.run(go())


def test_client_refuses_what_it_cannot_trust(bad_server: Misbehaving) -> None:
    with pytest.raises(SyncError, match="redirects"):
        _ask(bad_server, (302, {"Location": "http://127.0.0.2/"}, b""))
    with pytest.raises(SyncError, match="larger than"):
        _ask(bad_server, (200, {}, b"[" * 20_000))
    with pytest.raises(SyncError, match="not JSON"):
        _ask(bad_server, (200, {}, b"<html>"))
    with pytest.raises(SyncError, match="not a JSON object"):
        _ask(bad_server, (200, {}, b"[1]"))
    with pytest.raises(SyncError, match="HTTP 500"):
        _ask(bad_server, (500, {}, b""))
    wrong = {"subscriptions": [1, {"id": 2}, {"id": "feed/1", "url": "https://a/rss",
                                                "categories": [{"label": 3}, "x"]}]}
    bad_server.answer = (200, {}, json.dumps(wrong).encode())

    async def subs() -> list[str]:
        async with GReaderClient(bad_server.url, "ann", "pw") as client:
            client._auth = "x"
            return [s.url for s in await client.subscriptions()]

    assert asyncio.run(subs()) == ["https://a/rss"]


def test_a_refused_login_is_login_failed(bad_server: Misbehaving) -> None:
    bad_server.answer = (401, {}, b"Unauthorized!")

    async def login() -> None:
        async with GReaderClient(bad_server.url, "ann", "pw") as client:
            await client.login()

    with pytest.raises(LoginFailed):
        asyncio.run(login())


def test_a_server_that_never_answers_is_given_up_on(bad_server: Misbehaving) -> None:
    bad_server.stall = threading.Event()
    with pytest.raises(SyncError, match="timed out"):
        _ask(bad_server, (200, {}, b"{}"), deadline=0.5)
