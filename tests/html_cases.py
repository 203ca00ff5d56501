"""The HTML fragments the walker's expected outputs were recorded for.

`tests/data/html/expected.json.gz` holds, for each fragment, what the reader's blocks, the
refresh's text, its full-story decisions and its first figure were when they were recorded
(scripts/record_html_expected.py, run on the code before the one walker). The chosen and
generated fragments are stored with their outputs; the fixture feeds' fragments are made
again from tests/data by `feed_fragments` and found by their hash, with their outputs
stored as hashes too (they are megabytes of text).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from readerterm.feeds import parse as parse_mod
from readerterm.feeds.fastparse import parse_fast

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXPECTED = DATA / "html" / "expected.json.gz"
URL = "https://feed.example/feed.xml"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
WORDS = (250, 40, 3)


def fingerprint(value: object) -> str:
    """A short hash of a JSON-able value (a fragment, or what it gives)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                            sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def feed_fragments() -> Iterator[str]:
    """Entry HTML of every fixture and hostile feed, as feedparser (sanitized) and the fast
    parser (the feed's own HTML) keep it, the hostile article page, and two benchmark
    feeds' entries."""
    paths = sorted(p for folder in ("feeds", "hostile") for p in (DATA / folder).iterdir()
                   if p.is_file() and p.suffix not in (".tsv", ".md", ".opml", ".txt"))
    for path in paths:
        body = path.read_bytes()
        if path.suffix == ".html":
            yield body.decode("utf-8", "replace")
            continue
        original = parse_mod.parse_fast  # type: ignore[attr-defined]
        parse_mod.parse_fast = lambda *args: None  # type: ignore[attr-defined]  # feedparser alone
        try:
            entries = list(parse_mod.parse_feed(body, {}, URL, now=NOW).entries)
        except parse_mod.NotAFeed:
            entries = []
        finally:
            parse_mod.parse_fast = original  # type: ignore[attr-defined]
        fast = parse_fast(body, {}, URL, NOW)
        entries += list(fast.entries) if fast else []
        for entry in entries:
            yield from (h for h in (entry.summary_html, entry.content_html) if h)
    server = load_feed_server()
    for feed in (0, 4):
        fast = parse_fast(server.build_feed(feed, 5).data, {}, URL, NOW)
        assert fast is not None
        yield from (e.content_html for e in fast.entries)


def load_feed_server() -> ModuleType:
    """benchmarks/feed_server.py (not a package) as a module."""
    if "readerterm_bench_feed_server" in sys.modules:
        return sys.modules["readerterm_bench_feed_server"]
    spec = importlib.util.spec_from_file_location("readerterm_bench_feed_server",
                                                  ROOT / "benchmarks" / "feed_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module

TRICKY = [
    "<p>one<br>two</p><ul><li>a<br>b</li><li><p>c</p><ul><li>nested</li></ul>d</li></ul>tail",
    "<figure><img src='/i.jpg' alt='A'><figcaption>Cap. <span class='credit'>Photo: X"
    "</span></figcaption></figure><p>after</p><img src='javascript:x'><img src='/b.png'>",
    "<figure><figcaption>Photograph: Someone/Agency</figcaption></figure><p>x</p>",
    "<pre>  code\n  <b>kept</b>\n</pre><blockquote><p>q1</p>q2</blockquote><h2>H</h2>",
    "<div>text<script>bad()</script><style>p{}</style> more<form><p>no</p></form></div>",
    "<ol><li>x</li></ol><ul></ul><li>stray</li><p>end</p><ul><li>unclosed",
    "<table><tr><td>a</td><td>b</td></tr></table><section><p>Read more</p></section>",
    "<p>" + "word " * 300 + "</p><p>Continue reading &raquo;</p>",
    "<p>" + "word " * 300 + "</p><p>" + "more " * 10 + "</p>",
    "<svg><p>in svg</p></svg><p>Caf\u00e9 \u202e bidi</p><img data-src='https://e.example/d.jpg'>",
    "<ul><li>a<br>b</li><li><p>c</p>d<img src='/x.png'>e<hr>f</li></ul><p>after</p>",
    "<figure><figure><img src='/a.jpg'></figure><figcaption>x</figcaption></figure><p>t</p>",
    "<figure><img src='/a.jpg'><figcaption>Cap <b>bold <span class='credit'>Photo: Y</span> z"
    "</b> w</figcaption></figure><figure><img src='/b.jpg'><figcaption>two</figcaption></figure>",
    "<figure><video src='/v.mp4'></video><img src='/v.jpg'><figcaption>c<script>x</script>d"
    "</figcaption>tail</figure><p>p</p>",
    "<p>a<script>s</script>b<noscript><figure><img src='/n.jpg'></figure></noscript></p>"
    "<figure><img src='/f.jpg'></figure>",
    "<p>x</p><ul> text <li>a</li> more <li>b</li></ul>after<ol><li>c</li></ol>",
    "<li>stray</li><div>x<li>y</li>z</div>",
    "<p>a<img src='javascript:x'>b<img src='https://e.example/ok.png'>c</p><img src='/late.png'>",
    "<pre>x\n  y</pre><p>p</p><pre><b>b</b>\n<br>z</pre><pre>\n\n</pre>",
    "<p>x<br>y<hr>z</p><br>w<hr>",
    "<p>a  b\tc\nd\u00a0e &#160; f\u200b g</p><ul><li>\u00fcber  two</li><li> </li></ul>",
    "<p>" + "x" * 100_001 + "</p><p>short</p>",
    "<div><p>a</p>b<custom-tag>c<em>d</em></custom-tag>e<iframe>no</iframe>f</div>",
    "<blockquote>q<h3>h</h3>r</blockquote><table><tr><td>1<td>2</table>",
    "<p>a &amp; b &lt;c&gt; \u00e9</p><figure><img src='/i.jpg' alt=' A  B '>"
    "<figcaption>Dogs! Photo: Z</figcaption></figure>",
    "<p>" + "</p><p>".join(["w"] * 5100) + "</p>",
    "<li>x</li><figure><img src='/a.jpg' alt=' A  B '><figcaption>Cap  one. Photo: Z"
    "</figcaption></figure>",
    "<li>x</li><figure><img src='/a.jpg'><figcaption>Cap <span class='credit'>Photo: Y"
    "</span></figcaption></figure>",
    "plain text\n\nin two paragraphs",
    "",
    "<div>" * 10_000 + "deep text" + "</div>" * 10_000,
    "<div>" * 300 + "<p>a</p><ul><li>b</li></ul><figure><img src='/d.jpg'><figcaption>c"
    "</figcaption></figure>" + "</div>" * 300,
    "<ul>" + "<li>x<ul>" * 400 + "y" + "</ul></li>" * 400 + "</ul>",
]

# What a generated fragment is made of: well-nested markup, each element from this list,
# so the fragments exercise the rules' interplay (lists in lists, figures with credits,
# <pre>, skipped elements, images) rather than a parser's repair of broken markup.
_TAGS = ["p", "div", "span", "b", "em", "a", "ul", "ol", "li", "li", "h2", "h3", "pre",
         "blockquote", "figure", "figcaption", "img", "br", "hr", "script", "noscript",
         "table", "tr", "td", "section", "custom-tag", "strong", "code", "iframe", "small"]
_ATTRS = ["", " class='credit'", " class='photo-credit x'", " src='/a.jpg'",
          " src='https://e.example/b.png' alt=' An  alt '", " data-src='/lazy.jpg'",
          " src='javascript:alert(1)'", " href='/x'", " class='caption'"]
_WORDS = ["word", "Photo: Anna Berg", "Dogs.", "(Image: GETTY)", "© Jane", "read more",
          "Continue reading", "  two  spaces ", "\n", "\t", "caf\u00e9", "&amp;", "&nbsp;",
          "x\u200by", "\u202eevil", "Illustration by Z", "a.", "Credit: Reuters", "&lt;b&gt;"]
_VOID = {"img", "br", "hr"}


def _element(rng: random.Random, depth: int) -> str:
    tag = rng.choice(_TAGS)
    attrs = rng.choice(_ATTRS) if rng.random() < 0.4 else ""
    if tag in _VOID:
        return f"<{tag}{attrs}>"
    inner = _content(rng, depth + 1)
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _content(rng: random.Random, depth: int) -> str:
    parts = []
    for _ in range(rng.randint(0, 4 if depth < 4 else 1)):
        if depth < 6 and rng.random() < 0.6:
            parts.append(_element(rng, depth))
        else:
            parts.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4))))
    return "".join(parts)


def generated(count: int = 1500, seed: int = 13) -> Iterator[str]:
    """`count` random well-nested fragments (the same ones for the same seed)."""
    rng = random.Random(seed)
    for _ in range(count):
        yield _content(rng, 0)
