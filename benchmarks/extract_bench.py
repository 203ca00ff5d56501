"""Benchmark readerterm's article extraction beside trafilatura and readability-lxml.

    python benchmarks/extract_bench.py [--fixtures DIR] [--sets pages,trafilatura,readability]
                                       [--only readerterm] [-v]

Every development set is run by every extractor in the same run, each on the page's bytes
as saved (each extractor decodes them itself) and the page's URL where the set knows it.
DIR defaults to ../shared/fixtures relative to the repository root:

- `pages/`: the article-extraction benchmark's pages, `ground-truth.json` (`articleBody`
  per id) and `annotations.json` (`captions_in_article`, `related_link_texts` per id).
  Scored as the benchmark scores: 4-token shingles of `\\w+` tokens (counted as multisets),
  per-page precision and recall normalised so every page weighs the same, F1 = harmonic
  mean of the mean precision and the mean recall.
- `pages-trafilatura/`: pages with snippets a human says the main text must contain
  (`with`) and must not (`without`), scored as trafilatura's evaluation scores them: over
  all pages, a `with` snippet found is a true positive, one missing a false negative, a
  `without` snippet found a false positive (whitespace normalised and soft hyphens
  dropped on both sides).
- `pages-readability/`: Mozilla Readability.js's test pages, scored like `pages/` (shingle
  F1) against the text of Readability.js's own output (`expected_text`), which keeps
  figure captions: readerterm's captions are counted there, beside its body.

"empty" counts pages where an extractor gave no text (fewer than 5 words); "empty where
trafilatura found text" is the figure the rules must keep at zero.

The other columns (pages/ only):
- captions: share of the annotated captions that come out as a figure caption (caption and
  credit together); a caption counts when at least 80% of its word tokens (lowercased) are
  in one figure's caption, in order of shingles not required.
- leak: share of pages with an annotated related block whose body_text holds the text of
  one of its related links (normalised: lowercase \\w+ tokens joined by spaces).
- related: share of annotated related link texts found among the extracted related links
  (same normalisation, equal or one containing the other).
- not related: extracted related links whose title is none of the page's annotated
  related link texts (the annotations come from heuristics, so this over-counts a little).
This is a benchmark, not a test: it reads the shared fixtures at run time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from readerterm.extract import extract_document  # noqa: E402

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text or "")
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of 4-token shingles, normalised to sum to 1 (the benchmark's scoring)."""
    t, p = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def f1_score(triples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(f1, precision, recall) as the benchmark computes them."""
    ps = [_precision(*t) for t in triples if t[0] + t[1] > 0]
    rs = [_recall(*t) for t in triples if t[0] + t[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def norm(text: str) -> str:
    return " ".join(_TOKEN_RE.findall(text.lower()))


def caption_found(annotated: str, captions: list[str]) -> bool:
    want = _TOKEN_RE.findall(annotated.lower())
    if not want:
        return True
    for cap in captions:
        have = Counter(_TOKEN_RE.findall(cap.lower()))
        hit = sum(min(c, have.get(w, 0)) for w, c in Counter(want).items())
        if hit >= 0.8 * len(want):
            return True
    return False


def related_found(annotated: str, titles: list[str]) -> bool:
    a = norm(annotated)
    return any(t and (t == a or (len(t) > 10 and (t in a or a in t))) for t in titles)


# An extractor gives (body_text, figure captions, related link titles) for a page's bytes.
Extractor = Callable[[bytes, str | None], tuple[str, list[str], list[str]]]


def readerterm_extractor(html: bytes, url: str | None) -> tuple[str, list[str], list[str]]:
    doc = extract_document(html, url)
    figures = [b.image for b in doc.blocks if b.kind == "figure" and b.image]
    if doc.lead_image and doc.lead_image not in figures:
        figures.append(doc.lead_image)
    captions = [" ".join(x for x in (i.caption, i.credit) if x) for i in figures]
    return doc.body_text, [c for c in captions if c], [norm(r.title) for r in doc.related]


def trafilatura_extractor(html: bytes, url: str | None) -> tuple[str, list[str], list[str]]:
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False) or ""
    return text, [], []


def readability_extractor(html: bytes, url: str | None) -> tuple[str, list[str], list[str]]:
    import lxml.html
    from readability import Document

    try:
        summary = Document(html, url=url).summary(html_partial=True)
        root = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception:  # readability raises its own Unparseable, lxml its errors
        return "", [], []
    blocks = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
              "tr", "br", "figcaption", "table", "ul", "ol", "section", "article")
    for el in root.iter(*blocks):
        el.tail = "\n" + (el.tail or "")
    return root.text_content(), [], []


EXTRACTORS: dict[str, Extractor] = {
    "readerterm": readerterm_extractor,
    "trafilatura": trafilatura_extractor,
    "readability": readability_extractor,
}


@dataclass
class Page:
    key: str
    html: bytes
    url: str | None
    body: str = ""  # ground truth, for the shingle-scored sets
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


@dataclass
class Result:
    name: str
    captions_in_text: bool = False
    annotated: bool = False  # the set says which links are related (pages/ only)
    triples: list[tuple[float, float, float]] = field(default_factory=list)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    empty: list[str] = field(default_factory=list)
    captions_total: int = 0
    captions_hit: int = 0
    related_pages: int = 0
    leak_pages: int = 0
    related_total: int = 0
    related_hit: int = 0
    related_out: int = 0
    related_extra: int = 0
    seconds: float = 0.0
    pages: int = 0
    leaks: list[str] = field(default_factory=list)
    worst: list[tuple[float, str]] = field(default_factory=list)


def _url(value: object) -> str | None:
    return value if isinstance(value, str) and value.startswith("http") else None


def _html(folder: Path, key: str) -> bytes:
    return gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())


def load_set(fixtures: Path, name: str) -> list[Page]:
    """The pages of one development set, sorted by id."""
    if name == "pages":
        folder = fixtures / "pages"
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        notes = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
        return [Page(key, _html(folder, key), _url(truth[key].get("url")),
                     body=truth[key].get("articleBody", ""),
                     captions=notes.get(key, {}).get("captions_in_article", []),
                     related=notes.get(key, {}).get("related_link_texts", []))
                for key in sorted(truth)]
    folder = fixtures / f"pages-{name}"
    meta = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    if name == "trafilatura":
        return [Page(key, _html(folder, key), _url(meta[key].get("url")),
                     with_=list(meta[key].get("with", [])),
                     without=list(meta[key].get("without", [])))
                for key in sorted(meta)]
    return [Page(key, _html(folder, key), _url(meta[key].get("url")),
                 body=meta[key].get("expected_text", "")) for key in sorted(meta)]


def _squash(text: str) -> str:
    # Soft hyphens are invisible, and readerterm drops them at ingest (SECURITY.md):
    # a snippet that holds one is matched without it.
    return " ".join(text.replace("\u00ad", "").split())


def score_page(res: Result, page: Page, body: str, captions: list[str],
               related: list[str]) -> None:
    text = body
    if res.captions_in_text and captions:
        text = body + "\n" + "\n".join(captions)
    if len(_TOKEN_RE.findall(text)) < 5:
        res.empty.append(page.key)
    if page.with_ or page.without:
        flat = _squash(text)
        hits = sum(_squash(s) in flat for s in page.with_)
        res.tp += hits
        res.fn += len(page.with_) - hits
        res.fp += sum(_squash(s) in flat for s in page.without)
        res.worst.append((hits / max(1, len(page.with_)), page.key))
    else:
        triple = shingle_match(page.body, text)
        res.triples.append(triple)
        res.worst.append((triple[0], page.key))
    res.captions_total += len(page.captions)
    res.captions_hit += sum(caption_found(c, captions) for c in page.captions)
    if page.related:
        res.related_pages += 1
        body_norm = f" {norm(body)} "
        leaked = [t for t in page.related if len(t.split()) >= 3 and f" {t} " in body_norm]
        if leaked:
            res.leak_pages += 1
            res.leaks.append(f"{page.key[:12]}: {leaked[0][:60]}")
        res.related_total += len(page.related)
        res.related_hit += sum(related_found(t, related) for t in page.related)
    if res.annotated:
        res.related_out += len(related)
        wanted = [norm(t) for t in page.related]
        res.related_extra += sum(not any(related_found(w, [t]) for w in wanted)
                                 for t in related)


def run(name: str, pages: list[Page], captions_in_text: bool, annotated: bool) -> Result:
    fn = EXTRACTORS[name]
    res = Result(name, captions_in_text=captions_in_text, annotated=annotated)
    for page in pages:
        start = time.process_time()
        body, captions, related = fn(page.html, page.url)
        res.seconds += time.process_time() - start
        res.pages += 1
        score_page(res, page, body, captions, related)
    return res


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def scores(r: Result) -> tuple[float, float, float]:
    """(F1, precision, recall) of one extractor on one set."""
    if r.triples:
        return f1_score(r.triples)
    p = r.tp / (r.tp + r.fp) if r.tp + r.fp else 0.0
    rec = r.tp / (r.tp + r.fn) if r.tp + r.fn else 0.0
    return (2 * p * rec / (p + rec) if p + rec else 0.0), p, rec


def report(set_name: str, folder: Path, results: list[Result], verbose: bool) -> None:
    """One table for one set."""
    base = next((r for r in results if r.name == "trafilatura"), None)
    print(f"\n## {set_name}: {results[0].pages} pages in {folder}")
    print(f"{'extractor':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'empty':>6} "
          f"{'empty*':>6} {'captions':>9} {'leak':>7} {'related':>8} {'not rel':>8} "
          f"{'pages/s':>8}")
    for r in results:
        f1, p, rec = scores(r)
        empty_vs = len(set(r.empty) - set(base.empty)) if base else 0
        print(f"{r.name:<12} {f1:6.3f} {p:6.3f} {rec:6.3f} {len(r.empty):>6} {empty_vs:>6} "
              f"{_pct(r.captions_hit, r.captions_total):>9} "
              f"{_pct(r.leak_pages, r.related_pages):>7} "
              f"{_pct(r.related_hit, r.related_total):>8} "
              f"{_pct(r.related_extra, r.related_out):>8} "
              f"{r.pages / r.seconds if r.seconds else 0:8.1f}")
    if set_name == "pages":
        print(f"captions: {results[0].captions_total} annotated; related: "
              f"{results[0].related_total} link texts on {results[0].related_pages} pages")
    print("empty*: empty where trafilatura found text; pages/s: CPU time on one core")
    if verbose:
        for r in results[:1]:
            print("empty:", " ".join(r.empty))
            print("worst:", " ".join(f"{k}:{s:.2f}" for s, k in sorted(r.worst)[:25]))
            for line in r.leaks:
                print("leak", line)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT.parent / "shared" / "fixtures")
    parser.add_argument("--sets", default="pages,trafilatura,readability")
    parser.add_argument("--only", default="", help="comma-separated extractors to run")
    parser.add_argument("-v", action="store_true", help="list empty and worst pages, leaks")
    args = parser.parse_args(argv[1:])
    names = [n for n in (args.only.split(",") if args.only else EXTRACTORS) if n]
    for set_name in args.sets.split(","):
        pages = load_set(args.fixtures, set_name)
        folder = args.fixtures / ("pages" if set_name == "pages" else f"pages-{set_name}")
        results = [run(n, pages, captions_in_text=set_name == "readability",
                       annotated=set_name == "pages") for n in names]
        report(set_name, folder, results, args.v)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
