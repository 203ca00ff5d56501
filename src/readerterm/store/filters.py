"""Which articles a list or a search covers, as an SQL condition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ORDERS", "Filters"]

ORDERS = {
    "newest": "a.published DESC, a.id DESC",
    "oldest": "a.published ASC, a.id ASC",
    "feed": "f.position, f.id, a.published DESC, a.id DESC",
}
"""The orders a list can have, as SQL over `articles a JOIN feeds f`."""


@dataclass(frozen=True)
class Filters:
    """Which articles a list or a search covers."""

    section: str | None = None
    feed_id: int | None = None
    unread: bool = False
    starred: bool = False
    since: str | None = None
    until: str | None = None
    search: str | None = None
    """An FTS5 query (search.prepare's output): a saved search's articles."""
    hidden: bool = False
    """Include the articles a filter hides (a list never does)."""
    order: str = "newest"
    """A key of ORDERS: how `Store.articles` sorts."""

    def order_by(self) -> str:
        return ORDERS.get(self.order, ORDERS["newest"])

    def where(self, alias: str = "a") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.section is not None:
            clauses.append(f"{alias}.feed_id IN (SELECT id FROM feeds WHERE section = ?)")
            args.append(self.section)
        if self.feed_id is not None:
            clauses.append(f"{alias}.feed_id = ?")
            args.append(self.feed_id)
        if self.unread:
            clauses.append(f"{alias}.read = 0")
        if self.starred:
            clauses.append(f"{alias}.starred = 1")
        if self.since:
            clauses.append(f"{alias}.published >= ?")
            args.append(self.since)
        if self.until:
            clauses.append(f"{alias}.published < ?")
            args.append(self.until)
        if self.search:
            clauses.append(f"{alias}.id IN (SELECT rowid FROM articles_fts "
                           "WHERE articles_fts MATCH ?)")
            args.append(self.search)
        if not self.hidden:
            clauses.append(f"{alias}.hidden = 0")
        return (" AND ".join(clauses) or "1"), args
