"""The fetch bounds of SECURITY.md rule 5, against a misbehaving server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import threading
import time
import typing
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from readerterm import USER_AGENT
from readerterm.net import Fetcher, FetchResult, parse_retry_after
from readerterm.safety import now_utc

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
BOMB = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MiB of zeros in ~50 KB
DOUBLE = gzip.compress(gzip.compress(b"\0" * (20 * 1024 * 1024)))


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_agents: typing.ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # the client hung up on purpose
            super().handle()

    def send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Hostile.seen_agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/ok":
            self.send(200, FEED, Content_Type="application/rss+xml")
        elif path == "/gzip":
            self.send(200, gzip.compress(FEED), Content_Encoding="gzip")
        elif path == "/deflate":
            self.send(200, zlib.compress(FEED), Content_Encoding="deflate")
        elif path == "/bomb":
            self.send(200, BOMB, Content_Encoding="gzip")
        elif path == "/double":
            self.send(200, DOUBLE, Content_Encoding="gzip, gzip")
        elif path == "/huge":
            self.send(200, b"x" * (3 * 1024 * 1024))
        elif path == "/lie":
            # No length at all: the body runs until the server closes, 3 MB of it.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"y" * (3 * 1024 * 1024))
        elif path == "/short":
            # Claims 10 bytes, then sends 3 MB: only the 10 are read.
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"y" * (3 * 1024 * 1024))
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        elif path.startswith("/loop"):
            self.send(302, b"", Location="/loop" + str(len(path)))
        elif path == "/to-file":
            self.send(301, b"", Location="file:///etc/passwd")
        elif path == "/to-javascript":
            self.send(302, b"", Location="javascript:alert(1)")
        elif path == "/to-data":
            self.send(301, b"", Location="data:text/html,<script>alert(1)</script>")
        elif path == "/to-invalid":
            self.send(302, b"", Location="http://example.invalid/feed")
        elif path == "/busy":
            self.send(503, b"busy", Retry_After="120")
        else:
            self.send(404, b"no")


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(url: str, deadline: float = 2.0, **kw: object) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(max_bytes=1024 * 1024, deadline=deadline, **kw) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_plain_gzip_and_deflate_bodies(hostile: str) -> None:
    for path in ("/ok", "/gzip", "/deflate"):
        result = fetch(hostile + path)
        assert result.ok and result.body == FEED, path
    assert Hostile.seen_agents[-1] == USER_AGENT and "readerterm/" in USER_AGENT


@pytest.mark.parametrize("path, error", [
    ("/bomb", "body larger than 1048576 bytes once inflated"),  # counted after inflating
    ("/huge", "body of 3145728 bytes is over the 1048576-byte cap"),  # refused by its length
    ("/lie", "body larger than 1048576 bytes"),  # no length: counted as it comes
])
def test_byte_cap(hostile: str, path: str, error: str) -> None:
    # A deadline far off: the cap must stop these, not the clock (on a loaded machine
    # 2 s was seen to pass first).
    result = fetch(hostile + path, deadline=30.0)
    assert not result.ok
    assert result.error == error
    assert len(result.body) == 0


def test_a_short_content_length_is_all_that_is_read(hostile: str) -> None:
    result = fetch(hostile + "/short")
    assert result.ok and result.body == b"y" * 10


def test_stacked_encodings_are_refused(hostile: str) -> None:
    result = fetch(hostile + "/double")
    assert not result.ok and "content-encoding" in (result.error or "")


def test_total_deadline_beats_a_drip(hostile: str) -> None:
    start = time.monotonic()
    result = fetch(hostile + "/drip")
    assert not result.ok and "timed out" in (result.error or "")
    assert time.monotonic() - start < 5  # deadline 2 s, generous margin on a busy machine


def test_redirects_are_bounded_and_checked(hostile: str) -> None:
    loop = fetch(hostile + "/loop")
    assert not loop.ok and "redirects" in (loop.error or "")
    to_file = fetch(hostile + "/to-file")
    assert not to_file.ok and "refused location" in (to_file.error or "")
    to_invalid = fetch(hostile + "/to-invalid")
    # The redirect was followed (the last answer was the 302), and the .invalid host,
    # which never resolves, could not be reached.
    assert not to_invalid.ok and to_invalid.status == 302
    assert (to_invalid.error or "").startswith("cannot connect"), to_invalid.error


@pytest.mark.parametrize("path", ["/to-javascript", "/to-data"])
def test_a_redirect_httpx_cannot_build_is_an_error_not_an_exception(
        hostile: str, path: str) -> None:
    # httpx raised InvalidURL (not an HTTPError) out of fetch and the whole refresh died.
    result = fetch(hostile + path)
    assert not result.ok and "refused" in (result.error or "")


def test_retry_after(hostile: str) -> None:
    before = now_utc()
    result = fetch(hostile + "/busy")  # Retry-After: 120
    after = now_utc()
    assert result.status == 503 and result.retry_after is not None
    wait = timedelta(seconds=120)
    assert before + wait <= result.retry_after <= after + wait
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == datetime(
        2015, 10, 21, 7, 28, tzinfo=UTC)
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == now + timedelta(seconds=30)
    assert parse_retry_after("99999999", now) == now + timedelta(days=1)  # capped at a day
    assert parse_retry_after("soon") is None


def test_non_http_urls_are_not_fetched() -> None:
    for url in ("file:///etc/passwd", "javascript:alert(1)", "-http://x", "ftp://x/y"):
        result = fetch(url)
        assert not result.ok and "refused" in (result.error or "")


def test_the_suite_resolves_loopback_names_only() -> None:
    import socket

    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("feeds.example.org", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)
