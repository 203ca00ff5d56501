"""One thread for a refresh's cache writes, several of them to a transaction.

A first refresh writes 200 feeds. One transaction each made 200 commits, and a commit is
where FTS5 flushes its pending terms into a new segment and merges segments: a 200-feed
refresh spent as long committing as inserting. `BatchWriter` runs every write in one
thread (so no two of our own writes wait for each other's lock) and keeps a transaction
open across writes that arrive close together: it commits when `window` seconds have
passed since it began, or when no write has come for `idle` seconds. The lock is never
held much longer than `window`, so a reader marking an article read waits at most that.

Each write is still its own unit: `Store.write` inside the batch is a savepoint, undone
alone when the write raises. A write's future is set only once the transaction holding
it has committed; when the commit fails (a full disk, say), every write in it fails with
that error, as one transaction per feed would have.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from contextlib import suppress
from functools import partial
from typing import Any

from readerterm.store.cache import Store

__all__ = ["BatchWriter"]

_Job = tuple[Future[Any], Callable[[], Any]]

WRITER_CACHE_KIB = 16384


class BatchWriter(Executor):
    """An Executor of Store writes (callables using `store.write()`), in one thread."""

    def __init__(self, store: Store, window: float = 0.25, idle: float = 0.03) -> None:
        self.store = store
        self.window = window
        self.idle = idle
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="readerterm-cache", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self._closed:
            raise RuntimeError("the writer is shut down")
        future: Future[Any] = Future()
        self._jobs.put((future, partial(fn, *args, **kwargs)))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if not self._closed:
            self._closed = True
            if cancel_futures:
                # Writes not started are dropped; the thread finishes the one it is in.
                pending: list[_Job | None] = []
                while True:
                    try:
                        pending.append(self._jobs.get_nowait())
                    except queue.Empty:
                        break
                for job in pending:
                    if job is not None:
                        job[0].cancel()
            self._jobs.put(None)
        if wait:
            self._thread.join()

    def _run(self) -> None:
        # A page cache of 16 MB instead of 2 for this connection (it ends with the
        # thread): a first refresh's index and FTS5 pages stay in it instead of being
        # read back from the WAL and written again (a quarter fewer writes).
        with suppress(sqlite3.Error):  # (a speed-up: the writes go on without it)
            self.store.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        try:
            job = self._jobs.get()
            while job is not None:
                job = self._batch(job)
        finally:
            self.store.release()  # one writer per refresh: its connection ends with it

    def _batch(self, job: _Job) -> _Job | None:
        """Run `job` and the writes that follow it closely in one transaction; return
        the write that starts the next batch (None: shut down)."""
        conn = self.store.conn
        done: list[tuple[Future[Any], Any, Exception | None]] = []
        started = time.monotonic()
        stop = False
        try:
            conn.execute("BEGIN IMMEDIATE")
            while True:
                future, call = job
                if future.set_running_or_notify_cancel():
                    try:
                        done.append((future, call(), None))
                    except Exception as exc:  # undone by its savepoint; the batch goes on
                        if not conn.in_transaction:
                            raise  # SQLite rolled back the whole transaction: all failed
                        done.append((future, None, exc))
                left = self.window - (time.monotonic() - started)
                if left <= 0:
                    break
                try:
                    next_job = self._jobs.get(timeout=min(self.idle, left))
                except queue.Empty:
                    break
                if next_job is None:
                    stop = True
                    break
                job = next_job
            conn.execute("COMMIT")
        except BaseException as exc:
            with suppress(sqlite3.Error):  # (a failed rollback must not leave writes waiting)
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            failed = [future for future, _, _ in done]
            if not job[0].done() and all(f is not job[0] for f in failed):
                failed.append(job[0])  # the write that raised, or never began
            for future in failed:
                future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            for future, result, error in done:
                if error is None:
                    future.set_result(result)
                else:
                    future.set_exception(error)
        return None if stop else self._jobs.get()
