"""Record what the HTML rules give for every fragment in tests/html_cases.py.

    python scripts/record_html_expected.py [--new-feed-fragments]

Writes tests/data/html/expected.json.gz: for each fragment (the fixture feeds' entry HTML
as feedparser and the fast parser keep it, the benchmark feeds', the hostile payloads',
markup chosen for each rule and generated well-nested markup), the reader's blocks
(`html_to_blocks` with a base URL), the refresh's text (`html_to_text`), the first figure
and the full-story decisions (`is_full_story`). It was first run on commit 5de934f, before
the one walker (src/readerterm/html/) replaced the three older walks: tests/test_html_walk.py
holds the walker to those outputs. Run it again only on purpose, when a rule changes, and
say so in the commit.

With --new-feed-fragments the recording is kept and only the feed fragments it does not
hold are added (recorded with the walker as it is): for a change of what the feed
parsers keep, not of the HTML rules (issue 14: entities a feed escaped twice, and
text with entities but no tags, now come out of the parsers as HTML that says so).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from html_cases import (  # noqa: E402
    EXPECTED,
    TRICKY,
    URL,
    WORDS,
    feed_fragments,
    fingerprint,
    generated,
)
from readerterm.extract import is_full_story  # noqa: E402

try:  # before the one walker
    from readerterm.feeds._htmldigest import html_digest
    from readerterm.htmlblocks import html_to_blocks, html_to_text
except ImportError:  # after it
    from readerterm.html import html_digest, html_to_blocks, html_to_text  # type: ignore


def record(html: str) -> dict[str, object]:
    """What the rules give for `html`."""
    digest = html_digest(html, URL)
    text = html_to_text(html)
    assert digest.text == text, html[:200]
    return {
        "blocks": [b.to_dict() for b in html_to_blocks(html, URL)],
        "text": text,
        "figure": digest.figure.to_dict() if digest.figure else None,
        "full_story": [is_full_story(html, words) for words in WORDS],
    }


def feed_record(html: str) -> dict[str, object]:
    out = record(html)
    return {"blocks": fingerprint(out["blocks"]), "text": fingerprint(out["text"]),
            "figure": out["figure"], "full_story": out["full_story"]}


def add_new_feed_fragments() -> int:
    data = json.loads(gzip.decompress(EXPECTED.read_bytes()))
    added = 0
    for html in feed_fragments():
        key = fingerprint(html)
        if key not in data["feeds"]:
            data["feeds"][key] = feed_record(html)
            added += 1
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    EXPECTED.write_bytes(gzip.compress(payload.encode("utf-8"), 9, mtime=0))
    print(f"{added} feed fragments added -> {EXPECTED.relative_to(ROOT)}")
    return 0


def main() -> int:
    if "--new-feed-fragments" in sys.argv[1:]:
        return add_new_feed_fragments()
    feeds: dict[str, dict[str, object]] = {}
    for html in feed_fragments():
        feeds[fingerprint(html)] = feed_record(html)
    cases = []
    seen: set[str] = set()
    for html in [*TRICKY, *generated()]:
        if html not in seen:
            seen.add(html)
            cases.append({"html": html, **record(html)})
    payload = json.dumps({"url": URL, "words": WORDS, "feeds": feeds, "cases": cases},
                         ensure_ascii=False, sort_keys=True)
    EXPECTED.write_bytes(gzip.compress(payload.encode("utf-8"), 9, mtime=0))
    print(f"{len(feeds)} feed fragments and {len(cases)} chosen or generated ones -> "
          f"{EXPECTED.relative_to(ROOT)} ({EXPECTED.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
