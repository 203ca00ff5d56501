"""Shared test fixtures: a real HTTP server on 127.0.0.1 and a readerterm home in tmp.

No mocks: feeds are served over real sockets, the cache is a real SQLite file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tmux_session import Tmux

DATA = Path(__file__).parent / "data"


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True  # ETag / Last-Modified / 304
    gate: threading.Event | None = None  # the answer waits until it is set


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 serving `routes`; counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def handle(self) -> None:
                # A client that stops reading after the status line (an HTTP error) may
                # reset the kept-alive connection: not an error, and not for stderr.
                with contextlib.suppress(ConnectionError):
                    super().handle()

            def do_GET(self) -> None:
                path = self.path
                route = server.routes.get(path)
                if route is None:
                    self._answer(404, b"not found", {"Content-Type": "text/plain"})
                    server._hit(path, 404)
                    return
                if route.gate is not None:
                    route.gate.wait(30)
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.conditional and route.status == 200:
                    etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    stamp = formatdate(1_700_000_000 + len(route.body), usegmt=True)
                    headers["ETag"] = etag
                    headers["Last-Modified"] = stamp
                    if self.headers.get("If-None-Match") == etag:
                        server._hit(path, 304)
                        self._answer(304, b"", {"ETag": etag})
                        return
                server._hit(path, route.status)
                self._answer(route.status, route.body, headers)

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _hit(self, path: str, status: int) -> None:
        with self.lock:
            self.hits.setdefault(path, []).append(status)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str, **kw: object) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, target: str, status: int = 301) -> str:
        self.routes[path] = Route(status=status, headers={"Location": target},
                                  conditional=False)
        return self.url(path)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


LOOPBACK = ("127.", "localhost", "::1")
_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host: object, *args: object, **kwargs: object) -> object:
    name = host.decode() if isinstance(host, bytes) else str(host)
    if not name.startswith(LOOPBACK):
        raise socket.gaierror(socket.EAI_NONAME, f"tests resolve loopback names only: {name}")
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches past 127.0.0.1: any other name fails to resolve, as offline."""
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty READERTERM_HOME for this test."""
    folder = tmp_path / "home"
    monkeypatch.setenv("READERTERM_HOME", str(folder))
    return folder


def rss(title: str, items: list[tuple[str, str, str]], link: str = "http://example.org/") -> str:
    """A small RSS 2.0 feed: items are (guid, title, description)."""
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>http://example.org/{g}</link>"
        f"<description>{d}</description><pubDate>Mon, 0{i % 9 + 1} Jun 2026 10:00:00 GMT"
        f"</pubDate></item>"
        for i, (g, t, d) in enumerate(items)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>{link}</link>{body}</channel></rss>")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A tmux server of its own, killed after the test."""
    socket = f"readerterm-test-{os.getpid()}-{tmp_path.name}"
    t = Tmux(socket)
    yield t
    t("kill-server", check=False)
