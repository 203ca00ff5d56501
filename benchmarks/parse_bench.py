"""A refresh's parsing on one core: readerterm's parser beside feedparser, on the same feeds.

    python benchmarks/parse_bench.py [--feeds 200] [--items 50] [--repeat 3]

The feeds are the refresh benchmark's (`feed_server.build_feed`: RSS 2.0, and Atom for
every fifth, each item with a 1-3 KB HTML description), built in this process: no
network. Each row reads all of them one way and is timed in CPU seconds (the median of
`--repeat` runs):
- lxml's XML parse alone: the floor for any parser built on lxml;
- feedparser-rs, when it is installed (it is not a dependency): the compiled feed parser
  that a faster fast path could be built on, without its sanitizer (readerterm cleans
  HTML itself), reading each entry's main fields. Its agreement with feedparser on the
  fixture feeds is not checked here.
- lxml's HTML parse (the digest's own, `html.tree.parse_fragment`) and text of each
  entry's story (its longer HTML) alone: the floor for any digest that reads lxml's tree;
- readerterm `html_digest` of each story: what the digest (`html/walk.py`) costs
  beside that floor, its share of the two rows below;
- readerterm `parse_feed`: the entries, through the lxml fast path (feedparser for what
  it does not read), each entry's HTML digested once;
- readerterm `parse_body`: what a refresh's parser process does per body, `parse_feed`
  and then the rows the cache stores (searchable text, full-story decision, hash, JSON);
- feedparser: `feedparser.parse` as readerterm calls it when the fast path declines
  (sanitizing HTML and resolving relative links), the parser it falls back to.

A benchmark, not a test. It prints one table: seconds, MB/s, microseconds per entry, and
each row's time as a share of feedparser's.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import feedparser  # noqa: E402
from feed_server import build_feed  # noqa: E402
from lxml import etree  # noqa: E402

from readerterm.bodies import parse_body  # noqa: E402
from readerterm.feeds.parse import parse_feed  # noqa: E402
from readerterm.html import clear_cache, html_digest  # noqa: E402
from readerterm.html.tree import parse_fragment  # noqa: E402

NOW = datetime(2026, 3, 3, tzinfo=UTC)


def _cpu(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_cache()  # no run starts with digests a previous one made
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    bodies = []
    for n in range(args.feeds):
        body = build_feed(n, args.items)
        url = f"http://127.0.0.1/feed/{n}.xml"
        bodies.append((url, body.data, {"content-type": body.content_type}))
    size = sum(len(data) for _, data, _ in bodies)
    # each entry's story, as `bodies.digest_entry` picks it (and every module imported
    # before timing)
    stories = [(max(e.content_html, e.summary_html, key=len), url)
               for url, data, h in bodies for e in parse_feed(data, dict(h), url, now=NOW).entries]
    entries = len(stories)

    def lxml_only() -> None:
        for _, data, _ in bodies:
            etree.fromstring(data)

    def readerterm_feed() -> None:
        for url, data, headers in bodies:
            parse_feed(data, dict(headers), url, now=NOW)

    def readerterm_body() -> None:
        for url, data, headers in bodies:
            parse_body(data, dict(headers), url, NOW, 1000, 250)

    def html_parse_and_text() -> None:
        for html, _ in stories:  # the digest's own parse
            root = parse_fragment(html)
            if root is not None:
                etree.tostring(root, method="text", encoding=str)

    def digests() -> None:
        for html, url in stories:
            html_digest(html, url)

    def feedparser_parse() -> None:
        for url, data, headers in bodies:
            feedparser.parse(io.BytesIO(data), response_headers={**headers,
                                                                 "content-location": url},
                             resolve_relative_uris=True, sanitize_html=True)

    candidates: list[tuple[str, Callable[[], object]]] = []
    try:  # not a dependency: a compiled parser to weigh against ours, when installed
        import feedparser_rs  # type: ignore[import-not-found]

        def feedparser_rs_parse() -> None:
            for _, data, _ in bodies:
                for entry in feedparser_rs.parse(data, sanitize_html=False,
                                                 resolve_relative_uris=False).entries:
                    for key in ("title", "link", "id", "published_parsed", "summary"):
                        entry.get(key)

        candidates.append(("feedparser-rs parse and read, no sanitizing (a candidate)",
                           feedparser_rs_parse))
    except ImportError:
        pass

    rows = [("lxml XML parse alone", lxml_only), *candidates,
            ("lxml HTML parse + text of each story alone", html_parse_and_text),
            ("readerterm html_digest of each story", digests),
            ("readerterm parse_feed", readerterm_feed),
            ("readerterm parse_body (a refresh's work)", readerterm_body),
            ("feedparser.parse", feedparser_parse)]
    results = [(name, _cpu(run, args.repeat)) for name, run in rows]
    peer = results[-1][1]
    print(f"{args.feeds} feeds x {args.items} items ({entries} entries, {size / 1e6:.1f} MB), "
          f"CPU time on one core, median of {args.repeat}, Python {sys.version.split()[0]}, "
          f"feedparser {feedparser.__version__}")
    print()
    print("| parser | CPU | MB/s | per entry | share of feedparser's time |")
    print("|---|---|---|---|---|")
    for name, seconds in results:
        print(f"| {name} | {seconds:.2f} s | {size / 1e6 / seconds:.1f} | "
              f"{seconds / entries * 1e6:.0f} us | {seconds / peer:.2f} |")
    if not candidates:
        print("\n(feedparser-rs is not installed: its row is left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
