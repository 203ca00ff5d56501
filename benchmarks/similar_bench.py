"""Similar articles and search on a large cache, and the quality of "similar".

    python benchmarks/build_cache.py --home /tmp/bench      # once: 100,000 articles
    python benchmarks/similar_bench.py --home /tmp/bench

Prints the median and p95 of `Library.similar(id)` (target: median < 50 ms) and of
`Library.search(query)` (target: median < 20 ms) over random articles and queries of
several kinds, then Precision@5 of "similar" on the labelled same-story set
(tests/data/same_story, see tests/same_story.py). The cache is opened without syncing
subscriptions, so it is read as built. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import same_story  # noqa: E402
from readerterm import paths  # noqa: E402
from readerterm.bodies import entry_rows  # noqa: E402
from readerterm.config import Settings  # noqa: E402
from readerterm.feeds.parse import parse_feed  # noqa: E402
from readerterm.library import Filters, Library  # noqa: E402
from readerterm.store.cache import Store  # noqa: E402
from readerterm.store.sig import STOPWORDS, words  # noqa: E402


def open_cache(home: Path) -> Library:
    p = paths.resolve({"READERTERM_HOME": str(home)})
    return Library(p, Settings(), Store(p.database))


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(label: str, ms: list[float], target: float | None = None) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    median = statistics.median(ms)
    mark = "" if target is None else (" ok" if median < target else " OVER")
    goal = f"< {target:.0f}" if target else ""
    return f"| {label} | {len(ms)} | {median:.1f} | {p95:.1f} | {goal}{mark} |"


def search_queries(lib: Library, rng: random.Random, n: int) -> dict[str, list[str]]:
    """Queries of each kind made from the cache's own titles and bodies."""
    ids = [r[0] for r in lib.store.conn.execute("SELECT rowid FROM articles_fts")]
    kinds: dict[str, list[str]] = {"word": [], "two words": [], "phrase": [], "prefix": [],
                                   "OR / NOT": []}
    while min(len(v) for v in kinds.values()) < n:
        aid = rng.choice(ids)
        title, body = lib.store.conn.execute(
            "SELECT title, body FROM articles_fts WHERE rowid = ?", (aid,)).fetchone()
        content = [w for w in words(f"{title} {body}") if w not in STOPWORDS and len(w) > 3]
        tokens = words(body)
        if len(content) < 4 or len(tokens) < 10:
            continue
        a, b, c = rng.sample(content, 3)
        start = rng.randrange(len(tokens) - 3)
        kinds["word"].append(a)
        kinds["two words"].append(f"{a} {b}")
        kinds["phrase"].append('"' + " ".join(tokens[start:start + 3]) + '"')
        kinds["prefix"].append(a[:4] + "*")
        kinds["OR / NOT"].append(f"({a} OR {b}) NOT {c}")
    return {k: v[:n] for k, v in kinds.items()}


def precision() -> tuple[float, dict[str, float], int]:
    """Precision@5 on the labelled set, stored through the Store like a refresh."""
    with tempfile.TemporaryDirectory() as tmp:
        p = paths.resolve({"READERTERM_HOME": tmp})
        p.ensure()
        store = Store(p.database)
        feeds = same_story.feeds()
        store.sync_feeds([(f"http://127.0.0.1:9/{name}", "", "Labelled", False)
                          for name in feeds])
        now = datetime(2027, 1, 1, tzinfo=UTC)
        for name, body in feeds.items():
            url = f"http://127.0.0.1:9/{name}"
            feed = parse_feed(body, {}, url, now=now)
            store.store_feed(store.feed_id(url) or 0, entry_rows(feed, 250, url),
                             title=feed.title, link=feed.link, etag=None, last_modified=None,
                             now=now, fulltext=False, keep_days=100_000,
                             keep_per_feed=100_000)
        lib = Library(p, Settings(), store)
        by_title: dict[str, list[int]] = {}
        for article in lib.articles():
            by_title.setdefault(article.title, []).append(article.id)
        mean, per_group = same_story.precision_at_5(lambda i: lib.similar(i, 10), by_title)
        count = lib.count()
        store.close()
    return mean, per_group, count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", default=os.environ.get("READERTERM_HOME"),
                    help="a home built by build_cache.py")
    ap.add_argument("--runs", type=int, default=200, help="articles / queries of each kind")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not args.home:
        ap.error("give --home or set READERTERM_HOME")
    lib = open_cache(Path(args.home))
    total = lib.count()
    rng = random.Random(args.seed)
    ids = [r.id for r in lib.articles()]
    print(f"cache: {total} articles, {len(lib.feeds())} feeds, "
          f"{lib.paths.database.stat().st_size / 1e6:.0f} MB")
    print()
    print("| operation | runs | median ms | p95 ms | target |")
    print("|---|---|---|---|---|")
    cold_ids = rng.sample(ids, 20)
    cold = timed(lambda: lib.similar(cold_ids.pop()), 20)
    print(row("similar, first 20 calls (cold frequency cache)", cold))
    sample = rng.sample(ids, args.runs)
    results: list[int] = []
    warm = timed(lambda: results.append(len(lib.similar(sample.pop()))), args.runs)
    print(row("similar (10 results)", warm, 50))
    queries = search_queries(lib, rng, args.runs)
    every: list[float] = []
    for kind, items in queries.items():
        qs = list(items)
        ms = timed(lambda qs=qs: lib.search(qs.pop(), limit=50), len(items))  # type: ignore[misc]
        every += ms
        print(row(f"search: {kind}", ms))
    sections = lib.section_names()
    qs = list(queries["word"])
    filtered = timed(lambda: lib.search(qs.pop(), Filters(section=rng.choice(sections),
                                                           unread=True), limit=50), len(qs))
    every += filtered
    print(row("search: word, section + unread filter", filtered))
    print(row("search, all kinds", every, 20))
    lib.close()
    mean, per_group, count = precision()
    print()
    print(f"Precision@5 of similar on the labelled set ({len(per_group)} same-story groups, "
          f"{count} articles with the distractors): {mean:.3f}")
    print("  " + ", ".join(f"{name} {value:.2f}" for name, value in per_group.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
