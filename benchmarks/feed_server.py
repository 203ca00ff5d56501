"""A local feed server for the refresh benchmark: N feeds x M items on loopback hosts.

    python benchmarks/feed_server.py [--feeds 200] [--items 50] [--latency 0.05] [--port 0]
                                     [--hosts 50]

It prints one line, `listening http://127.0.0.1:PORT`, then serves until killed, on that
port of 127.0.0.1 and of each of the loopback addresses 127.0.0.2 to 127.0.0.HOSTS: feed i
is at 127.0.0.(1 + i % HOSTS), so that a reader meets many hosts (one connection pool
and one DNS-free host per address), as a real subscription list does, not one:
- `/feed/<i>.xml`: feed i (RSS 2.0 for most, Atom 1.0 for every fifth), M items, each
  with a 1-3 KB HTML description (paragraphs, images, links, a list, categories);
  the text varies from item to item and from feed to feed (a seeded generator, so
  every run serves the same bytes).
- `ETag` and `Last-Modified` on every feed; `304 Not Modified` when `If-None-Match`
  matches (or, without it, when `If-Modified-Since` is not older than the feed).
- a per-request latency (asyncio sleep before answering, so it costs no CPU).
- "changed" mode: every tenth feed gains 5 new items (its 5 oldest drop out), with a
  new ETag and Last-Modified.
- `/_control?latency=SECONDS&changed=0|1`: change latency and mode while running;
  `/_stats` answers the request counts (JSON); `/urls` lists every feed URL.

HTTP/1.1 with keep-alive, written on asyncio's protocol API so that serving is a
memcpy: every body is built (and gzipped, for clients that ask) once, up front. The
client shares two cores with this server: the server must not be the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
BASE_TIME = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

_WORDS = (  # noqa: SIM905
    "harbour council election bridge ferry archive drought wells valley river mayor vote "
    "budget school teachers hospital nurses strike train station timetable tunnel road storm "
    "flood warning coast village farmers harvest market prices energy grid wind solar panels "
    "battery factory workers union talks minister parliament report inquiry court judge "
    "ruling appeal police officers museum exhibition painting library books festival music "
    "theatre players season match final coach injury scientists study data climate ocean ice "
    "glacier species forest birds migration telescope comet orbit satellite launch engineers "
    "software update security flaw patch network outage users company shares profit losses "
    "investors bank rates housing rents tenants landlord planning permission residents "
    "protest petition ambulance response times survey results families children parents "
    "neighbourhood volunteers charity donations winter shelter heating bills pensioners "
    "community history letters returned decades later found attic researchers documents "
    "quietly slowly finally again already still nearly almost perhaps suddenly said told "
    "warned announced confirmed denied agreed rejected promised expected new old first last "
    "local national regional northern southern coastal rural major minor early late public "
    "private independent official former acting"
).split()
_FIRST = (  # noqa: SIM905
    "Anna Bram Cora Dev Elin Femi Goran Hana Ivo Jun Kira Lars Mina Noor Otto Pia Quin Rosa "
    "Sami Tova"
).split()
_LAST = (  # noqa: SIM905
    "Adler Berg Costa Dahl Egan Ferro Grant Holm Ito Jansen Kovac Lund Moreau Novak Okafor "
    "Petrov Quist Rossi Silva Tanaka"
).split()
_CATEGORIES = (  # noqa: SIM905
    "World Politics Business Science Technology Health Sport Culture Climate Education "
    "Transport Local Opinion Environment Economy"
).split()


def _sentence(rng: random.Random, lo: int = 8, hi: int = 22) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + rng.choice(".....!?")


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 11))).capitalize()


def _description(rng: random.Random, feed: int, item: int) -> str:
    """1-3 KB of HTML: paragraphs with inline links, a figure, sometimes a list."""
    site = f"https://news{feed % 17}.example.org"
    target = rng.randint(1000, 3000)
    parts = [f'<figure><img src="{site}/img/{feed}/{item}.jpg" alt="{escape(_title(rng))}" '
             f'width="{rng.choice((640, 800, 1200))}" height="{rng.choice((360, 450, 675))}">'
             f"<figcaption>{escape(_sentence(rng, 6, 12))} Photo: "
             f"{rng.choice(_FIRST)} {rng.choice(_LAST)}</figcaption></figure>"]
    size = len(parts[0])
    while size < target:
        kind = rng.random()
        if kind < 0.12:
            items = "".join(f"<li>{escape(_sentence(rng, 4, 9))}</li>"
                            for _ in range(rng.randint(2, 4)))
            chunk = f"<ul>{items}</ul>"
        elif kind < 0.2:
            chunk = f"<blockquote><p>{escape(_sentence(rng))}</p></blockquote>"
        else:
            sentences = [escape(_sentence(rng)) for _ in range(rng.randint(2, 4))]
            if rng.random() < 0.6:
                word = rng.choice(_WORDS)
                sentences.insert(1, f'<a href="{site}/{word}/{rng.randint(1000, 99999)}">'
                                    f"More on {word}</a>.")
            if rng.random() < 0.3:
                sentences.append(f"<em>{escape(_sentence(rng, 3, 6))}</em>")
            chunk = "<p>" + " ".join(sentences) + "</p>"
        parts.append(chunk)
        size += len(chunk)
    return "\n".join(parts)


@dataclass
class Item:
    guid: str
    title: str
    link: str
    author: str
    categories: list[str]
    published: datetime
    html: str


def _item(feed: int, number: int) -> Item:
    rng = random.Random(feed * 1_000_003 + number)
    site = f"https://news{feed % 17}.example.org"
    slug = "-".join(rng.choice(_WORDS) for _ in range(4))
    return Item(
        guid=f"{site}/story/{feed}-{number}",
        title=_title(rng),
        link=f"{site}/{feed}/{number}/{slug}",
        author=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        categories=rng.sample(_CATEGORIES, rng.randint(1, 3)),
        published=BASE_TIME - timedelta(minutes=37 * (1000 - number) + feed),
        html=_description(rng, feed, number),
    )


def _rss(feed: int, items: list[Item], updated: datetime) -> str:
    site = f"https://news{feed % 17}.example.org"
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
           f"<title>Bench feed {feed}: {escape(_WORDS[feed % len(_WORDS)]).title()} desk</title>\n"
           f"<link>{site}/{feed}/</link>\n"
           f"<description>Stories from desk {feed}</description>\n<language>en</language>\n"
           f"<lastBuildDate>{format_datetime(updated, usegmt=True)}</lastBuildDate>\n"]
    for it in items:
        cats = "".join(f"<category>{c}</category>" for c in it.categories)
        out.append(
            f"<item>\n<title>{escape(it.title)}</title>\n<link>{it.link}</link>\n"
            f'<guid isPermaLink="false">{it.guid}</guid>\n'
            f"<pubDate>{format_datetime(it.published, usegmt=True)}</pubDate>\n"
            f"<dc:creator>{escape(it.author)}</dc:creator>\n{cats}\n"
            f"<description>{escape(it.html)}</description>\n</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def _atom(feed: int, items: list[Item], updated: datetime) -> str:
    site = f"https://news{feed % 17}.example.org"
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
           f"<title>Bench feed {feed}: {escape(_WORDS[feed % len(_WORDS)]).title()} desk</title>\n"
           f'<link rel="alternate" href="{site}/{feed}/"/>\n'
           f"<id>{site}/{feed}/</id>\n<updated>{updated.isoformat()}</updated>\n"]
    for it in items:
        cats = "".join(f'<category term="{c}"/>' for c in it.categories)
        out.append(
            f"<entry>\n<title>{escape(it.title)}</title>\n"
            f'<link rel="alternate" type="text/html" href="{it.link}"/>\n<id>{it.guid}</id>\n'
            f"<published>{it.published.isoformat()}</published>\n"
            f"<updated>{it.published.isoformat()}</updated>\n"
            f"<author><name>{escape(it.author)}</name></author>\n{cats}\n"
            f'<content type="html">{escape(it.html)}</content>\n</entry>\n')
    out.append("</feed>\n")
    return "".join(out)


@dataclass
class Body:
    """One version of one feed, ready to send."""

    data: bytes
    gzipped: bytes
    etag: str
    last_modified: str
    modified: datetime
    content_type: str


def build_feed(feed: int, items: int, changed: bool = False) -> Body:
    """Feed `feed` with `items` items; in the changed version 5 new items lead."""
    first = 1000 - items
    numbers = list(range(999, first - 1, -1))
    if changed:
        numbers = [1004, 1003, 1002, 1001, 1000, *numbers][:items]
    entries = [_item(feed, n) for n in numbers]
    updated = max(e.published for e in entries) if entries else BASE_TIME
    atom = feed % 5 == 4
    text = (_atom if atom else _rss)(feed, entries, updated)
    data = text.encode("utf-8")
    return Body(
        data=data,
        gzipped=gzip.compress(data, 6, mtime=0),
        etag='"' + hashlib.blake2b(data, digest_size=10).hexdigest() + '"',
        last_modified=format_datetime(updated, usegmt=True),
        modified=updated,
        content_type="application/atom+xml" if atom else "application/rss+xml",
    )


def is_changed_feed(feed: int) -> bool:
    """The feeds that gain items in "changed" mode: one in ten."""
    return feed % 10 == 0


@dataclass
class State:
    feeds: int
    items: int
    latency: float = 0.0
    changed: bool = False
    gzip: bool = False
    hosts: int = 1
    bodies: dict[tuple[int, bool], Body] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"200": 0, "304": 0, "other": 0})

    def body(self, feed: int) -> Body:
        changed = self.changed and is_changed_feed(feed)
        key = (feed, changed)
        if key not in self.bodies:
            self.bodies[key] = build_feed(feed, self.items, changed)
        return self.bodies[key]

    def prebuild(self) -> None:
        for feed in range(self.feeds):
            self.body(feed)
            if is_changed_feed(feed):
                self.bodies[(feed, True)] = build_feed(feed, self.items, True)


def _not_modified(body: Body, headers: dict[str, str]) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return body.etag in tags or "*" in tags
    ims = headers.get("if-modified-since")
    if ims:
        try:
            return parsedate_to_datetime(ims) >= body.modified
        except (TypeError, ValueError, IndexError):
            return False
    return False


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 GET only, keep-alive, pipelining in order."""

    def __init__(self, state: State, port: int) -> None:
        self.state = state
        self.port = port
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.task = asyncio.get_running_loop().create_task(self._serve())

    def connection_lost(self, exc: Exception | None) -> None:
        self.queue.put_nowait(None)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.queue.put_nowait(head)
        if len(self.buffer) > 65536 and self.transport:
            self.transport.close()

    async def _serve(self) -> None:
        while True:
            head = await self.queue.get()
            if head is None or self.transport is None or self.transport.is_closing():
                return
            keep = await self._answer(head)
            if not keep:
                self.transport.close()
                return

    async def _answer(self, head: bytes) -> bool:
        assert self.transport is not None
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self._send(400, {}, b"bad request\n", False)
            return False
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        keep = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
        path = urlsplit(target).path
        query = parse_qs(urlsplit(target).query)
        state = self.state
        if path == "/_control":
            if "latency" in query:
                state.latency = float(query["latency"][0])
            if "changed" in query:
                state.changed = query["changed"][0] == "1"
            if "reset" in query:
                state.counts = {"200": 0, "304": 0, "other": 0}
            self._send(200, {"Content-Type": "application/json"},
                       json.dumps({"latency": state.latency, "changed": state.changed}).encode(),
                       keep)
            return keep
        if path == "/_stats":
            self._send(200, {"Content-Type": "application/json"},
                       json.dumps(state.counts).encode(), keep)
            return keep
        if path == "/urls":
            text = "".join(f"http://{feed_host(i, state.hosts)}:{self.port}/feed/{i}.xml\n"
                           for i in range(state.feeds))
            self._send(200, {"Content-Type": "text/plain"}, text.encode(), keep)
            return keep
        if state.latency > 0:
            await asyncio.sleep(state.latency)
        if self.transport.is_closing():
            return False
        number = -1
        if path.startswith("/feed/") and path.endswith(".xml"):
            digits = path[len("/feed/"):-len(".xml")]
            number = int(digits) if digits.isdigit() else -1
        if method not in ("GET", "HEAD") or not 0 <= number < state.feeds:
            state.counts["other"] += 1
            self._send(404, {"Content-Type": "text/plain"}, b"not found\n", keep)
            return keep
        body = state.body(number)
        common = {"ETag": body.etag, "Last-Modified": body.last_modified,
                  "Cache-Control": "max-age=0"}
        if _not_modified(body, headers):
            state.counts["304"] += 1
            self._send(304, common, b"", keep)
            return keep
        state.counts["200"] += 1
        data = body.data
        common["Content-Type"] = f"{body.content_type}; charset=utf-8"
        if state.gzip and "gzip" in headers.get("accept-encoding", ""):
            data = body.gzipped
            common["Content-Encoding"] = "gzip"
            common["Vary"] = "Accept-Encoding"
        self._send(200, common, b"" if method == "HEAD" else data, keep,
                   length=len(data))
        return keep

    def _send(self, status: int, headers: dict[str, str], data: bytes, keep: bool,
              length: int | None = None) -> None:
        assert self.transport is not None
        reason = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found"}[status]
        head = [f"HTTP/1.1 {status} {reason}", "Server: readerterm-bench"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if status != 304:
            head.append(f"Content-Length: {len(data) if length is None else length}")
        head.append("Connection: " + ("keep-alive" if keep else "close"))
        self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if data:
            self.transport.write(data)


def feed_host(feed: int, hosts: int) -> str:
    """The loopback address that serves feed number `feed`."""
    return f"127.0.0.{1 + feed % max(1, hosts)}"


async def serve(state: State, port: int = 0,
                ready: asyncio.Future[int] | None = None) -> None:
    """Serve `state` on `port` of 127.0.0.1 to 127.0.0.`state.hosts` until cancelled;
    `ready` gets the port (chosen on 127.0.0.1, then taken on the others)."""
    loop = asyncio.get_running_loop()
    holder: dict[str, int] = {}
    servers = [await loop.create_server(lambda: _Protocol(state, holder["port"]), HOST,
                                        port, backlog=1024, reuse_address=True)]
    bound = servers[0].sockets[0].getsockname()[1]
    holder["port"] = bound
    for number in range(2, state.hosts + 1):
        servers.append(await loop.create_server(
            lambda: _Protocol(state, holder["port"]), f"127.0.0.{number}", bound,
            backlog=1024, reuse_address=True))
    if ready is not None:
        ready.set_result(bound)
    async with contextlib.AsyncExitStack() as stack:
        for server in servers:
            await stack.enter_async_context(server)
        await asyncio.gather(*(server.serve_forever() for server in servers))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--changed", action="store_true", help="start in changed mode")
    p.add_argument("--gzip", action="store_true", help="gzip bodies for clients that ask")
    p.add_argument("--hosts", type=int, default=50, choices=range(1, 255), metavar="1-254",
                   help="loopback addresses the feeds are spread over")
    args = p.parse_args(argv)
    state = State(args.feeds, args.items, args.latency, args.changed, args.gzip, args.hosts)
    state.prebuild()
    size = sum(len(state.body(i).data) for i in range(args.feeds))

    async def run() -> None:
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(serve(state, args.port, ready))
        port = await ready
        print(f"listening http://{HOST}:{port} ({args.feeds} feeds, {size / 1e6:.1f} MB)",
              flush=True)
        await task

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
