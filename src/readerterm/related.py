"""Similar articles from the cache: "More on this story", across every feed.

For one article:

1. Its salient terms: its top terms (store/sig.py, from the title and the text FTS5
   indexed), each weighted (1 + log tf) x idf, with document frequencies from FTS5's
   vocabulary table.
2. Candidates: an FTS5 OR query of the QUERY_TERMS heaviest terms, in bm25 order with
   the title weighted over the body (CANDIDATES of them).
3. Rerank: cosine of the tf-idf term vectors, times a recency factor (a window of a few
   days around the article's date; older coverage is kept, lower).
4. Same-story coverage (high similarity, within the window) from other feeds first, then
   the rest by score; articles below MIN_SCORE (common words only) are left out.
5. Near-duplicates, the same wire story carried by two feeds (term cosine >= COPY_COSINE
   and Jaccard of word 3-shingles >= DUPLICATE), are collapsed into one entry naming
   every feed.

Nothing is precomputed, at start-up or by a refresh: terms are counted, when a query
needs them, for the article and its candidates only (some 40 texts, a few milliseconds),
and FTS5 keeps the document frequencies.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from readerterm.store.cache import Store
from readerterm.store.sig import resemblance, shingles, term_counts

QUERY_TERMS = 10
QUERY_MAX_DF = 0.02  # terms in more of the cache than this share (and 50 articles) only rerank
CANDIDATES = 40
WINDOW_DAYS = 3.0
RECENCY_FLOOR = 0.6  # an article far outside the window keeps this share of its score
MIN_SCORE = 0.04  # below this two articles share only common words: not "more on this story"
SAME_STORY = 0.22  # cosine (recency applied) from which two articles tell the same story
DUPLICATE = 0.5  # shingle Jaccard from which two texts are copies of one story
COPY_COSINE = 0.7  # copies have nearly the same terms: only then are shingles compared
_DF_TTL = 30.0  # seconds a document count is trusted before it is read again
_TF = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]  # 1 + log(tf), tabled


@dataclass(frozen=True)
class Similar:
    """One entry of "More on this story".

    `also_in` names the other feeds carrying a near-copy of this article (collapsed into
    this entry; their ids in `also_ids`). `same_story` is set when the article is judged
    to cover the same story (not just the same subject); `duplicate` when it is a copy of
    the article it was found for (the same wire story in another feed).
    """

    id: int
    title: str
    feed: str
    score: float
    published: str
    also_in: tuple[str, ...] = ()
    also_ids: tuple[int, ...] = ()
    feed_id: int = 0
    url: str | None = None
    same_story: bool = False
    duplicate: bool = False

    def to_json(self) -> dict[str, Any]:
        """The fields of `show --json`'s "similar" entries."""
        out: dict[str, Any] = {"id": self.id, "title": self.title, "feed": self.feed,
                               "score": round(self.score, 3)}
        if self.also_in:
            out["also_in"] = list(self.also_in)
        return out


@dataclass
class _Candidate:
    id: int
    feed_id: int
    feed: str
    title: str
    published: str
    url: str | None
    terms: dict[str, int]
    body: str = ""
    vector: dict[str, float] = field(default_factory=dict)
    norm: float = 1.0
    cosine: float = 0.0
    score: float = 0.0
    same_story: bool = False
    also: list[tuple[int, str]] = field(default_factory=list)


def _when(stamp: str) -> float:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


class SimilarFinder:
    """Finds similar articles in one Store. Keeps a cache of document frequencies
    (refreshed as the cache grows); safe to share between threads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._df: dict[str, tuple[float, int]] = {}
        self._docs = 0
        self._docs_at = -_DF_TTL
        self._df_docs = 0

    # -- document frequencies ----------------------------------------------------------
    def _doc_count(self) -> int:
        now = time.monotonic()
        if now - self._docs_at > _DF_TTL:
            self._docs = int(self.store.conn.execute(
                "SELECT COUNT(*) FROM articles").fetchone()[0])
            self._docs_at = now
            # Frequencies drift as articles come and go: forget them after 5% of change.
            if abs(self._docs - self._df_docs) > 0.05 * max(self._df_docs, 20):
                with self._lock:
                    self._df = {}
                    self._df_docs = self._docs
        return self._docs

    def _idf(self, terms: Iterable[str], docs: int) -> dict[str, tuple[float, int]]:
        """(idf, document frequency) of each term, from the cache of them or FTS5's vocabulary."""
        known = self._df
        missing = [t for t in set(terms) if t not in known]
        found: dict[str, int] = {}
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.store.conn.execute(
                f"SELECT term, doc FROM articles_vocab WHERE term IN ({marks})", chunk))
        with self._lock:
            for term in missing:
                n = max(int(found.get(term, 0)), 1)
                known[term] = (math.log(1.0 + (docs - n + 0.5) / (n + 0.5)), n)
            if len(known) > 500_000:
                self._df = {}
        return known

    @staticmethod
    def _vector(terms: dict[str, int], idf: dict[str, tuple[float, int]]) -> dict[str, float]:
        return {t: _TF[c] * idf[t][0] if c < len(_TF) else (1.0 + math.log(c)) * idf[t][0]
                for t, c in terms.items()}

    # -- the query ---------------------------------------------------------------------
    def similar(self, article_id: int, limit: int = 10) -> list[Similar]:
        """Up to `limit` articles like `article_id`, best first (see the module doc).
        An article that is not in the cache, or has no text, has none."""
        conn = self.store.conn
        row = conn.execute(
            "SELECT f.title, f.body, a.feed_id, a.published, a.url FROM articles_fts f "
            "JOIN articles a ON a.id = f.rowid WHERE f.rowid = ?", (article_id,)).fetchone()
        if row is None or limit <= 0:
            return []
        terms = term_counts(row[0] or "", row[1] or "")
        feed_id, published, url = int(row[2]), str(row[3]), row[4]
        if not terms:
            return []
        docs = self._doc_count()
        idf = self._idf(terms, docs)
        vector = self._vector(terms, idf)
        cap = max(50.0, QUERY_MAX_DF * docs)
        usable = sorted((t for t in vector if idf[t][1] >= 2), key=vector.__getitem__,
                        reverse=True)
        wanted = [t for t in usable if idf[t][1] <= cap][:QUERY_TERMS]
        if len(wanted) < 3:  # an article of common words only: take them all the same
            wanted = usable[:QUERY_TERMS]
        if not wanted:
            return []
        query = " OR ".join(f'"{t}"' for t in wanted)
        ids = [r[0] for r in conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            "AND rank MATCH 'bm25(3.0, 1.0)' AND rowid != ? ORDER BY rank LIMIT ?",
            (query, article_id, CANDIDATES))]
        candidates = self._candidates(ids, url)
        if not candidates:
            return []
        idf = self._idf((t for c in candidates for t in c.terms), docs)
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        when = _when(published)
        for cand in candidates:
            other = cand.vector = self._vector(cand.terms, idf)
            cand.norm = math.sqrt(sum(w * w for w in other.values())) or 1.0
            dot = sum(w * other[t] for t, w in vector.items() if t in other)
            cand.cosine = dot / (norm * cand.norm)
            days = abs(_when(cand.published) - when) / 86400.0
            recency = 1.0 / (1.0 + (days / WINDOW_DAYS) ** 2)
            cand.score = cand.cosine * (RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) * recency)
            cand.same_story = cand.score >= SAME_STORY and days <= 2 * WINDOW_DAYS
        candidates = [c for c in candidates if c.score >= MIN_SCORE]
        candidates.sort(key=lambda c: (not (c.same_story and c.feed_id != feed_id), -c.score))
        return self._collapse(article_id, row[1] or "", candidates, limit)

    def _candidates(self, ids: list[int], own_url: str | None) -> list[_Candidate]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.store.conn.execute(
            "SELECT a.id, a.feed_id, COALESCE(NULLIF(f.title, ''), f.url), a.title, "
            "a.published, a.url, t.title, t.body FROM articles a "
            "JOIN feeds f ON f.id = a.feed_id JOIN articles_fts t ON t.rowid = a.id "
            f"WHERE t.rowid IN ({marks})", ids)
        return [_Candidate(id=r[0], feed_id=r[1], feed=r[2], title=r[3], published=r[4],
                           url=r[5], terms=term_counts(r[6] or "", r[7] or ""),
                           body=r[7] or "")
                for r in rows if own_url is None or r[5] != own_url]

    @staticmethod
    def _collapse(article_id: int, body: str, ranked: list[_Candidate],
                  limit: int) -> list[Similar]:
        """Fold copies of one text into the first of them; flag copies of the article
        (whose text is `body`)."""
        bodies = {c.id: c.body for c in ranked}
        bodies[article_id] = body
        cache: dict[int, frozenset[tuple[str, ...]]] = {}

        def text_of(aid: int) -> frozenset[tuple[str, ...]]:
            if aid not in cache:
                cache[aid] = shingles(bodies[aid])
            return cache[aid]

        kept: list[_Candidate] = []
        for cand in ranked:
            if len(kept) >= limit:
                break
            for first in kept:
                if _cosine(first, cand) >= COPY_COSINE and (
                        resemblance(text_of(first.id), text_of(cand.id)) >= DUPLICATE):
                    if cand.feed != first.feed and cand.feed not in (n for _, n in first.also):
                        first.also.append((cand.id, cand.feed))
                    break
            else:
                kept.append(cand)
        return [Similar(id=c.id, title=c.title, feed=c.feed, score=c.score,
                        published=c.published, also_in=tuple(n for _, n in c.also),
                        also_ids=tuple(i for i, _ in c.also), feed_id=c.feed_id, url=c.url,
                        same_story=c.same_story,
                        duplicate=c.cosine >= COPY_COSINE and resemblance(
                            text_of(article_id), text_of(c.id)) >= DUPLICATE)
                for c in kept]


def _cosine(a: _Candidate, b: _Candidate) -> float:
    small, large = (a.vector, b.vector) if len(a.vector) <= len(b.vector) else (b.vector,
                                                                                 a.vector)
    return sum(w * large[t] for t, w in small.items() if t in large) / (a.norm * b.norm)
