"""Refresh speed and memory: `readerterm refresh --no-fulltext` beside `newsboat -x reload`.

    python benchmarks/refresh_bench.py [--feeds 200] [--items 50] [--latency 0 0.05]
                                       [--repeat 1] [--hosts 50] [--quick] [--no-newsboat]

One command, one table. A feed server (benchmarks/feed_server.py) runs in its own
process, its feeds spread over the loopback addresses 127.0.0.1-127.0.0.50 (`--hosts`),
as a real subscription list is spread over many hosts. Both readers get the same feeds
in the same run, interleaved case by case so that drift on a noisy machine hits both
alike:
- cold: an empty cache, every feed downloaded and parsed;
- warm: straight after, nothing changed: every answer is 304 for a reader that sends
  ETag / If-Modified-Since;
- changed: one feed in ten has 5 new items (new ETag), the rest are unchanged.
Each case is a fresh process, timed from spawn to exit (wall) with its peak RSS from
`wait4`. newsboat gets `reload-threads 8` (its best here); readerterm runs with its
default settings (config.toml as written on first run). `--quick` is 40 feeds x 20
items at 0 and 50 ms. Without newsboat installed, readerterm's figures are printed alone.
No traffic leaves the loopback interface.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = ("cold", "warm", "changed")


@dataclass
class Run:
    wall: float
    rss_mb: float
    ok: bool
    note: str = ""


@dataclass
class Cell:
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mb for r in self.runs)


def timed(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[Run, str]:
    """Run `cmd`, return its wall time, peak RSS (from wait4) and output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_maxrss / 1024, proc.returncode == 0), text


class Server:
    """benchmarks/feed_server.py in a child process."""

    def __init__(self, feeds: int, items: int, hosts: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "feed_server.py"), "--feeds", str(feeds),
             "--items", str(items), "--hosts", str(hosts)],
            stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+) \((.*)\)", line)
        if not match:
            self.proc.kill()
            raise SystemExit(f"feed server did not start: {line!r}")
        self.base, self.size = match.group(1), match.group(2)
        self.feeds, self.hosts = feeds, hosts
        self.port = self.base.rsplit(":", 1)[1]

    def control(self, **params: object) -> dict[str, object]:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        with urllib.request.urlopen(f"{self.base}/_control?{query}", timeout=10) as answer:
            return dict(json.loads(answer.read()))

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.base}/_stats", timeout=10) as answer:
            return dict(json.loads(answer.read()))

    def urls(self) -> list[str]:
        # Feed i is served by 127.0.0.(1 + i % hosts) (feed_server.feed_host).
        return [f"http://127.0.0.{1 + i % self.hosts}:{self.port}/feed/{i}.xml"
                for i in range(self.feeds)]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Reader:
    name = ""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.home = Path(tempfile.mkdtemp(prefix=f"bench-{self.name}-"))

    def reset(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)
        self.setup()

    def setup(self) -> None:
        raise NotImplementedError

    def run(self) -> tuple[Run, str]:
        raise NotImplementedError

    def check(self, case: str, output: str) -> str:
        return ""

    def close(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


class Readerterm(Reader):
    name = "readerterm"

    def setup(self) -> None:
        config = self.home / "config"
        config.mkdir(parents=True, exist_ok=True)
        lines = ["[[sections]]", 'name = "Bench"', ""]
        for url in self.urls:
            lines += ["[[sections.feeds]]", f'url = "{url}"', ""]
        (config / "feeds.toml").write_text("\n".join(lines), encoding="utf-8")

    def run(self) -> tuple[Run, str]:
        script = Path(sys.executable).with_name("readerterm")
        cmd = [str(script)] if script.exists() else [sys.executable, "-m", "readerterm"]
        env = {**os.environ, "READERTERM_HOME": str(self.home)}
        return timed([*cmd, "refresh", "--no-fulltext"], env, self.home)

    def check(self, case: str, output: str) -> str:
        match = re.search(r"refreshed: (.*)", output)
        if not match:
            return output.strip()[-200:]
        return match.group(1)


class Newsboat(Reader):
    name = "newsboat"

    def setup(self) -> None:
        (self.home / "urls").write_text("".join(u + "\n" for u in self.urls), encoding="utf-8")
        (self.home / "config").write_text("reload-threads 8\n", encoding="utf-8")

    def run(self) -> tuple[Run, str]:
        env = {**os.environ, "HOME": str(self.home), "XDG_CONFIG_HOME": str(self.home),
               "XDG_DATA_HOME": str(self.home)}
        return timed(["newsboat", "-x", "reload", "-u", str(self.home / "urls"),
                      "-c", str(self.home / "cache.db"), "-C", str(self.home / "config")],
                     env, self.home)

    def check(self, case: str, output: str) -> str:
        return output.strip()[-200:]


def newsboat_version() -> str | None:
    if shutil.which("newsboat") is None:
        return None
    out = subprocess.run(["newsboat", "-v"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "newsboat"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.05],
                   help="seconds per request (several for several tables)")
    p.add_argument("--repeat", type=int, default=1, help="runs per cell (median wall)")
    p.add_argument("--hosts", type=int, default=50, choices=range(1, 255), metavar="1-254",
                   help="loopback addresses 127.0.0.1-127.0.0.N the feeds are spread over")
    p.add_argument("--quick", action="store_true", help="40 feeds x 20 items")
    p.add_argument("--no-newsboat", action="store_true")
    p.add_argument("--verbose", action="store_true", help="print each run's output")
    args = p.parse_args(argv)
    if args.quick:
        args.feeds, args.items = 40, 20

    version = None if args.no_newsboat else newsboat_version()
    server = Server(args.feeds, args.items, args.hosts)
    readers: list[Reader] = [Readerterm(server.urls())]
    if version:
        readers.append(Newsboat(server.urls()))
    print(f"{args.feeds} feeds x {args.items} items ({server.size}) on "
          f"127.0.0.1-127.0.0.{args.hosts} port {server.port}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print("newsboat: " + (version or "not installed (apt-get install newsboat): "
                          "readerterm alone"))
    results: dict[tuple[float, str, str], Cell] = {}
    try:
        for latency in args.latency:
            for _ in range(args.repeat):
                server.control(latency=latency, changed=0)
                for reader in readers:
                    reader.reset()
                for case in CASES:
                    server.control(changed=1 if case == "changed" else 0)
                    for reader in readers:
                        server.control(reset=1)
                        run, output = reader.run()
                        stats = server.stats()
                        run.note = (f"{reader.check(case, output)} "
                                    f"[server: {stats['200']} x 200, {stats['304']} x 304]")
                        results.setdefault((latency, reader.name, case), Cell()).runs.append(run)
                        if args.verbose or not run.ok:
                            print(f"  {latency * 1000:.0f} ms {reader.name} {case}: "
                                  f"{run.wall:.2f} s {run.rss_mb:.0f} MB ok={run.ok} {run.note}")
    finally:
        server.close()
        for reader in readers:
            reader.close()

    print()
    head = "| latency | case | readerterm | peak RSS |"
    rule = "|---|---|---|---|"
    if version:
        head += " newsboat | peak RSS | readerterm / newsboat |"
        rule += "---|---|---|"
    print(head)
    print(rule)
    for latency in args.latency:
        for case in CASES:
            ours = results[(latency, "readerterm", case)]
            row = (f"| {latency * 1000:.0f} ms | {case} | {ours.wall:.2f} s | "
                   f"{ours.rss:.0f} MB |")
            if version:
                theirs = results[(latency, "newsboat", case)]
                row += (f" {theirs.wall:.2f} s | {theirs.rss:.0f} MB | "
                        f"**{ours.wall / theirs.wall:.2f}** |")
            print(row)
    print()
    for (latency, name, case), cell in results.items():
        if name == "readerterm":
            print(f"readerterm {latency * 1000:.0f} ms {case}: {cell.runs[-1].note}")
    failed = [k for k, c in results.items() if not all(r.ok for r in c.runs)]
    if failed:
        print(f"FAILED runs: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
