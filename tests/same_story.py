"""The labelled same-story set (tests/data/same_story/) as feeds, and its groups.

Used by tests/test_similar.py and benchmarks/similar_bench.py (Precision@5).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from readerterm.related import Similar

DATA = Path(__file__).parent / "data"
SAME_STORY = DATA / "same_story"


def written() -> list[dict[str, str | None]]:
    """The articles written for the project (see written.json's "about")."""
    data = json.loads((SAME_STORY / "written.json").read_text(encoding="utf-8"))
    return list(data["articles"])


def outlet_feed(outlet: str, articles: list[dict[str, str | None]]) -> bytes:
    """An RSS 2.0 feed of one outlet's written articles."""
    slug = outlet.lower().replace(" ", "-")
    items = []
    for n, art in enumerate(a for a in articles if a["outlet"] == outlet):
        when = datetime.fromisoformat(str(art["published"]).replace("Z", "+00:00"))
        items.append(
            f"<item><guid>{slug}-{n}</guid><title>{escape(str(art['title']))}</title>"
            f"<link>http://news.example/{slug}/{n}</link>"
            f"<description>{escape(str(art['body']))}</description>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(outlet)}</title><link>http://news.example/{slug}/</link>"
            + "".join(items) + "</channel></rss>").encode()


def outlets() -> list[str]:
    names: list[str] = []
    for art in written():
        if art["outlet"] not in names:
            names.append(str(art["outlet"]))
    return names


def feeds() -> dict[str, bytes]:
    """Every feed of the set: the written outlets and the real fixture feeds, by name."""
    arts = written()
    out = {name: outlet_feed(name, arts) for name in outlets()}
    real = json.loads((SAME_STORY / "real.json").read_text(encoding="utf-8"))
    for name in real["feeds"]:
        out[name] = (DATA / "feeds" / name).read_bytes()
    return out


def groups() -> dict[str, list[str]]:
    """Same-story groups: name -> entry titles. A word-for-word copy (copy_of) has its
    original's title, so every article with a group's title belongs to it."""
    out: dict[str, list[str]] = {}
    for art in written():
        if art["event"] and str(art["title"]) not in out.get(str(art["event"]), []):
            out.setdefault(str(art["event"]), []).append(str(art["title"]))
    real = json.loads((SAME_STORY / "real.json").read_text(encoding="utf-8"))
    for name, group in real["groups"].items():
        out[name] = list(group["titles"])
    return out


def precision_at_5(similar: Callable[[int], list[Similar]],
                   ids_by_title: dict[str, list[int]]) -> tuple[float, dict[str, float]]:
    """Mean Precision@5 of `similar(id)` over every member of every group.

    k = min(5, the other stories of its group) so a group of three can score 1.0; an entry
    counts when it or an article collapsed into it (also_ids) is in the group.
    Returns (mean over all queries, mean per group)."""
    per_group: dict[str, float] = {}
    scores: list[float] = []
    for name, titles in groups().items():
        members = {i for t in titles for i in ids_by_title.get(t, [])}
        k = min(5, len(titles) - 1)
        group_scores = []
        for title in titles:
            for query in ids_by_title.get(title, []):
                top = similar(query)[:k]
                hits = sum(1 for s in top if s.id in members or set(s.also_ids) & members)
                group_scores.append(hits / k)
        per_group[name] = sum(group_scores) / len(group_scores)
        scores.extend(group_scores)
    return sum(scores) / len(scores), per_group
