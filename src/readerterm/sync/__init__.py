"""Sync with a Google Reader API server (FreshRSS, Miniflux, Inoreader, The Old Reader...).

With sync on, the server holds the subscriptions, their sections (its labels), the items
and their read and starred state; readerterm still fetches article pages itself for full
text. `setup` checks the login and keeps the account (the password apart: `secret`);
`sync_now` (engine.py) syncs once; local changes wait in the cache's queue (state.py,
filled by triggers in the same transaction as the change) until a sync sends them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from readerterm.errors import BadInput
from readerterm.sync.client import GReaderClient, LoginFailed, SyncError
from readerterm.sync.engine import NotSetUp, SyncReport, as_refresh_report, sync_now
from readerterm.sync.secret import forget_password, store_password
from readerterm.sync.state import SyncState

if TYPE_CHECKING:
    from readerterm.library import Library
    from readerterm.store.cache import Store

__all__ = ["LoginFailed", "NotSetUp", "SyncError", "SyncReport", "SyncStatus",
           "as_refresh_report", "check_server", "setup", "status", "sync_now", "syncing",
           "turn_off"]


def syncing(store: Store) -> bool:
    """Whether sync is set up in this cache."""
    return store.conn.execute("SELECT 1 FROM sync_account").fetchone() is not None


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server(url: str, insecure: bool) -> str:
    """The server URL as kept (no trailing slash); BadInput for one readerterm refuses:
    not http(s), user info, a query, or plain http to a host that is not this machine
    without `insecure`."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        raise BadInput(f"not a server URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise BadInput(f"not an http(s) server URL: {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise BadInput("give the server URL without a user, password, query or fragment")
    if parts.scheme == "http" and not _loopback(host) and not insecure:
        raise BadInput(f"refusing plain http:// to {host}: the password would cross the "
                       "network unencrypted (use https://, or --insecure)")
    return url.strip().rstrip("/")


async def setup(lib: Library, url: str, user: str, password: str, insecure: bool) -> str:
    """Check the login, then keep the account; returns where the password went.
    Raises BadInput, LoginFailed or SyncError; nothing is kept then."""
    server = check_server(url, insecure)
    if not user or not password:
        raise BadInput("a user name and a password are needed")
    fetch = lib.settings.fetch
    async with GReaderClient(server, user, password, deadline=fetch.deadline,
                             max_bytes=fetch.max_bytes) as client:
        await client.login()
        await client.token()
    where = store_password(lib.paths.data_dir, server, user, password)
    SyncState(lib.store).set_account(server, user, insecure)
    return where


@dataclass(frozen=True)
class SyncStatus:
    server: str | None
    user: str | None
    last_sync: str | None
    last_error: str | None
    waiting: int

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.server is not None, "server": self.server, "user": self.user,
                "last_sync": self.last_sync, "last_error": self.last_error,
                "waiting": self.waiting}


def status(lib: Library) -> SyncStatus:
    state = SyncState(lib.store)
    account = state.account()
    if account is None:
        return SyncStatus(None, None, None, None, 0)
    return SyncStatus(account.server, account.user, account.last_sync, account.last_error,
                      state.queue_size())


def turn_off(lib: Library) -> bool:
    """Forget the account, its password and its queue; the cached articles and feeds.toml
    stay (readerterm fetches the feeds itself again). False when sync was off."""
    state = SyncState(lib.store)
    account = state.account()
    if account is None:
        return False
    state.clear()
    forget_password(lib.paths.data_dir, account.server, account.user)
    return True
