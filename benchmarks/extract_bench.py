"""Benchmark readerterm's article extraction against plain trafilatura.

    python benchmarks/extract_bench.py [PAGES_DIR]

PAGES_DIR defaults to ../shared/fixtures/pages relative to the repository root. It holds
`html/<id>.html.gz`, `ground-truth.json` (`articleBody` per id) and `annotations.json`
(`captions_in_article` and `related_link_texts` per id).

Scoring is the article-extraction-benchmark's own: 4-token shingles of `\\w+` tokens
(counted as multisets), per-page precision and recall normalised so every page weighs the
same, F1 = harmonic mean of the mean precision and the mean recall.

The other columns:
- captions: share of the annotated captions that come out as a figure caption (caption and
  credit together); a caption counts when at least 80% of its word tokens (lowercased) are
  in one figure's caption, in order of shingles not required.
- leak: share of pages with an annotated related block whose body_text holds the text of
  one of its related links (normalised: lowercase \\w+ tokens joined by spaces).
- related: share of annotated related link texts found among the extracted related links
  (same normalisation, equal or one containing the other).
This is a benchmark, not a test: it reads the shared fixtures at run time.
"""

from __future__ import annotations

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


@dataclass
class Result:
    name: str
    triples: list[tuple[float, float, float]] = field(default_factory=list)
    captions_total: int = 0
    captions_hit: int = 0
    related_pages: int = 0
    leak_pages: int = 0
    related_total: int = 0
    related_hit: int = 0
    seconds: float = 0.0
    pages: int = 0
    leaks: list[str] = field(default_factory=list)


# An extractor gives (body_text, figure captions, related link titles).
Extractor = Callable[[str, str], tuple[str, list[str], list[str]]]


def readerterm_extractor(html: str, url: str) -> tuple[str, list[str], list[str]]:
    doc = extract_document(html, url)
    figures = [b.image for b in doc.blocks if b.kind == "figure" and b.image]
    if doc.lead_image:
        figures.append(doc.lead_image)
    captions = [" ".join(x for x in (i.caption, i.credit) if x) for i in figures]
    return doc.body_text, captions, [norm(r.title) for r in doc.related]


def trafilatura_extractor(html: str, url: str) -> tuple[str, list[str], list[str]]:
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False) or ""
    return text, [], []


def run(name: str, fn: Extractor, pages: Path, truth: dict[str, dict[str, str]],
        notes: dict[str, dict[str, list[str]]]) -> Result:
    res = Result(name)
    for key in sorted(truth):
        html = gzip.decompress((pages / "html" / f"{key}.html.gz").read_bytes()).decode(
            "utf-8", "replace")
        start = time.perf_counter()
        body, captions, related = fn(html, truth[key].get("url", ""))
        res.seconds += time.perf_counter() - start
        res.pages += 1
        res.triples.append(shingle_match(truth[key].get("articleBody", ""), body))
        note = notes.get(key, {})
        wanted_caps = note.get("captions_in_article", [])
        res.captions_total += len(wanted_caps)
        res.captions_hit += sum(caption_found(c, captions) for c in wanted_caps)
        wanted_rel = note.get("related_link_texts", [])
        if wanted_rel:
            res.related_pages += 1
            body_norm = f" {norm(body)} "
            leaked = [t for t in wanted_rel if len(t.split()) >= 3 and f" {t} " in body_norm]
            if leaked:
                res.leak_pages += 1
                res.leaks.append(f"{key[:12]}: {leaked[0][:60]}")
            res.related_total += len(wanted_rel)
            res.related_hit += sum(related_found(t, related) for t in wanted_rel)
    return res


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    pages = Path(args[0]) if args else ROOT.parent / "shared" / "fixtures" / "pages"
    truth = json.loads((pages / "ground-truth.json").read_text(encoding="utf-8"))
    notes = json.loads((pages / "annotations.json").read_text(encoding="utf-8"))
    results = [run("readerterm", readerterm_extractor, pages, truth, notes),
               run("trafilatura", trafilatura_extractor, pages, truth, notes)]
    print(f"{len(truth)} pages in {pages}")
    print(f"{'extractor':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'captions':>9} "
          f"{'leak':>7} {'related':>8} {'pages/s':>8}")
    for r in results:
        f1, p, rec = f1_score(r.triples)
        captions = _pct(r.captions_hit, r.captions_total)
        leak = _pct(r.leak_pages, r.related_pages)
        related = _pct(r.related_hit, r.related_total)
        print(f"{r.name:<12} {f1:6.3f} {p:6.3f} {rec:6.3f} {captions:>9} {leak:>7} "
              f"{related:>8} {r.pages / r.seconds:8.1f}")
    print(f"captions: {results[0].captions_total} annotated; related: "
          f"{results[0].related_total} link texts on {results[0].related_pages} pages")
    if "-v" in argv:
        for r in results[:1]:
            for line in r.leaks:
                print("leak", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
