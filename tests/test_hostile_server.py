"""`readerterm refresh` (the real command, in a child process) against a hostile server.

For every fault in `hostile_server.FAULTS`: the refresh ends within the configured
deadline plus a margin, the child's peak memory stays under 100 MB above a normal
refresh (and under an RLIMIT_AS ceiling, so a regression fails here rather than on the
machine), the faulty feed gets a clear error, and the feeds around it refresh.

Every fault is checked in one refresh of all of them together (as a cron job on a bad
day would see them); the heavy ones (bombs, endless bodies) and the slow ones (drips,
stalls) also alone, so their time and memory are their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostile_server import (
    FAULTS,
    MIB,
    Fault,
    HostileServer,
    Run,
    feeds_json,
    run_readerterm,
    write_home,
)

DEADLINE = 3.0
MARGIN = 10.0  # a correctness bound, not a benchmark: generous on a busy CI machine
MEMORY_BOUND = 100 * MIB
ALONE = [f for f in FAULTS if f.heavy or f.slow]


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def baseline_rss(hostile: HostileServer, tmp_path_factory: pytest.TempPathFactory) -> int:
    """Peak RSS of a refresh of three good feeds: the memory baseline."""
    home = write_home(tmp_path_factory.mktemp("baseline"), [
        (hostile.url(f"/good/base{i}"), f"base{i}") for i in range(3)], deadline=DEADLINE)
    run = run_readerterm(home, "refresh")
    assert run.code == 0, run.stderr
    assert "3 updated" in run.stdout
    return run.max_rss


@pytest.fixture(scope="module")
def all_at_once(hostile: HostileServer, tmp_path_factory: pytest.TempPathFactory,
                baseline_rss: int) -> tuple[Run, dict[str, dict[str, Any]]]:
    """One refresh of every fault plus two good feeds, all on one host."""
    feeds = [(hostile.url("/good/first"), "first")]
    feeds += [(hostile.url(f.path), f.path) for f in FAULTS]
    feeds += [(hostile.url("/good/last"), "last")]
    home = write_home(tmp_path_factory.mktemp("all"), feeds, deadline=DEADLINE)
    run = run_readerterm(home, "refresh", timeout=120)
    assert run.code == 0, run.stderr[-2000:]
    return run, feeds_json(home)


def check_error(fault: Fault, feed: dict[str, Any], run: Run, url: str) -> None:
    """The feed's error is clear, one line, and named by the CLI on stderr; a fault that
    is no error (`fault.error` None) leaves the feed read in full, with no error."""
    if fault.error is None:
        assert feed["status"] == "ok" and feed["error"] is None and feed["total"] == 3, feed
        assert f"failed: {url}: " not in run.stderr
        return
    assert feed["status"] == "error", feed
    error = feed["error"] or ""
    assert re.search(fault.error, error, re.IGNORECASE), error
    assert 0 < len(error) <= 500 and "\n" not in error and "\x1b" not in error
    assert f"failed: {url}: " in run.stderr


def test_all_faults_in_one_refresh(all_at_once: tuple[Run, dict[str, dict[str, Any]]],
                                   baseline_rss: int) -> None:
    run, feeds = all_at_once
    # per_host (6) requests at a time on one host: slow faults may queue behind each
    # other, each bounded by the deadline once it starts.
    slow = sum(f.slow for f in FAULTS)
    assert run.seconds < DEADLINE * (slow + 1) + MARGIN, run.seconds
    assert run.max_rss - baseline_rss < MEMORY_BOUND, run.max_rss / MIB
    assert "Traceback" not in run.stderr
    for name in ("first", "last"):
        assert feeds[name]["status"] == "ok" and feeds[name]["total"] == 3, feeds[name]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.path.strip("/"))
def test_fault_is_an_error_on_its_feed(
        fault: Fault, hostile: HostileServer,
        all_at_once: tuple[Run, dict[str, dict[str, Any]]]) -> None:
    run, feeds = all_at_once
    check_error(fault, feeds[fault.path], run, hostile.url(fault.path))


@pytest.mark.parametrize("fault", ALONE, ids=lambda f: f.path.strip("/"))
def test_fault_alone_is_bounded_in_time_and_memory(
        fault: Fault, hostile: HostileServer, baseline_rss: int, tmp_path: Path) -> None:
    home = write_home(tmp_path / "home", [
        (hostile.url("/good/before"), "before"),
        (hostile.url(fault.path), "hostile"),
        (hostile.url("/good/after"), "after"),
    ], deadline=DEADLINE)
    run = run_readerterm(home, "refresh", timeout=DEADLINE + MARGIN + 30)
    assert run.code == 0, (run.code, run.stderr[-2000:])
    assert run.seconds < DEADLINE + MARGIN, f"refresh took {run.seconds:.1f} s"
    assert run.max_rss - baseline_rss < MEMORY_BOUND, (
        f"peak RSS {run.max_rss / MIB:.0f} MiB vs baseline {baseline_rss / MIB:.0f} MiB")
    feeds = feeds_json(home)
    for name in ("before", "after"):
        assert feeds[name]["status"] == "ok" and feeds[name]["total"] == 3, feeds[name]
    check_error(fault, feeds["hostile"], run, hostile.url(fault.path))
    assert "1 failed" in run.stdout


def test_retry_after_is_honoured(hostile: HostileServer, tmp_path: Path) -> None:
    """A 429 with Retry-After: the next refresh skips the feed instead of asking again."""
    home = write_home(tmp_path / "home", [(hostile.url("/status-429"), "busy"),
                                          (hostile.url("/good/r"), "r")], deadline=DEADLINE)
    first = run_readerterm(home, "refresh")
    assert first.code == 0 and "1 failed" in first.stdout
    hits = hostile.hits.count("/status-429")
    second = run_readerterm(home, "refresh")
    assert second.code == 0 and "1 skipped" in second.stdout, second.stdout
    assert hostile.hits.count("/status-429") == hits  # not asked again
    assert feeds_json(home)["busy"]["error"].startswith("HTTP 429")


def test_article_pages_are_bounded_too(hostile: HostileServer, tmp_path: Path,
                                       baseline_rss: int) -> None:
    """Full-text fetching goes through the same bounds: summary-only articles whose pages
    are bombs, an endless body, a drip, a stall and refused redirects fail on their own."""
    paths = ["/gzip-bomb", "/gzip-gzip", "/deflate-bomb", "/endless", "/drip", "/stall",
             "/redirect-to-file", "/redirect-to-javascript", "/redirect-loop"]
    items = "".join(
        f"<item><guid>p{i}</guid><title>page {i}</title><link>{hostile.url(path)}</link>"
        f"<description>Short summary {i}.</description></item>"
        for i, path in enumerate(paths))
    hostile.routes["/pages.xml"] = (f'<rss version="2.0"><channel><title>pages</title>'
                                    f"{items}</channel></rss>").encode()
    home = write_home(tmp_path / "home", [(hostile.url("/pages.xml"), "pages")],
                      deadline=DEADLINE, fulltext=True)
    run = run_readerterm(home, "refresh", timeout=60)
    assert run.code == 0, run.stderr[-2000:]
    # four pages at a time (fulltext concurrency): the slow ones may wait for a slot
    assert run.seconds < DEADLINE * 3 + MARGIN
    assert run.max_rss - baseline_rss < MEMORY_BOUND
    assert f"0 article pages fetched, {len(paths)} failed" in run.stdout, run.stdout
