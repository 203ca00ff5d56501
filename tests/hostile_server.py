"""A misbehaving HTTP server on 127.0.0.1 and the helpers that run `readerterm` against it.

Every fault of SECURITY.md rule 5 has a path here (see `FAULTS`). Good feeds are served
beside them, so a test can check that the other feeds still refresh. Nothing here talks
to anything but 127.0.0.1: targets the reader must refuse are `file:` URLs or `.invalid`
names, which never resolve.

`run_readerterm` runs the real command in a child process with a memory ceiling
(RLIMIT_AS) and a wall-clock timeout, and reports its peak RSS (from wait4), so a
regression in a bound fails a test instead of taking the machine down.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

MIB = 1024 * 1024
BOMB_SIZE = 200 * MIB  # decoded size of each bomb: far past the cap and the memory bound
ENDLESS_CHUNK = b"<item><title>more</title></item>" * 2048
# Address space for a child `readerterm` (threads reserve stacks; glibc arenas are limited
# with MALLOC_ARENA_MAX below). A normal refresh needs far less; an unbounded inflate of a
# bomb needs far more, and then fails inside the child rather than on the machine.
CHILD_AS_LIMIT = 1536 * MIB


def good_feed(name: str, n: int = 3, generation: int = 0) -> bytes:
    """A small valid RSS feed whose articles link to 127.0.0.1 only."""
    items = "".join(
        f"<item><guid>{name}-{i}</guid><title>{name} story {i} v{generation}</title>"
        f"<link>http://127.0.0.1:9/{name}/{i}</link>"
        f"<description>Body of {name} story {i}, generation {generation}.</description>"
        f"<pubDate>Mon, 0{i % 9 + 1} Jun 2026 10:00:00 GMT</pubDate></item>"
        for i in range(n)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{name}</title><link>http://127.0.0.1:9/</link>{items}"
            f"</channel></rss>").encode()


@cache
def raw_deflate_bomb() -> bytes:
    """BOMB_SIZE zeros, raw deflate (about 200 KB; what some servers send as "deflate")."""
    out = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = bytes(MIB)
    return b"".join(out.compress(block) for _ in range(BOMB_SIZE // MIB)) + out.flush()


def _checksums() -> tuple[int, int]:
    crc, adler, block = 0, 1, bytes(MIB)
    for _ in range(BOMB_SIZE // MIB):
        crc = zlib.crc32(block, crc)
        adler = zlib.adler32(block, adler)
    return crc, adler


@cache
def gzip_bomb() -> bytes:
    """BOMB_SIZE zeros, gzipped: the raw stream in a gzip header and trailer."""
    crc, _ = _checksums()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + raw_deflate_bomb() + struct.pack("<II", crc, BOMB_SIZE & 0xFFFFFFFF)


@cache
def deflate_bomb() -> bytes:
    """BOMB_SIZE zeros, zlib-wrapped deflate (the HTTP "deflate" of the RFC)."""
    _, adler = _checksums()
    return b"\x78\x9c" + raw_deflate_bomb() + struct.pack(">I", adler)


def warm_up() -> None:
    """Build the bombs before serving, so no request waits for them."""
    gzip_bomb()
    deflate_bomb()
    gzip_gzip_bomb()


@cache
def gzip_gzip_bomb() -> bytes:
    """A gzip of the gzip bomb: a few hundred bytes that become BOMB_SIZE in two layers."""
    return gzip.compress(gzip_bomb(), 9)


@dataclass(frozen=True)
class Fault:
    """One misbehaviour: its path and what the feed's error must say."""

    path: str
    description: str
    error: str | None  # a regular expression the feed's error must match (case-insensitive);
    # None: not an error at all, the feed must be read as if served well
    slow: bool = False  # ends only at the deadline
    heavy: bool = False  # decodes to far more than the memory bound if unbounded


FAULTS: tuple[Fault, ...] = (
    Fault("/gzip-bomb", "gzip bomb: 200 MiB of zeros in ~200 KB", r"larger than \d+ bytes",
          heavy=True),
    Fault("/gzip-gzip", "Content-Encoding: gzip, gzip (200 MiB in a few hundred bytes)",
          r"content-encoding layers", heavy=True),
    Fault("/gzip-in-gzip", "one gzip layer declared, a second gzip inside the body",
          r"not a feed", heavy=True),
    Fault("/deflate-bomb", "deflate (zlib) bomb", r"larger than \d+ bytes", heavy=True),
    Fault("/raw-deflate-bomb", "raw deflate bomb", r"larger than \d+ bytes", heavy=True),
    Fault("/bad-gzip", "Content-Encoding: gzip over bytes that are not gzip", r"bad gzip"),
    Fault("/brotli", "an encoding that was not asked for (br)", r"unsupported content-encoding"),
    Fault("/huge", "a 20 MB body with an honest Content-Length", r"over the \d+-byte cap",
          heavy=True),
    Fault("/huge-chunked", "a 20 MB chunked body", r"larger than \d+ bytes", heavy=True),
    Fault("/endless", "an endless chunked body", r"larger than \d+ bytes", heavy=True),
    Fault("/endless-close", "an endless body without length, delimited by close",
          r"larger than \d+ bytes", heavy=True),
    Fault("/length-lie-long", "Content-Length: 64, then megabytes", r"not a feed"),
    Fault("/length-lie-short", "Content-Length: 100000, then 20 bytes and close",
          r"RemoteProtocolError|incomplete|peer closed"),
    Fault("/drip", "one byte a second", r"timed out", slow=True),
    Fault("/stall", "headers, then silence", r"timed out", slow=True),
    Fault("/stall-before-headers", "the request is read, nothing is ever sent",
          r"timed out", slow=True),
    Fault("/redirect-loop", "a redirect to itself", r"more than 5 redirects"),
    Fault("/redirect-chain?n=50", "a chain of 50 redirects", r"more than 5 redirects"),
    Fault("/redirect-to-file", "a redirect to file:///etc/passwd", r"refused location"),
    Fault("/redirect-to-invalid", "a redirect to http://metadata.invalid/",
          r"cannot connect|Name or service|resolution|ConnectError|nodename"),
    Fault("/redirect-to-javascript", "a redirect to javascript:", r"refused"),
    Fault("/redirect-to-data", "a redirect to a data: URL", r"refused"),
    Fault("/redirect-to-dash", "a Location starting with '-' (relative: resolved against "
          "the feed URL, never an option)", r"HTTP 404"),
    # Content-Type is a hint: the body is a good UTF-8 feed declaring itself, and is read.
    Fault("/wrong-type", "a feed served as image/png; charset=utf-16", None),
    Fault("/html-page", "an HTML page instead of a feed", r"not a feed: an HTML page"),
    Fault("/empty", "200 with an empty body", r"not a feed: the body is empty"),
    Fault("/binary", "200 with random bytes", r"not a feed"),
    Fault("/status-500", "HTTP 500", r"HTTP 500"),
    Fault("/status-429", "HTTP 429 with Retry-After: 3600", r"HTTP 429"),
    Fault("/status-404", "HTTP 404", r"HTTP 404"),
    Fault("/reset", "connection reset after the request", r"reset|RemoteProtocolError|"
          r"ReadError|disconnected|closed"),
    Fault("/close-early", "the connection closes before any byte",
          r"RemoteProtocolError|disconnected|closed|ReadError"),
    Fault("/garbage-status", "not HTTP at all", r"RemoteProtocolError|Protocol|illegal|invalid"),
)

class HostileServer:
    """A threaded HTTP server on 127.0.0.1 with every fault of `FAULTS` and good feeds
    at /good/NAME (`generation` changes their content)."""

    def __init__(self, *, bombs: bool = True) -> None:
        self.generation = 0
        self.routes: dict[str, bytes] = {}  # extra feeds a test serves: path -> body
        self.hits: list[str] = []
        self.closing = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def handle(self) -> None:
                with contextlib.suppress(OSError):  # clients hang up on purpose here
                    super().handle()

            def do_GET(self) -> None:
                server.hits.append(self.path)
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        if bombs:  # about 2 s; a test that serves no bomb need not wait for them
            warm_up()
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- answers -----------------------------------------------------------------------
    def _sleep(self, seconds: float) -> None:
        self.closing.wait(seconds)

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, parse_qs(parts.query)

        def send(status: int, body: bytes, ctype: str = "application/rss+xml",
                 **headers: str) -> None:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            for key, value in headers.items():
                h.send_header(key.replace("_", "-"), value)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        def chunked(chunks: Iterator[bytes]) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            for chunk in chunks:
                if self.closing.is_set():
                    return
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.write(b"0\r\n\r\n")

        if path in self.routes:
            send(200, self.routes[path])
        elif path.startswith("/good/"):
            send(200, good_feed(path.rsplit("/", 1)[1], generation=self.generation))
        elif path.startswith("/payload/"):
            name = path.removeprefix("/payload/")
            body = (Path(__file__).parent / "data" / "hostile" / name).read_bytes()
            send(200, body)
        elif path == "/gzip-bomb":
            send(200, gzip_bomb(), Content_Encoding="gzip")
        elif path == "/gzip-gzip":
            send(200, gzip_gzip_bomb(), Content_Encoding="gzip, gzip")
        elif path == "/gzip-in-gzip":
            send(200, gzip_gzip_bomb(), Content_Encoding="gzip")
        elif path == "/deflate-bomb":
            send(200, deflate_bomb(), Content_Encoding="deflate")
        elif path == "/raw-deflate-bomb":
            send(200, raw_deflate_bomb(), Content_Encoding="deflate")
        elif path == "/bad-gzip":
            send(200, b"this is not gzip at all" * 10, Content_Encoding="gzip")
        elif path == "/brotli":
            send(200, b"\x0b\x02\x80hello\x03", Content_Encoding="br")
        elif path == "/huge":
            send(200, b"<rss>" + b" " * (20 * MIB))
        elif path == "/huge-chunked":
            chunked(ENDLESS_CHUNK for _ in range(20 * MIB // len(ENDLESS_CHUNK) + 1))
        elif path == "/endless":
            chunked(iter(lambda: ENDLESS_CHUNK, b""))
        elif path == "/endless-close":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Connection", "close")
            h.end_headers()
            h.close_connection = True
            while not self.closing.is_set():
                h.wfile.write(ENDLESS_CHUNK)
        elif path == "/length-lie-long":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", "64")
            h.end_headers()
            h.close_connection = True
            h.wfile.write(b"This is not a feed, and the rest of the body is never read. " * 2)
            for _ in range(64):
                h.wfile.write(ENDLESS_CHUNK)
        elif path == "/length-lie-short":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b"<rss version='2.0'>")
            h.wfile.flush()
            h.close_connection = True
        elif path == "/drip":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            body = good_feed("drip") * 100
            for i in range(100_000):
                if self.closing.is_set():
                    return
                h.wfile.write(body[i:i + 1])
                h.wfile.flush()
                self._sleep(1.0)
        elif path == "/stall":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", "1000")
            h.end_headers()
            h.wfile.flush()
            self._sleep(120)
        elif path == "/stall-before-headers":
            self._sleep(120)
        elif path == "/redirect-loop":
            send(302, b"", Location="/redirect-loop")
        elif path == "/redirect-chain":
            n = int(query.get("n", ["50"])[0])
            target = f"/redirect-chain?n={n - 1}" if n > 1 else "/good/chain-end"
            send(301, b"", Location=target)
        elif path == "/redirect-to-file":
            send(301, b"", Location="file:///etc/passwd")
        elif path == "/redirect-to-invalid":
            send(302, b"", Location="http://metadata.invalid/latest/meta-data/")
        elif path == "/redirect-to-javascript":
            send(302, b"", Location="javascript:alert(1)")
        elif path == "/redirect-to-data":
            send(301, b"", Location="data:application/rss+xml,<rss version='2.0'/>")
        elif path == "/redirect-to-dash":
            send(302, b"", Location="--proxy-server=http://127.0.0.1:9/")
        elif path == "/wrong-type":
            send(200, good_feed("wrongtype"), ctype="image/png; charset=utf-16")
        elif path == "/html-page":
            send(200, b"<!DOCTYPE html><html><head><title>Home</title></head>"
                 b"<body><p>Welcome</p></body></html>", ctype="text/html")
        elif path == "/empty":
            send(200, b"")
        elif path == "/binary":
            send(200, bytes(range(256)) * 64, ctype="application/octet-stream")
        elif path == "/status-500":
            send(500, b"<h1>Internal Server Error</h1>", ctype="text/html")
        elif path == "/status-429":
            send(429, b"slow down", ctype="text/plain", Retry_After="3600")
        elif path == "/status-404":
            send(404, b"not here", ctype="text/plain")
        elif path == "/reset":
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
            h.close_connection = True
            h.connection.close()
        elif path == "/close-early":
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/garbage-status":
            h.wfile.write(b"SSH-2.0-OpenSSH_9.0\r\n\x00\x01\x02 not http\r\n\r\n")
            h.close_connection = True
        else:
            send(404, b"no such fault", ctype="text/plain")


# -- a readerterm home and the real command ------------------------------------------------


def write_home(home: Path, feeds: list[tuple[str, str]], *, deadline: float = 3.0,
               max_bytes: int = 10 * MIB, fulltext: bool = False,
               extra: str = "") -> Path:
    """A READERTERM_HOME with config.toml (short deadline) and feeds.toml: (url, title)."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        f"[fetch]\ndeadline = {deadline}\nmax_bytes = {max_bytes}\n"
        f"[fulltext]\nenabled = {'true' if fulltext else 'false'}\n{extra}",
        encoding="utf-8")
    lines = ['[[sections]]\nname = "Hostile"\n']
    for url, title in feeds:
        lines.append(f"[[sections.feeds]]\nurl = {json.dumps(url)}\n"
                     f"title = {json.dumps(title)}\n")
    (config / "feeds.toml").write_text("\n".join(lines), encoding="utf-8")
    return home


@dataclass
class Run:
    """A finished `readerterm` child process."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss: int  # bytes, the child's peak resident set size

    def json(self) -> Any:
        return json.loads(self.stdout)


def _limits(as_limit: int | None) -> Callable[[], None]:
    def apply() -> None:
        if as_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        os.setsid()  # its own process group, so a timeout kills every thread and child

    return apply


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"))}
    env.update(READERTERM_HOME=str(home), MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1",
               NO_COLOR="1", COLUMNS="100")
    return env


def run_readerterm(home: Path, *args: str, timeout: float = 60.0,
                   as_limit: int | None = CHILD_AS_LIMIT,
                   preexec: Callable[[], None] | None = None) -> Run:
    """`python -m readerterm ARGS` with READERTERM_HOME=home, under a memory ceiling.

    The peak RSS comes from wait4, so it is the child's own. On timeout the child's
    process group is killed and a Run with code -9 is returned (the caller asserts).
    """
    limit = _limits(as_limit)

    def setup() -> None:
        limit()
        if preexec is not None:
            preexec()

    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "readerterm", *args], env=child_env(home),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=setup,
    )
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True),  # type: ignore[union-attr]
               threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)]  # type: ignore[union-attr]
    for thread in readers:
        thread.start()
    code, rss = _wait(proc, timeout)
    seconds = time.monotonic() - start
    for thread in readers:
        thread.join(5)
    return Run(code, b"".join(out).decode("utf-8", "replace"),
               b"".join(err).decode("utf-8", "replace"), seconds, rss)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss * 1024
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return -9, usage.ru_maxrss * 1024
        time.sleep(0.02)


def feeds_json(home: Path) -> dict[str, dict[str, Any]]:
    """What `readerterm feeds --json` prints, by title (read in this process: faster)."""
    from readerterm import paths
    from readerterm.library import Library

    lib = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
    try:
        return {f.title: {"url": f.url, "title": f.title, "status": f.status,
                          "error": f.error, "total": f.total, "unread": f.unread}
                for f in lib.feeds()}
    finally:
        lib.close()
