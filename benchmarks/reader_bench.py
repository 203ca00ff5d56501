"""The reader on a 100,000-article cache: first screen, opening, switching, searching, RSS.

    python benchmarks/reader_bench.py [--home DIR] [--articles 100000] [--runs 3]
                                      [--images auto|halfcell|off]

One command, one table. It builds the cache with benchmarks/build_cache.py the first
time (into --home, by default a folder in the temporary directory, reused afterwards),
then starts the reader (benchmarks/reader_driver.py: the reader as `readerterm` starts
it, refresh on start included; the cache's feeds are on 127.0.0.1 port 9, where nothing
answers) in a pseudo-terminal of 120 x 40, once per run, each a fresh process.
READERTERM_BENCH_REPORT tells the driven reader where to write its times: the moment
the article list has rows and the screen has been painted with them, then ten articles
opened (five with the reader idle, five each straight after the previous one), four
sections switched to and four searches, each until its result is on the screen. First
screen is counted from the spawn of the process (interpreter start-up and imports
included); peak RSS comes from `wait4`. The medians over the runs (and the worst single
figure) are printed beside the targets. No traffic leaves 127.0.0.1.

Pictures: two articles of the cache are made (benchmarks/bench_pictures.py), one with
three pictures in the image cache, one with none; each is opened five times. `--images`
sets `[ui] images` (default "auto": the pseudo-terminal answers none of the reader's
questions, so the pictures are half-cells, drawn after the questions' time-outs).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)
TARGETS = {"first screen": 1.0, "open an article": 0.1, "peak RSS": 150.0}


def build(home: Path, articles: int) -> None:
    """The cache, built once (a marker file says the build finished)."""
    done = home / f"built-{articles}"
    if done.exists():
        return
    if home.exists():
        shutil.rmtree(home)  # an interrupted build: start again
    print(f"building a cache of {articles} articles in {home} (once) ...", flush=True)
    subprocess.run([sys.executable, str(HERE / "build_cache.py"), "--home", str(home),
                    "--articles", str(articles)], check=True)
    subscribe(home)
    done.touch()


def subscribe(home: Path) -> None:
    """feeds.toml naming exactly the cache's feeds, in their sections. build_cache.py
    writes the cache only; without this, the reader's first start would write the
    default subscriptions (real sites), drop every cached feed that is not among them
    and refresh those instead."""
    from readerterm import paths
    from readerterm.config import FeedEntry, Section, save_sections

    where = paths.resolve({"READERTERM_HOME": str(home)})
    conn = sqlite3.connect(where.database)
    try:
        feeds = conn.execute("SELECT url, title, section FROM feeds "
                             "ORDER BY position, id").fetchall()
    finally:
        conn.close()
    sections: dict[str, list[FeedEntry]] = {}
    for url, title, section in feeds:
        if not str(url).startswith("http://127.0.0.1:"):
            raise SystemExit(f"{where.database} holds a feed off this machine: {url}")
        sections.setdefault(section, []).append(FeedEntry(url, title, fulltext=False))
    where.config_dir.mkdir(parents=True, exist_ok=True)
    save_sections(where.config_dir / "feeds.toml",
                  [Section(name, tuple(entries)) for name, entries in sections.items()])


def check_subscriptions(home: Path) -> None:
    """Refuse to start the reader on subscriptions that are not all on 127.0.0.1."""
    from readerterm import paths
    from readerterm.config import load_sections

    sections = load_sections(paths.resolve({"READERTERM_HOME": str(home)}).config_dir
                             / "feeds.toml")
    urls = [f.url for s in sections or () for f in s.feeds]
    if not urls or not all(u.startswith("http://127.0.0.1:") for u in urls):
        raise SystemExit(f"{home}: feeds.toml is missing or names feeds off this machine; "
                         "remove the folder to build the cache again")


def set_images(home: Path, mode: str) -> None:
    """`[ui] images = mode` in the home's config.toml (written with the defaults first)."""
    import re

    from readerterm import paths
    from readerterm.config import DEFAULT_CONFIG

    path = paths.resolve({"READERTERM_HOME": str(home)}).config_dir / "config.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else DEFAULT_CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f'images = "{mode}"'
    if re.search(r'^images = "\w+"', text, flags=re.MULTILINE):
        text = re.sub(r'^images = "\w+"', line, text, count=1, flags=re.MULTILINE)
    elif re.search(r"^\[ui\]$", text, flags=re.MULTILINE):
        text = re.sub(r"^\[ui\]$", f"[ui]\n{line}", text, count=1, flags=re.MULTILINE)
    else:
        text += f"\n[ui]\n{line}\n"
    path.write_text(text, encoding="utf-8")


def reader_command() -> list[str]:
    """The reader that times itself (the product has no timing code of its own)."""
    return [sys.executable, str(HERE / "reader_driver.py")]


def one_run(home: Path, pictures: tuple[int, int]) -> tuple[dict[str, Any], float, float]:
    """(the reader's own report, seconds from spawn to first screen, peak RSS in MB)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = {**os.environ, "READERTERM_HOME": str(home), "READERTERM_BENCH_REPORT": str(report),
               "TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1]),
               "READERTERM_BENCH_PICTURES": ",".join(map(str, pictures))}

        tail = bytearray()

        def drain() -> None:  # the terminal's side: read everything the reader writes
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                tail.extend(chunk)
                del tail[:-8192]

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        spawned = time.time()
        proc = subprocess.Popen(reader_command(), env=env, stdin=slave, stdout=slave,
                                stderr=slave, start_new_session=True)
        os.close(slave)
        _pid, status, usage = os.wait4(proc.pid, 0)
        os.close(master)
        reader.join(5)
        if os.waitstatus_to_exitcode(status) != 0 or not report.exists():
            raise SystemExit(f"the reader failed (status {status}) or wrote no report; its "
                             f"last output: {bytes(tail).decode('utf-8', 'replace')[-3000:]}")
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data, float(data["ready"]) - spawned, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path,
                   default=Path(tempfile.gettempdir()) / "readerterm-reader-bench")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--images", choices=("auto", "halfcell", "off"), default="auto")
    args = p.parse_args(argv)
    build(args.home, args.articles)
    check_subscriptions(args.home)
    from bench_pictures import add_pictures

    pictures = add_pictures(args.home)
    set_images(args.home, args.images)
    first: list[float] = []
    rss: list[float] = []
    samples: dict[str, list[float]] = {"open": [], "open_at_once": [], "switch": [],
                                       "search": [], "open_pictures": [],
                                       "pictures_drawn": [], "open_no_pictures": []}
    rows = 0
    for _ in range(args.runs):
        data, ready, peak = one_run(args.home, pictures)
        first.append(ready)
        rss.append(peak)
        rows = int(data["rows"])
        for key in samples:
            samples[key].extend(data.get(key, []))
    print(f"{rows} articles in the list, {args.runs} runs, {SIZE[0]}x{SIZE[1]} terminal, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, images = {args.images}")
    print()
    print("| measure | median | worst | target | met |")
    print("|---|---|---|---|---|")

    def line(name: str, values: list[float], unit: str, scale: float,
             target: float | None) -> None:
        median, worst = statistics.median(values), max(values)
        shown = f"{median * scale:.0f} {unit}" if unit != "s" else f"{median:.2f} s"
        worst_shown = f"{worst * scale:.0f} {unit}" if unit != "s" else f"{worst:.2f} s"
        if target is None:
            print(f"| {name} | {shown} | {worst_shown} | | |")
            return
        goal = f"<= {target * scale:.0f} {unit}" if unit != "s" else f"<= {target:.1f} s"
        print(f"| {name} | {shown} | {worst_shown} | {goal} | "
              f"{'yes' if median <= target else '**no**'} |")

    line("first screen, list filled (from spawn)", first, "s", 1, TARGETS["first screen"])
    line("open an article (reader idle)", samples["open"], "ms", 1000,
         TARGETS["open an article"])
    line("open the next one at once", samples["open_at_once"], "ms", 1000,
         TARGETS["open an article"])
    line("open an article with three cached pictures", samples["open_pictures"], "ms",
         1000, TARGETS["open an article"])
    if samples["pictures_drawn"]:  # none with images = "off"
        line("... its three pictures drawn", samples["pictures_drawn"], "ms", 1000, None)
    line("open an article with no picture", samples["open_no_pictures"], "ms", 1000,
         TARGETS["open an article"])
    line("switch section", samples["switch"], "ms", 1000, None)
    line("search (all articles)", samples["search"], "ms", 1000, None)
    line("peak RSS", rss, "MB", 1, TARGETS["peak RSS"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
