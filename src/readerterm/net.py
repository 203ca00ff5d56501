"""Bounded HTTP: every fetch has a byte cap, a total deadline and at most 5 redirects.

httpx does the talking; this module decides how much it may hear (SECURITY.md rule 5):
- the body is read raw and inflated here, one Content-Encoding layer at most, with
  the size limit applied to the inflated bytes (a 495-byte gzip-in-gzip is not 200 MiB);
- the whole request, redirects included, runs under one wall-clock deadline (httpx's
  read timeout is per read and a drip feed would hold it for ever);
- each redirect hop is checked: http(s) only, at most `MAX_REDIRECTS`;
- conditional GET with ETag / Last-Modified; Retry-After on 429/503.

Nothing here raises for a network or server failure: the result carries the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx

from readerterm import USER_AGENT
from readerterm.safety import now_utc, safe_url

MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_DEADLINE = 30.0
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class FetchError(Exception):
    """A failed fetch: `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class FetchResult:
    """What one bounded request produced."""

    url: str
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str = ""
    permanent_url: str | None = None
    not_modified: bool = False
    error: str | None = None
    retry_after: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def parse_retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """Retry-After as seconds or an HTTP date; capped at one day."""
    if not value:
        return None
    now = now or now_utc()
    value = value.strip()
    when: datetime | None
    if value.isdigit():
        when = now + timedelta(seconds=int(value[:9]))
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    return min(when, now + timedelta(days=1))


class _Inflater:
    """At most one Content-Encoding layer, inflated under a size limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        layers = [e.strip().lower() for e in encoding.split(",") if e.strip()]
        layers = [e for e in layers if e != "identity"]
        if len(layers) > 1:
            raise FetchError(f"refused: {len(layers)} content-encoding layers ({encoding})")
        self.kind = layers[0] if layers else ""
        if self.kind in ("gzip", "x-gzip"):
            self.obj: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.kind == "deflate":
            self.obj = None  # decided on the first bytes: zlib-wrapped or raw
        elif self.kind:
            raise FetchError(f"refused: unsupported content-encoding {self.kind!r}")
        else:
            self.obj = None
        self.limit = limit
        self.out = bytearray()

    def feed(self, chunk: bytes) -> None:
        if not self.kind:
            self.out += chunk
        else:
            if self.obj is None:
                wbits = zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS
                self.obj = zlib.decompressobj(wbits)
            room = self.limit + 1 - len(self.out)
            try:
                self.out += self.obj.decompress(chunk, max(room, 1))
            except zlib.error as exc:
                raise FetchError(f"bad {self.kind} body: {exc}") from None
            if self.obj.unconsumed_tail and len(self.out) > self.limit:
                raise FetchError(f"body larger than {self.limit} bytes once inflated")
        if len(self.out) > self.limit:
            raise FetchError(f"body larger than {self.limit} bytes")

    def finish(self) -> bytes:
        if self.obj is not None and self.kind:
            with contextlib.suppress(zlib.error):
                self.out += self.obj.flush()[: self.limit + 1 - len(self.out)]
        if len(self.out) > self.limit:
            raise FetchError(f"body larger than {self.limit} bytes")
        return bytes(self.out)


class Fetcher:
    """An httpx.AsyncClient with limits: global requests in flight and per host.

    Use as `async with Fetcher(...) as fetcher: await fetcher.fetch(url)`.
    """

    def __init__(
        self,
        *,
        max_in_flight: int = 16,
        per_host: int = 6,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deadline: float = DEFAULT_DEADLINE,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.deadline = deadline
        self._global = asyncio.Semaphore(max(1, max_in_flight))
        self._per_host_n = max(1, per_host)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host_n)
        )
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(min(deadline, 15.0), connect=min(deadline, 10.0)),
            limits=httpx.Limits(
                max_connections=max(1, max_in_flight),
                max_keepalive_connections=max(1, max_in_flight),
            ),
            transport=transport,
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url` within the bounds (`max_bytes`, when given, a tighter byte cap for
        this request only). Never raises for network or HTTP failures."""
        result = FetchResult(url=url, final_url=url)
        host = urlsplit(url).hostname or ""
        try:
            async with self._global, self._hosts[host]:
                async with asyncio.timeout(self.deadline):
                    await self._fetch(result, etag, last_modified, accept,
                                      min(max_bytes or self.max_bytes, self.max_bytes))
        except TimeoutError:
            result.error = f"timed out after {self.deadline:g} s"
        except FetchError as exc:
            result.error = str(exc)
            if exc.status:
                result.status = exc.status
        except httpx.HTTPError as exc:
            result.error = _describe(exc)
        except (OSError, ValueError) as exc:  # odd URLs, sockets
            result.error = f"{type(exc).__name__}: {exc}"
        return result

    async def _fetch(
        self, result: FetchResult, etag: str | None, last_modified: str | None, accept: str,
        max_bytes: int,
    ) -> None:
        url = result.url
        permanent_chain = True
        for hop in range(MAX_REDIRECTS + 1):
            checked = safe_url(url)
            if checked is None:
                raise FetchError(f"refused URL {url[:200]!r}: only http(s) links are fetched")
            headers = {"Accept": accept}
            if hop == 0 or url == result.url:
                if etag:
                    headers["If-None-Match"] = etag
                if last_modified:
                    headers["If-Modified-Since"] = last_modified
            request = self._client.build_request("GET", checked, headers=headers)
            try:
                response = await self._client.send(request, stream=True)
            except httpx.InvalidURL as exc:
                # httpx builds the next request of any redirect, even unfollowed, and
                # raises this (not an HTTPError) for a Location such as "javascript:x".
                raise FetchError(f"refused: the server sent an unusable URL ({exc})") from None
            try:
                status = response.status_code
                result.status = status
                result.final_url = checked
                if status in (301, 302, 303, 307, 308):
                    location = response.headers.get("location")
                    target = safe_url(location, checked) if location else None
                    if target is None:
                        raise FetchError(
                            f"redirect {status} to a refused location {str(location)[:200]!r}",
                            status,
                        )
                    permanent_chain = permanent_chain and status in (301, 308)
                    if permanent_chain:
                        result.permanent_url = target
                    url = target
                    continue
                result.headers = {k.lower(): v for k, v in response.headers.items()}
                if status == 304:
                    result.not_modified = True
                    return
                if status in (429, 503):
                    result.retry_after = parse_retry_after(response.headers.get("retry-after"))
                if status >= 400:
                    raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), status)
                result.body = await self._read_body(response, max_bytes)
                return
            finally:
                await response.aclose()
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    async def _read_body(self, response: httpx.Response, max_bytes: int) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"body of {declared} bytes is over the {max_bytes}-byte cap")
        inflater = _Inflater(response.headers.get("content-encoding", ""), max_bytes)
        raw = 0
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            if raw > max_bytes:
                raise FetchError(f"body larger than {max_bytes} bytes")
            inflater.feed(chunk)
        return inflater.finish()


def _describe(exc: httpx.HTTPError) -> str:
    name = type(exc).__name__
    text = str(exc) or name
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out: {name}"
    return f"{name}: {text}"[:300]
