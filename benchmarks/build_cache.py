"""Build a readerterm cache of N articles (default 100,000) for the similar/search benchmark.

    READERTERM_HOME=/tmp/bench python benchmarks/build_cache.py [--articles N] [--seed S]
    python benchmarks/build_cache.py --home /tmp/bench

The text is the fixture feeds' and pages' own sentences (tests/data), re-mixed: every
article belongs to an event covered by one to four of 200 feeds within a day; each
outlet's version takes part of the event's sentences and some unrelated ones, and the
event's invented names (people, places) replace capitalised words, so the vocabulary has
a long tail of rare names as real news has. One event in twenty is a wire story carried
word for word by two feeds. Everything is written through `Store.store_feed`, the path a
refresh takes, so the search index is built the way a user's is.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from readerterm import paths  # noqa: E402
from readerterm.bodies import entry_rows  # noqa: E402
from readerterm.feeds.parse import parse_feed  # noqa: E402
from readerterm.html import html_to_text  # noqa: E402
from readerterm.models import ParsedEntry, ParsedFeed  # noqa: E402
from readerterm.store.cache import Store  # noqa: E402

DATA = ROOT / "tests" / "data"
SECTIONS = ["World", "UK", "Business", "Technology", "Science", "Culture", "Sport", "Health"]
FEEDS = 200
END = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
SYLLABLES = ["ka", "ri", "to", "ma", "nel", "vor", "sa", "li", "den", "bru", "os", "tan",
             "mer", "ga", "lo", "vik", "hal", "un", "dra", "pe", "sul", "fen", "ar", "bis",
             "cor", "lum", "tes", "ya", "zo", "ben", "kel"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")
_CAPITAL = re.compile(r"(?<=\w )[A-Z][a-z]{3,}")


def sentence_pool() -> list[str]:
    """Sentences of 6 to 40 words from every fixture feed and page."""
    texts: list[str] = []
    for path in sorted((DATA / "feeds").iterdir()):
        if path.suffix not in (".xml", ".rss", ".atom", ".rdf", ".json"):
            continue
        try:
            feed = parse_feed(path.read_bytes(), {}, "http://127.0.0.1/")
        except Exception:
            continue
        for entry in feed.entries:
            texts.append(html_to_text(max(entry.content_html, entry.summary_html, key=len)))
    from readerterm.extract import extract_document

    for path in sorted((DATA / "pages").glob("*.html.gz")):
        texts.append(extract_document(gzip.decompress(path.read_bytes()), None).body_text)
    pool: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for sentence in _SENTENCE.split(" ".join(text.split())):
            n = len(sentence.split())
            if 6 <= n <= 40 and sentence not in seen and "http" not in sentence:
                seen.add(sentence)
                pool.append(sentence)
    return pool


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def rename(text: str, names: list[str], rng: random.Random) -> str:
    """Capitalised words inside sentences become the event's names."""
    return _CAPITAL.sub(lambda _m: rng.choice(names), text)


def build(home: Path, articles: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = sentence_pool()
    print(f"{len(pool)} source sentences", file=sys.stderr)
    p = paths.resolve({"READERTERM_HOME": str(home)})
    p.ensure()
    store = Store(p.database)
    feeds = [(f"http://127.0.0.1:9/feed{n}.xml", f"Outlet {n}", SECTIONS[n % len(SECTIONS)],
              False) for n in range(FEEDS)]
    store.sync_feeds(feeds)
    ids = {url: store.feed_id(url) for url, *_ in feeds}
    per_feed: dict[str, list[ParsedEntry]] = {url: [] for url, *_ in feeds}
    made = 0
    event = 0
    while made < articles:
        event += 1
        names = [name(rng) for _ in range(rng.randint(3, 6))]
        core = rng.sample(pool, 12)
        when = END - timedelta(days=rng.uniform(0, 90))
        outlets = rng.sample(feeds, min(rng.choice((1, 1, 2, 3, 3, 4)), articles - made))
        wire = len(outlets) >= 2 and rng.random() < 0.05
        text = ""
        for i, (url, *_rest) in enumerate(outlets):
            if not (wire and i == 1):
                parts = rng.sample(core, rng.randint(5, 9)) + rng.sample(pool, rng.randint(2, 6))
                rng.shuffle(parts)
                text = " ".join(parts)
                text = rename(text, names, rng)
                headline = " ".join(rng.choice(core).split()[:rng.randint(6, 11)])
                headline = f"{names[0]}: {rename(headline, names, rng)}"
            paragraphs = "".join(f"<p>{s}</p>" for s in _SENTENCE.split(text))
            guid = f"e{event}-{i}"
            per_feed[url].append(ParsedEntry(
                guid=guid, title=headline, link=f"http://127.0.0.1:9/{guid}",
                published=when + timedelta(hours=rng.uniform(-12, 12)),
                categories=(), content_html=paragraphs))
            made += 1
    started = time.perf_counter()
    for url, entries in per_feed.items():
        for start in range(0, len(entries), 250):
            chunk = tuple(entries[start:start + 250])
            rows = entry_rows(ParsedFeed(url, None, "rss", chunk), 250)
            store.store_feed(ids[url] or 0, rows, title=url, link=None, etag=None,
                             last_modified=None, now=END, fulltext=False, keep_days=100_000,
                             keep_per_feed=1_000_000)
    store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    store.close()
    took = time.perf_counter() - started
    print(f"{made} articles in {event} events, {FEEDS} feeds: stored in {took:.0f} s "
          f"({made / took:.0f} articles/s) at {p.database}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", default=os.environ.get("READERTERM_HOME"),
                    help="READERTERM_HOME to build in (must not hold a cache yet)")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    if not args.home:
        ap.error("give --home or set READERTERM_HOME")
    home = Path(args.home)
    if paths.resolve({"READERTERM_HOME": str(home)}).database.exists():
        ap.error(f"{home} already holds a cache; pick an empty folder")
    build(home, args.articles, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
