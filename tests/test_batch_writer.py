"""store.batch.BatchWriter: a refresh's writes, several to a transaction, on a real file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from readerterm.store.batch import WRITER_CACHE_KIB, BatchWriter
from readerterm.store.cache import Store
from readerterm.store.rows import EntryRow


def add_feed(store: Store, url: str, fail: bool = False) -> str:
    with store.write() as conn:
        conn.execute("INSERT INTO feeds (url) VALUES (?)", (url,))
        if fail:
            raise ValueError(f"broken after writing {url}")
    return url


def urls_seen_by_another_connection(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT url FROM feeds")}
    finally:
        conn.close()


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cache.sqlite3")


def test_writes_close_together_share_a_transaction_and_each_is_undone_alone(
        store: Store) -> None:
    writer = BatchWriter(store, window=5.0, idle=1.0)
    gate = threading.Event()
    # The first write waits, so the others queue up behind it inside the same batch.
    statements: list[str] = []

    def first_write() -> str:
        store.conn.set_trace_callback(statements.append)  # the writer thread's connection
        gate.wait(5)
        return add_feed(store, "https://a.example/")

    first = writer.submit(first_write)
    broken = writer.submit(add_feed, store, "https://b.example/", True)
    third = writer.submit(add_feed, store, "https://c.example/")
    gate.set()
    assert first.result(10) == "https://a.example/"
    assert third.result(10) == "https://c.example/"
    with pytest.raises(ValueError, match="broken after writing"):
        broken.result(10)
    writer.shutdown()
    assert [q for q in statements if q in ("COMMIT", "BEGIN IMMEDIATE")] == ["COMMIT"]
    # the broken write's own row was rolled back by its savepoint; the batch committed
    assert urls_seen_by_another_connection(store.path) == {"https://a.example/",
                                                           "https://c.example/"}
    store.close()


def test_a_result_is_given_only_once_its_transaction_committed(store: Store) -> None:
    writer = BatchWriter(store, window=0.5, idle=0.5)
    seen: list[set[str]] = []
    future = writer.submit(add_feed, store, "https://a.example/")
    future.add_done_callback(lambda _f: seen.append(urls_seen_by_another_connection(store.path)))
    future.result(10)
    writer.shutdown()
    assert seen == [{"https://a.example/"}]
    store.close()


def test_a_failed_commit_fails_every_write_of_its_batch(store: Store) -> None:
    writer = BatchWriter(store, window=5.0, idle=1.0)
    gate = threading.Event()
    first = writer.submit(lambda: (gate.wait(5), add_feed(store, "https://a.example/"))[1])

    def fails_at_commit() -> None:
        # A foreign key checked at COMMIT: the commit itself fails, as on a full disk.
        with store.write() as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            conn.execute("INSERT INTO articles (feed_id, guid, published, first_seen) "
                         "VALUES (999, 'g', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")

    second = writer.submit(fails_at_commit)
    gate.set()
    for future in (first, second):
        with pytest.raises(sqlite3.IntegrityError):
            future.result(10)
    assert urls_seen_by_another_connection(store.path) == set()  # nothing of the batch
    # the writer goes on with the next batch
    assert writer.submit(add_feed, store, "https://c.example/").result(10)
    writer.shutdown()
    assert urls_seen_by_another_connection(store.path) == {"https://c.example/"}
    store.close()


def test_shutdown_drops_writes_not_begun(store: Store) -> None:
    writer = BatchWriter(store, window=0.01, idle=0.01)
    gate, started = threading.Event(), threading.Event()

    def slow_write() -> str:
        started.set()
        gate.wait(5)
        return add_feed(store, "https://a.example/")

    busy = writer.submit(slow_write)
    queued = [writer.submit(add_feed, store, f"https://q{i}.example/") for i in range(5)]
    assert started.wait(5)
    done = threading.Thread(target=writer.shutdown, kwargs={"cancel_futures": True})
    done.start()
    gate.set()
    done.join(10)
    assert busy.result(10) == "https://a.example/"
    assert all(f.cancelled() or f.done() for f in queued)
    assert sum(f.cancelled() for f in queued) >= 1
    with pytest.raises(RuntimeError):
        writer.submit(add_feed, store, "https://late.example/")
    store.close()


def _open_paths() -> list[str]:
    """What this process's file descriptors point at (/proc/self/fd)."""
    paths = []
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # (the directory's own descriptor, closed)
            paths.append(os.readlink(fd))
    return paths


def test_each_writer_closes_its_connection_when_it_ends(store: Store) -> None:
    """A reader refreshes every so often, each time with a new writer thread: the
    connections (and their page caches) must not pile up."""

    def open_files() -> int:
        return sum(1 for path in _open_paths() if path.startswith(str(store.path)))

    def refresh(n: int) -> None:
        writer = BatchWriter(store)
        writer.submit(add_feed, store, f"https://{n}.example/").result(10)
        writer.shutdown()

    store.conn.execute("SELECT 1")
    refresh(0)  # (SQLite may keep a closed connection's descriptor for reuse)
    after_one = open_files()
    for n in range(1, 20):
        refresh(n)
    assert open_files() == after_one
    store.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_batch_keeps_its_statement_journals_in_memory(store: Store) -> None:
    """Inside a batch each write is a savepoint, so each multi-row INSERT keeps a
    statement journal; in temporary files, they were half the bytes a first refresh
    wrote. The writer's page cache is larger than a plain connection's, too."""
    writer = BatchWriter(store, window=5.0, idle=1.0)
    rows = [EntryRow(f"g{n}", None, (f"https://a.example/{n}", f"Story {n}", "", "",
                                     "<p>text</p>" * 50, "", None, None, None, f"d{n}"),
                     "text " * 100, False) for n in range(300)]

    def write_and_look() -> tuple[list[str], int]:
        with store.write() as conn:
            conn.execute("INSERT INTO feeds (id, url) VALUES (1, 'https://a.example/')")
        store.store_feed(1, rows, title="A", link=None, etag=None, last_modified=None,
                         now=datetime(2026, 6, 1, tzinfo=UTC), fulltext=False,
                         keep_days=36500, keep_per_feed=100_000)
        # SQLite names its temporary files etilqs_* and unlinks them at once: they show
        # only as open descriptors
        temporary = [path for path in _open_paths() if "etilqs_" in path]
        return temporary, store.conn.execute("PRAGMA cache_size").fetchone()[0]

    files, cache_size = writer.submit(write_and_look).result(30)
    writer.shutdown()
    assert files == []
    assert cache_size == -WRITER_CACHE_KIB
    assert store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 300
