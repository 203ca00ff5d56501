"""The cache under faults: kill -9 in a refresh, two processes at once, a read-only or
full data directory. Feeds are served on 127.0.0.1; refreshes are the real command.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path

import pytest

from hostile_server import HostileServer, child_env, run_readerterm, write_home
from readerterm import paths
from readerterm.library import Library
from readerterm.safety import now_utc

FEEDS = 5
ITEMS = 150
KILLS = 20


def big_feed(name: str, generation: int) -> bytes:
    """ITEMS items; each generation adds 10 new ones and retitles the rest (writes)."""
    now = now_utc()
    items = "".join(
        f"<item><guid>{name}-{i}</guid><title>{name} {i} gen {generation}</title>"
        f"<link>http://127.0.0.1:9/{name}/{i}</link>"
        f"<description>Story {i} of {name}, generation {generation}. {'Words here. ' * 20}"
        f"</description><pubDate>{format_datetime(now)}</pubDate></item>"
        for i in range(generation * 10, generation * 10 + ITEMS))
    return (f'<rss version="2.0"><channel><title>{name}</title>{items}</channel>'
            f"</rss>").encode()


class World:
    """FEEDS feeds on a hostile server (which also serves them well) and a home."""

    def __init__(self, home: Path) -> None:
        self.server = HostileServer(bombs=False)
        self.names = [f"f{i}" for i in range(FEEDS)]
        self.home = write_home(home, [(self.server.url(f"/{n}.xml"), n) for n in self.names])
        self.generation = 0
        self.serve(0)

    def serve(self, generation: int) -> None:
        self.generation = generation
        for name in self.names:
            self.server.routes[f"/{name}.xml"] = big_feed(name, generation)

    def library(self) -> Library:
        return Library.open(paths.resolve({"READERTERM_HOME": str(self.home)}))

    @property
    def database(self) -> Path:
        return paths.resolve({"READERTERM_HOME": str(self.home)}).database


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path / "home")
    yield w
    w.server.stop()


def flags(db: Path) -> dict[int, tuple[int, int]]:
    conn = sqlite3.connect(db)
    try:
        return {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT id, read, starred FROM articles WHERE read = 1 OR starred = 1")}
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# -- kill -9 -----------------------------------------------------------------------------


def start_refresh(world: World) -> subprocess.Popen[bytes]:
    """`readerterm refresh` in a child process, returned once its refresh has begun: the
    server has its first request (before that, the child is still starting Python and
    importing, and a kill there tests nothing)."""
    seen = len(world.server.hits)
    proc = subprocess.Popen([sys.executable, "-m", "readerterm", "refresh"],
                            env=child_env(world.home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while len(world.server.hits) == seen:
        if proc.poll() is not None or time.monotonic() > end:
            proc.kill()
            raise AssertionError(f"the refresh sent no request (exit status {proc.poll()})")
        time.sleep(0.005)
    return proc


def test_kill_9_during_refresh_loses_nothing(world: World) -> None:
    first = run_readerterm(world.home, "refresh")
    assert first.code == 0 and f"{FEEDS} updated" in first.stdout, first.stderr
    timed = start_refresh(world)  # how long a refresh runs once begun, to aim the kills
    start = time.monotonic()
    assert timed.wait(60) == 0
    span = max(time.monotonic() - start, 0.1)
    rng = random.Random(20260601)
    kept: dict[int, tuple[int, int]] = {}
    killed_mid_run = 0
    for run in range(KILLS):
        lib = world.library()
        try:
            ids = [a.id for a in lib.articles()]
            for article_id in rng.sample(ids, 6):
                lib.mark(article_id, read=True)
                lib.mark(article_id, starred=rng.random() < 0.5)
        finally:
            lib.close()
        kept = flags(world.database)
        world.serve(run + 1)
        proc = start_refresh(world)
        time.sleep(rng.uniform(0, span * 1.1))  # the moment of the kill, not a wait
        if proc.poll() is None:
            killed_mid_run += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert integrity(world.database) == "ok", f"run {run}"
        after = flags(world.database)
        for article_id, marks in kept.items():
            # a flag set before the kill is still set (the article may only be gone if
            # neither read nor starred kept it, which retention does not do here)
            assert after.get(article_id) == marks, (run, article_id, marks, after.get(article_id))
        lib = world.library()
        try:
            report = asyncio.run(lib.refresh(fulltext=False))
        finally:
            lib.close()
        assert report.failed == [] and report.updated + report.not_modified == FEEDS, report
    assert killed_mid_run >= KILLS // 2, "most kills landed inside a refresh"
    titles = {a.title for a in _articles(world)}
    assert f"f0 {KILLS * 10} gen {KILLS}" in titles  # the last refresh completed


def _articles(world: World) -> list:  # type: ignore[type-arg]
    lib = world.library()
    try:
        return lib.articles()
    finally:
        lib.close()


# -- two processes ---------------------------------------------------------------------


def test_refresh_in_a_second_process_while_the_reader_refreshes(world: World) -> None:
    """`readerterm refresh` (cron) while this process (the reader's Library) refreshes,
    marks and lists: nobody sees "database is locked", both see every new article."""
    assert run_readerterm(world.home, "refresh").code == 0
    lib = world.library()
    errors: list[str] = []
    try:
        for generation in range(1, 4):
            world.serve(generation)
            outcome: dict[str, object] = {}

            def cron(outcome: dict[str, object] = outcome) -> None:
                outcome["run"] = run_readerterm(world.home, "refresh", timeout=60)

            thread = threading.Thread(target=cron)
            thread.start()
            while thread.is_alive():  # the reader keeps working meanwhile
                report = asyncio.run(lib.refresh(fulltext=False))
                errors += [e for _, e in report.failed]
                rows = lib.articles(limit=50)
                for row in rows[:5]:
                    lib.mark(row.id, read=True)
                lib.mark(rows[-1].id, starred=True)
            thread.join()
            run = outcome["run"]
            assert run.code == 0, run.stderr  # type: ignore[attr-defined]
            assert "locked" not in run.stdout + run.stderr  # type: ignore[attr-defined]
            newest = f"f0 {generation * 10 + ITEMS - 1} gen {generation}"
            assert newest in {a.title for a in lib.articles()}  # this process sees them
            listed = run_readerterm(world.home, "articles", "--json")
            assert listed.code == 0 and "locked" not in listed.stderr
            theirs = {a["title"]: a for a in listed.json()}
            assert newest in theirs  # and the other process does
            starred = {a.id for a in lib.articles() if a.starred}
            assert starred == {a["id"] for a in theirs.values() if a["starred"]}
    finally:
        lib.close()
    assert not [e for e in errors if "locked" in e], errors
    assert integrity(world.database) == "ok"


# -- read-only and full data directories -----------------------------------------------


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=1m tmpfs /mnt"], capture_output=True,
                           timeout=30)
    return probe.returncode == 0


CAN_MOUNT = _can_mount()


def _in_namespace(script: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = child_env(home)
    env["PY"] = sys.executable
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-ec", script],
                          capture_output=True, text=True, timeout=120, env=env)


def _snapshot(world: World) -> tuple[int, dict[int, tuple[int, int]]]:
    conn = sqlite3.connect(world.database)
    try:
        count = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        conn.close()
    return count, flags(world.database)


def _prepared(world: World) -> tuple[int, dict[int, tuple[int, int]]]:
    assert run_readerterm(world.home, "refresh").code == 0
    lib = world.library()
    try:
        for row in lib.articles(limit=10):
            lib.mark(row.id, read=True, starred=True)
    finally:
        lib.close()
    # Checkpoint the WAL into the database file, as a reader closing normally leaves it.
    conn = sqlite3.connect(world.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    world.serve(1)  # new articles waiting: the refresh has something to write
    return _snapshot(world)


def _check_clear_error(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr[-2000:]
    lines = [line for line in stderr.splitlines() if line.startswith("readerterm: ")]
    assert lines and "cannot use the cache" in lines[0], stderr[-2000:]


def test_read_only_data_directory(world: World) -> None:
    before = _prepared(world)
    data = world.database.parent
    if os.geteuid() != 0:
        mode = data.stat().st_mode
        for path in [data, *data.iterdir()]:
            path.chmod(path.stat().st_mode & ~0o222)
        try:
            run = run_readerterm(world.home, "refresh")
        finally:
            data.chmod(mode)
            for path in data.iterdir():
                path.chmod(path.stat().st_mode | 0o200)
        code, stderr = run.code, run.stderr
    elif CAN_MOUNT:
        # root ignores permissions: a read-only bind mount of the data directory, in a
        # mount namespace of its own.
        done = _in_namespace(f'mount --bind "{data}" "{data}"; '
                             f'mount -o remount,bind,ro "{data}"; '
                             '"$PY" -m readerterm refresh || echo "exit=$?"', world.home)
        code = 1 if "exit=1" in done.stdout else 0
        stderr = done.stderr
    else:
        pytest.skip("root without mount namespaces: a read-only directory cannot be made")
    assert code == 1
    _check_clear_error(stderr)
    assert integrity(world.database) == "ok"
    assert _snapshot(world) == before
    assert run_readerterm(world.home, "refresh").code == 0  # writable again: works


def test_full_disk_via_file_size_limit(world: World) -> None:
    """RLIMIT_FSIZE (works for any user): writes past the database's current size fail
    the way a full disk does, in the middle of the refresh's transactions."""
    before = _prepared(world)
    size = world.database.stat().st_size

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8192, size + 8192))

    run = run_readerterm(world.home, "refresh", preexec=small_files)
    assert run.code == 1, run.stderr[-4000:]
    _check_clear_error(run.stderr)
    assert integrity(world.database) == "ok"
    # intact: every article and flag from before; feeds committed before the disk filled
    # may have added theirs (one transaction per feed)
    count, marks = _snapshot(world)
    assert count >= before[0] and marks == before[1]
    assert run_readerterm(world.home, "refresh").code == 0


@pytest.mark.skipif(not CAN_MOUNT, reason="needs root and mount namespaces for a small tmpfs")
def test_full_disk_on_a_small_tmpfs(world: World, tmp_path: Path) -> None:
    """A real ENOSPC: the data directory on a tmpfs with a few KB left."""
    before = _prepared(world)
    data = world.database.parent
    saved = tmp_path / "saved"
    shutil.copytree(data, saved)
    size_kb = sum(p.stat().st_size for p in data.iterdir()) // 1024 + 64
    done = _in_namespace(
        f'mount -t tmpfs -o size={size_kb}k tmpfs "{data}"; cp -a "{saved}"/. "{data}"/; '
        f'dd if=/dev/zero of="{data}/filler" bs=4k 2>/dev/null || true; rm -f "{data}/filler"; '
        f'dd if=/dev/zero of="{data}/filler" bs=1k count={max(size_kb - 80, 1)} 2>/dev/null '
        '|| true; "$PY" -m readerterm refresh || echo "exit=$?"; '
        f'rm -f "{data}/filler"; '  # room again, to open and check what was left
        f'"$PY" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); '
        "print('integrity', c.execute('PRAGMA integrity_check').fetchone()[0]); "
        "print('count', c.execute('SELECT COUNT(*) FROM articles').fetchone()[0]); "
        "print('flags', c.execute('SELECT COUNT(*) FROM articles WHERE starred = 1')"
        f'.fetchone()[0])" "{world.database}"', world.home)
    assert "integrity ok" in done.stdout, done.stdout + done.stderr[-2000:]
    count = int(done.stdout.split("count ")[1].split()[0])
    assert count >= before[0], done.stdout
    assert f"flags {sum(s for _, s in before[1].values())}" in done.stdout
    assert "exit=1" in done.stdout, done.stdout + done.stderr[-2000:]
    _check_clear_error(done.stderr)
