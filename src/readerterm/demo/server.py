"""A small HTTP server for the demo data, on 127.0.0.1, inside the process.

    with DemoServer() as server:
        print(server.base_url)        # http://127.0.0.1:<random port>
        server.url("/lattice/atom.xml")

Every file of `readerterm/demo/data` is read and filled in once, at start: `{base}` becomes
the server's address and `{iso:-2h}`, `{rfc822:-2h}`, `{human:-2h}` become the start time
minus an offset, so the articles always look recent. Responses carry an ETag and a
Last-Modified and answer a matching conditional GET with 304, as a well-behaved
publisher does. Only the files of the data folder are served; nothing else on disk is
reachable, whatever the path asked for.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["DemoServer", "Request", "data_files"]

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".md": "text/markdown; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
_TEXT = (".html", ".xml", ".rss", ".json", ".svg", ".md", ".css")
_PLACEHOLDER = re.compile(r"\{(base|iso|rfc822|human)(?::(-?\d+)([mhd]))?\}")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Request:
    """One request the server answered (for tests and curiosity)."""

    method: str
    path: str
    status: int


@dataclass(frozen=True)
class _Resource:
    body: bytes
    content_type: str
    etag: str
    last_modified: str


def data_files() -> Iterator[tuple[str, Traversable]]:
    """(URL path, file) for every file of the demo data, e.g. ("/lattice/atom.xml", ...)."""
    root = resources.files("readerterm.demo").joinpath("data")
    stack: list[tuple[str, Traversable]] = [("", root)]
    while stack:
        prefix, folder = stack.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.startswith((".", "__")):
                continue
            if entry.is_dir():
                stack.append((f"{prefix}/{entry.name}", entry))
            else:
                yield f"{prefix}/{entry.name}", entry


def fill(text: str, base: str, now: datetime) -> str:
    """The text with its placeholders replaced (see the module docstring)."""

    def one(match: re.Match[str]) -> str:
        kind, amount, unit = match.group(1), match.group(2), match.group(3)
        if kind == "base":
            return base
        when = now
        if amount is not None:
            when = now + timedelta(**{_UNITS[unit]: int(amount)})
        if kind == "iso":
            return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind == "rfc822":
            return email.utils.format_datetime(when, usegmt=True)
        return f"{when.day} {when:%B %Y, %H:%M} UTC"

    return _PLACEHOLDER.sub(one, text)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection is closed after this many seconds

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo runs under a full-screen UI."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        if path.endswith("/"):
            path += "index.html"
        resource = self.server.resources.get(path)
        if resource is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8",
                       head=head)
            return
        if self._fresh(resource):
            self._record(HTTPStatus.NOT_MODIFIED)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", resource.last_modified)
            self.end_headers()
            return
        self._send(HTTPStatus.OK, resource.body, resource.content_type, head=head,
                   extra={"ETag": resource.etag, "Last-Modified": resource.last_modified,
                          "Cache-Control": "no-cache"})

    def _fresh(self, resource: _Resource) -> bool:
        """Whether the client's copy is current (If-None-Match wins over If-Modified-Since)."""
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
            return "*" in wanted or resource.etag in wanted
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
                modified = email.utils.parsedate_to_datetime(resource.last_modified)
            except (TypeError, ValueError, IndexError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return modified <= when
        return False

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, *, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _record(self, status: int) -> None:
        with self.server.lock:
            self.server.log.append(Request(self.command, urlsplit(self.path).path, int(status)))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    resources: dict[str, _Resource]
    log: list[Request]
    lock: threading.Lock


class DemoServer:
    """The demo publications over HTTP on 127.0.0.1, port chosen by the system.

    `now` fixes the clock that the date placeholders are filled from (default: the
    time of `start()`), for output that does not change from run to run.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> DemoServer:
        """Bind, load the data and serve from a daemon thread. Returns self."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler, bind_and_activate=True)
        server.lock = threading.Lock()
        server.log = []
        host, port = server.server_address[:2]
        base = f"http://{host!s}:{port}"
        now = (self._now or datetime.now(UTC)).replace(microsecond=0)
        try:
            server.resources = _load(base, now)
        except BaseException:
            server.server_close()
            raise
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="readerterm-demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (safe to call twice)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, without a trailing slash."""
        host, port = self._live().server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """The absolute URL of a path of the data, e.g. url("/lattice/atom.xml")."""
        return self.base_url + "/" + path.lstrip("/")

    @property
    def requests(self) -> list[Request]:
        """Every request answered so far, oldest first (a copy)."""
        server = self._live()
        with server.lock:
            return list(server.log)

    def _live(self) -> _Server:
        if self._server is None:
            raise RuntimeError("the demo server is not running")
        return self._server


def _load(base: str, now: datetime) -> dict[str, _Resource]:
    modified = email.utils.format_datetime(now, usegmt=True)
    out: dict[str, _Resource] = {}
    for path, entry in data_files():
        suffix = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
        body = entry.read_bytes()
        if suffix in _TEXT:
            body = fill(body.decode("utf-8"), base, now).encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        out[path] = _Resource(body, _TYPES.get(suffix, "application/octet-stream"), etag,
                              modified)
    return out
