"""Sync speed: readerterm syncing with a real FreshRSS that holds 200 feeds x 50 items.

    python benchmarks/sync_bench.py [--feeds 200] [--items 50] [--freshrss DIR]

One command, one table. The feeds come from benchmarks/feed_server.py on 127.0.0.1 (in
its own process); FreshRSS (DIR: the service folder with start.sh and the release
tarball, default $READERTERM_TEST_FRESHRSS, else ../shared/services/freshrss) is
created subscribed to them by OPML and fetches them once with its own
actualize-user.php. Then, each a fresh `readerterm` process timed from spawn to exit
with its peak RSS:
- first sync: an empty cache takes every subscription, item, unread and starred id;
- no change: straight after, nothing new on the server;
- 20 feeds read: every article of 20 feeds marked read (as the reader's mark-all-read
  does; queued by the cache's triggers): sent as 20 mark-all-as-read requests;
- 1,000 read: a thousand articles here and there marked read: sent with edit-tag, 250
  items a request.
Full-text fetching is off in the reader's config.toml: these are the sync's figures
alone (article pages are fetched the same way as after a refresh). PHP's built-in
server answers one request at a time, as it does in the tests. No traffic leaves
127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from refresh_bench import Run, Server, timed

HERE = Path(__file__).resolve().parent
USER, PASSWORD = "reader", "apipass123"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def opml(urls: list[str]) -> str:
    outlines = "".join(f'<outline type="rss" text="Feed {i}" xmlUrl="{url}"/>'
                       for i, url in enumerate(urls))
    return (f'<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head>'
            f"<body><outline text=\"Bench\">{outlines}</outline></body></opml>")


class FreshRSS:
    """A throw-away FreshRSS subscribed to `urls`."""

    def __init__(self, service: Path, urls: list[str], work: Path) -> None:
        self.data = work / "freshrss-data"
        (work / "feeds.opml").write_text(opml(urls))
        self.port = free_port()
        env = {**os.environ, "DATA_DIR": str(self.data), "FRESHRSS_OPML": str(work / "feeds.opml"),
               "FRESHRSS_USER": USER, "FRESHRSS_API_PASSWORD": PASSWORD}
        self.tree = work / "freshrss-app"
        self.tree.mkdir()
        subprocess.run(["tar", "-xzf", str(next(service.glob("freshrss-*.tar.gz"))), "-C",
                        str(self.tree)], check=True)
        out = subprocess.run(["bash", str(service / "start.sh"), str(self.port), str(self.tree)],
                             env=env, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"FreshRSS did not start: {out.stderr[-1500:]}")
        self.pid = int(out.stdout.strip().splitlines()[-1])
        self.api = f"http://127.0.0.1:{self.port}/api/greader.php"

    def actualize(self) -> float:
        start = time.perf_counter()
        subprocess.run(["php", str(self.tree / "cli" / "actualize-user.php"), "--user", USER],
                       env={**os.environ, "DATA_PATH": str(self.data)}, check=True,
                       capture_output=True)
        return time.perf_counter() - start

    def close(self) -> None:
        os.kill(self.pid, 15)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--freshrss", type=Path, default=Path(
        os.environ.get("READERTERM_TEST_FRESHRSS") or HERE.parent.parent / "shared" /
        "services" / "freshrss"))
    args = p.parse_args(argv)
    if not (args.freshrss / "start.sh").is_file():
        raise SystemExit(f"no FreshRSS service folder at {args.freshrss} (see --freshrss)")

    work = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    feeds = Server(args.feeds, args.items)
    server = None
    try:
        server = FreshRSS(args.freshrss, feeds.urls(), work)
        fetched = server.actualize()
        home = work / "home"
        (home / "config").mkdir(parents=True)
        (home / "config" / "config.toml").write_text("[fulltext]\nenabled = false\n")
        env = {**os.environ, "READERTERM_HOME": str(home),
               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        env.pop("READERTERM_SYNC_PASSWORD", None)
        cmd = [sys.executable, "-m", "readerterm"]
        setup = subprocess.run([*cmd, "sync", "setup", server.api, "--user", USER,
                                "--password-stdin"], input=PASSWORD + "\n", env=env,
                               text=True, capture_output=True, check=False)
        if setup.returncode != 0:
            raise SystemExit(f"sync setup failed: {setup.stderr}")
        rows: list[tuple[str, Run, str]] = []
        marks = {  # which unread articles a case marks read before it syncs
            "20 feeds read": "AND feed_id IN (SELECT id FROM feeds WHERE position < 1000000 "
                             "ORDER BY id LIMIT 20)",
            "1,000 read": "AND id % 7 = 0 ORDER BY id LIMIT 1000",
        }
        for case in ("first sync", "no change", "20 feeds read", "1,000 read"):
            if case in marks:
                with sqlite3.connect(home / "data" / "readerterm.sqlite3") as conn:
                    conn.execute("UPDATE articles SET read = 1 WHERE id IN (SELECT id FROM "
                                 f"articles WHERE read = 0 {marks[case]})")
            run, output = timed([*cmd, "sync", "--json"], env, HERE)
            try:
                report = json.loads(output.strip().splitlines()[-1])
                what = (f"{report['feeds']} feeds, {report['new_items']} new items, "
                        f"{report['sent']} sent, {report['read_changed']} read changed")
            except (ValueError, IndexError, KeyError):
                what = "failed: " + output.strip()[-200:]
            rows.append((case, run, what))
        with sqlite3.connect(home / "data" / "readerterm.sqlite3") as conn:
            cached = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        if server is not None:
            server.close()
        feeds.close()

    print(f"\n{args.feeds} feeds x {args.items} items ({feeds.size}); FreshRSS fetched them in "
          f"{fetched:.1f} s; {cached} articles cached after the first sync\n")
    print(f"| {'case':<13} | wall (s) | peak RSS (MB) | what moved |")
    print(f"|{'-' * 15}|----------|---------------|------------|")
    for case, run, what in rows:
        print(f"| {case:<13} | {run.wall:8.2f} | {run.rss_mb:13.0f} | {what} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
