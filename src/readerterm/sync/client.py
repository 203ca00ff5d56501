"""A Google Reader API client (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux...).

Every request is bounded like a feed fetch (SECURITY.md rule 5): one wall-clock deadline,
a byte cap counted on the bytes received and inflated (one Content-Encoding layer), no
redirects followed. Answers are read as untrusted JSON: anything of the wrong shape is
dropped, never trusted.

Measured against FreshRSS 1.24: ClientLogin answers 401 to a wrong password; a write
with a stale `T` token answers 401 (the token is fetched again once); `edit-tag` applies
one `a=` or `r=` per request, but takes many `i=`; `stream/items/ids` gives decimal ids,
`stream/contents` the long form `tag:google.com,2005:reader/item/<16 hex digits>`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from readerterm import USER_AGENT
from readerterm.net import FetchError, _Inflater

__all__ = ["READ", "READING_LIST", "STARRED", "GReaderClient", "LoginFailed", "Subscription",
           "SyncError", "item_number", "label_stream"]

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
_LABEL = "user/-/label/"
_ITEM_PREFIX = "tag:google.com,2005:reader/item/"
EDIT_BATCH = 250
"""Item ids in one edit-tag request (FreshRSS applies one `a=` per request, many `i=`)."""
PAGE = 1000
"""Items asked for in one page of a stream."""


class SyncError(Exception):
    """The server could not be reached, or answered something we cannot use."""


class LoginFailed(SyncError):
    """The server refused the user name and password."""


@dataclass(frozen=True)
class Subscription:
    """One feed the user has on the server."""

    stream_id: str
    url: str
    title: str
    labels: tuple[str, ...]


def label_stream(name: str) -> str:
    return _LABEL + name


def item_number(raw: Any) -> int | None:
    """A server item id (decimal, long form, or 16 hex digits) as an integer; None when
    it is neither."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 <= raw < 2**64 else None
    if not isinstance(raw, str) or len(raw) > 80:
        return None
    text = raw.strip()
    try:
        if text.startswith(_ITEM_PREFIX):
            value = int(text[len(_ITEM_PREFIX):], 16)
        elif text.startswith("-") is False and text.isdigit():
            value = int(text)
        else:
            return None
    except ValueError:
        return None
    return value if 0 <= value < 2**64 else None


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class GReaderClient:
    """One user's session with a Google Reader API server at `base` (the API's root,
    such as https://example.org/api/greader.php for FreshRSS)."""

    def __init__(self, base: str, user: str, password: str, *, deadline: float = 30.0,
                 max_bytes: int = 10 * 1024 * 1024,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base = base.rstrip("/")
        self.user = user
        self._password = password
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._auth: str | None = None
        self._token: str | None = None
        self._client = httpx.AsyncClient(
            follow_redirects=False, trust_env=False, transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(min(deadline, 15.0), connect=min(deadline, 10.0)))

    async def __aenter__(self) -> GReaderClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    # -- the wire ----------------------------------------------------------------------
    async def _request(self, method: str, path: str, *, params: Sequence[tuple[str, str]] = (),
                       data: Sequence[tuple[str, str]] | None = None,
                       auth: bool = True) -> tuple[int, bytes]:
        headers = {}
        content = None
        if data is not None:
            content = urlencode(list(data)).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if auth:
            if self._auth is None:
                await self.login()
            headers["Authorization"] = f"GoogleLogin auth={self._auth}"
        try:
            async with asyncio.timeout(self.deadline):
                request = self._client.build_request(method, self.base + path, params=list(params),
                                                     content=content, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        where = response.headers.get("location", "")[:200]
                        raise SyncError(f"the server redirects to {where!r}: "
                                        "set sync up with that URL")
                    inflater = _Inflater(response.headers.get("content-encoding", ""),
                                         self.max_bytes)
                    received = 0
                    async for chunk in response.aiter_raw():
                        received += len(chunk)
                        if received > self.max_bytes:
                            raise SyncError(f"answer larger than {self.max_bytes} bytes")
                        inflater.feed(chunk)
                    return response.status_code, inflater.finish()
                finally:
                    await response.aclose()
        except TimeoutError:
            raise SyncError(f"{self.base}: timed out: no answer within {self.deadline:g} s"
                            ) from None
        except FetchError as exc:
            raise SyncError(f"{self.base}: {exc}") from None
        except httpx.HTTPError as exc:
            raise SyncError(f"{self.base}: cannot connect: {type(exc).__name__}: "
                            f"{str(exc)[:200]}") from None

    async def _get_json(self, path: str, params: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
        status, body = await self._request("GET", path, params=[*params, ("output", "json")])
        if status == 401:
            self._auth = None
            status, body = await self._request("GET", path, params=[*params, ("output", "json")])
        if status != 200:
            raise SyncError(f"{self.base}{path}: HTTP {status}")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise SyncError(f"{self.base}{path}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise SyncError(f"{self.base}{path}: the answer is not a JSON object")
        return data

    async def _post(self, path: str, data: Sequence[tuple[str, str]]) -> str:
        """A write, with the T token; a stale token is fetched again once."""
        for attempt in range(2):
            token = await self.token(fresh=attempt > 0)
            status, body = await self._request("POST", path, data=[*data, ("T", token)])
            if status == 200:
                return body.decode("utf-8", "replace")
            if status != 401:
                break
        raise SyncError(f"{self.base}{path}: HTTP {status}")

    # -- session -----------------------------------------------------------------------
    async def login(self) -> None:
        """ClientLogin; raises LoginFailed for a refused user name or password."""
        status, body = await self._request(
            "POST", "/accounts/ClientLogin", auth=False,
            data=[("Email", self.user), ("Passwd", self._password)])
        if status in (401, 403):
            raise LoginFailed(f"the server at {self.base} refused the user name or password")
        if status != 200:
            raise SyncError(f"{self.base}: ClientLogin answered HTTP {status} (is this the "
                            "Google Reader API's address?)")
        for line in body.decode("utf-8", "replace").splitlines():
            if line.startswith("Auth="):
                self._auth = line[5:].strip()[:1000]
                return
        raise SyncError(f"{self.base}: ClientLogin gave no Auth token")

    async def token(self, fresh: bool = False) -> str:
        if self._token is None or fresh:
            status, body = await self._request("GET", "/reader/api/0/token")
            if status != 200:
                raise SyncError(f"{self.base}: no write token (HTTP {status})")
            self._token = body.decode("utf-8", "replace").strip()[:1000]
        return self._token

    # -- reading -----------------------------------------------------------------------
    async def subscriptions(self) -> list[Subscription]:
        data = await self._get_json("/reader/api/0/subscription/list")
        out: list[Subscription] = []
        for raw in data.get("subscriptions") or []:
            if not isinstance(raw, dict):
                continue
            stream_id, url = raw.get("id"), raw.get("url")
            if not isinstance(stream_id, str) or not isinstance(url, str):
                continue
            labels = tuple(c.get("label") for c in raw.get("categories") or []
                           if isinstance(c, dict) and isinstance(c.get("label"), str))
            title = raw.get("title")
            out.append(Subscription(stream_id, url, title if isinstance(title, str) else "",
                                    tuple(str(label) for label in labels)))
        return out

    async def stream_items(self, stream: str = READING_LIST, *, since: int | None = None,
                           page: int = PAGE) -> AsyncIterator[list[dict[str, Any]]]:
        """The stream's items, newest first, a page at a time (continuations followed);
        `since` (seconds) asks only for items the server got since then (`ot`)."""
        continuation: str | None = None
        path = "/reader/api/0/stream/contents/" + quote(stream, safe="/-")
        for _ in range(100_000):
            params = [("n", str(page))]
            if since is not None:
                params.append(("ot", str(since)))
            if continuation:
                params.append(("c", continuation))
            data = await self._get_json(path, params)
            items = [i for i in data.get("items") or [] if isinstance(i, dict)]
            yield items
            following = data.get("continuation")
            if not items or not isinstance(following, str) or not following \
                    or following == continuation:
                return
            continuation = following[:200]

    async def item_ids(self, stream: str, *, exclude: str | None = None,
                       page: int = 10_000) -> set[int]:
        """Every item id in `stream` (less those tagged `exclude`), continuations followed."""
        ids: set[int] = set()
        continuation: str | None = None
        for _ in range(100_000):
            params = [("s", stream), ("n", str(page))]
            if exclude:
                params.append(("xt", exclude))
            if continuation:
                params.append(("c", continuation))
            data = await self._get_json("/reader/api/0/stream/items/ids", params)
            refs = data.get("itemRefs") or []
            for ref in refs if isinstance(refs, list) else []:
                number = item_number(ref.get("id")) if isinstance(ref, dict) else None
                if number is not None:
                    ids.add(number)
            following = data.get("continuation")
            if not refs or not isinstance(following, str) or not following \
                    or following == continuation:
                return ids
            continuation = following[:200]
        return ids

    # -- writing -----------------------------------------------------------------------
    async def edit_tag(self, item_ids: Sequence[int], tag: str, add: bool) -> None:
        """Add or remove `tag` on the items: one tag per request (FreshRSS reads one)."""
        for start in range(0, len(item_ids), EDIT_BATCH):
            chunk = item_ids[start:start + EDIT_BATCH]
            await self._post("/reader/api/0/edit-tag",
                             [*(("i", str(i)) for i in chunk), ("a" if add else "r", tag)])

    async def mark_all_read(self, stream: str, before_usec: int) -> None:
        await self._post("/reader/api/0/mark-all-as-read",
                         [("s", stream), ("ts", str(before_usec))])

    async def quickadd(self, url: str) -> str:
        """Subscribe to `url`; returns the new stream id."""
        text = await self._post("/reader/api/0/subscription/quickadd", [("quickadd", url)])
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        stream = data.get("streamId") if isinstance(data, dict) else None
        if not isinstance(stream, str) or not stream:
            error = data.get("error") if isinstance(data, dict) else None
            raise SyncError(f"the server could not subscribe to {url}"
                            + (f": {str(error)[:200]}" if error else ""))
        return stream

    async def edit_subscription(self, stream_id: str, *, action: str = "edit",
                                title: str | None = None, add_label: str | None = None,
                                remove_labels: Sequence[str] = ()) -> None:
        """subscription/edit: `action` "edit" (title, labels) or "unsubscribe"."""
        data = [("ac", action), ("s", stream_id)]
        if title:
            data.append(("t", title))
        if add_label:
            data.append(("a", label_stream(add_label)))
        data.extend(("r", label_stream(name)) for name in remove_labels)
        await self._post("/reader/api/0/subscription/edit", data)


def item_strings(item: dict[str, Any], key: str) -> list[str]:
    """The string values of a list field of an item (categories...)."""
    return _strings(item.get(key))
