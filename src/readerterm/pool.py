"""The parser pool of a refresh: feed bodies parsed in a thread, or in two processes
when there are many (`ParserPool`). READERTERM_PARSE=thread|process|auto overrides the
choice (tests use it)."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime

from readerterm.bodies import Parsed, parse_body, warm

__all__ = ["PARSER_NICENESS", "PROCESS_AFTER", "ParserPool"]

PROCESS_AFTER = 24
"""Bodies a refresh parses in a thread before it starts parser processes (at once when
more feeds than this have nothing to send for a 304: a first refresh)."""

PARSER_NICENESS = 10
"""How much lower the parser processes' CPU priority is than the refresh's own. The
writer (a thread of the refresh) and the requests then go first when they want a core,
and the parsers use the rest: the writer keeps up with them instead of being left with
a queue of feeds to write at the end, with one core idle (a first refresh of 200 feeds
ends about 0.4 s sooner). In the reader, the screen goes first too."""


class ParserPool:
    """Where a refresh parses feed bodies: one thread, or processes when there is much.

    Parsing is most of a refresh's CPU and holds the GIL, so with many bodies to read
    (a first refresh, a long list gone stale) two processes use two cores. A refresh
    that parses little (the common case: most feeds answer 304) never starts one.
    """

    def __init__(self) -> None:
        self.mode = os.environ.get("READERTERM_PARSE", "auto")
        self.count = 0
        self.thread: ThreadPoolExecutor | None = None
        self.pool: Executor | None = None
        self.no_processes = False

    def start(self) -> None:
        """Start the parser processes now, before the first body arrives, and without
        waiting for them: their start-up (an interpreter, lxml and the parsers
        imported, a quarter of a second here) overlaps the first fetches. Call it on
        the event loop; a thread of the loop's default executor waits for them."""
        pool = self._pool() if self.mode != "thread" else None
        if pool is None:
            return

        def spawn() -> None:
            # Shut down before they had started, or they could not start: then the
            # first body submitted meets the same error.
            with suppress(Exception):
                for _ in range(self.workers):
                    pool.submit(warm)

        asyncio.get_running_loop().run_in_executor(None, spawn)

    @property
    def workers(self) -> int:
        return min(2, os.cpu_count() or 1)

    def _pool(self) -> Executor | None:
        if self.pool is None and self.workers > 1 and not self.no_processes:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            try:
                # forkserver: never fork a process that has threads (the reader has
                # many); the server imports what a parser needs once, each worker is
                # its fork
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["readerterm.bodies", "lxml.etree"])
                self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                                initializer=os.nice,
                                                initargs=(PARSER_NICENESS,))
            except (ImportError, OSError, ValueError):
                # No working semaphores (Termux on Android, some sandboxes) or no
                # forkserver: parse in the thread, on one core.
                self.no_processes = True
        return self.pool

    def _executor(self) -> Executor:
        self.count += 1
        if self.pool is None and (
                self.mode == "process" or (self.mode == "auto" and self.count > PROCESS_AFTER)):
            self._pool()
        if self.pool is not None:
            return self.pool
        if self.thread is None:
            self.thread = ThreadPoolExecutor(1, thread_name_prefix="readerterm-parse")
        return self.thread

    async def run(self, body: bytes, headers: dict[str, str], url: str, now: datetime,
                  max_entries: int, min_words: int) -> Parsed:
        """Parse one body where `_executor` says. Never raises for the body.

        A parser process that dies (the OOM killer, a crash in a C library) breaks its
        pool and every parse in flight there. Each of those is tried once more in a new
        pool (never in this process: the body may be what killed it), so only a body
        that kills its parser again fails, as its feed's error."""
        loop = asyncio.get_running_loop()
        for _attempt in range(2):
            executor = self._executor()
            try:
                return await loop.run_in_executor(executor, parse_body, body, headers, url,
                                                  now, max_entries, min_words)
            except BrokenExecutor:
                if executor is self.pool:  # the first parse to hear of it starts a new pool
                    executor.shutdown(wait=False, cancel_futures=True)
                    self.pool = None
                    self._pool()
                if self.pool is None:
                    break  # no new pool could start
        return Parsed(error="could not parse: the parser process stopped while reading it")

    def shutdown(self) -> None:
        for executor in (self.thread, self.pool):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self.thread = self.pool = None
