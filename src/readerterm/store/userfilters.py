"""The user's `[[filter]]` rules (userrules.py) applied in the cache: the articles a
rule hides get `hidden = 1` (lists, counts and searches leave them out), the ones a
`read` rule matches are marked read as they arrive.

Each rule is one SQL condition; a pattern is Python's `re` through an SQL function, an
FTS5 query a MATCH on the search index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from readerterm.store.bulk import set_read
from readerterm.store.db import Database
from readerterm.userrules import FilterRule

__all__ = ["apply_filters", "apply_once"]

_COLUMNS = {"title": "a.title", "author": "a.author", "url": "a.url"}
_CHUNK = 500


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(pattern: str, value: str | None) -> int:
    return int(value is not None and _compiled(pattern).search(value) is not None)


def _condition(rule: FilterRule, fts: str) -> tuple[str, list[Any]]:
    """`rule` as an SQL condition on `articles a`; `fts` is its query made for FTS5."""
    if rule.query:
        sql, args = "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", [fts]
    elif rule.field == "text":
        sql = ("a.id IN (SELECT rowid FROM articles_fts WHERE rt_re(?, title) "
               "OR rt_re(?, body))")
        args = [rule.pattern, rule.pattern]
    else:
        sql, args = f"rt_re(?, {_COLUMNS[rule.field]})", [rule.pattern]
    if rule.feed:
        sql += " AND a.feed_id IN (SELECT id FROM feeds WHERE url = ?)"
        args.append(rule.feed)
    elif rule.section:
        sql += " AND a.feed_id IN (SELECT id FROM feeds WHERE section = ?)"
        args.append(rule.section)
    return f"({sql})", args


def _where(rules: Sequence[FilterRule]) -> tuple[str, list[Any]]:
    from readerterm.search import prepare

    parts: list[str] = []
    args: list[Any] = []
    for rule in rules:
        sql, more = _condition(rule, prepare(rule.query) if rule.query else "")
        parts.append(sql)
        args += more
    return (" OR ".join(parts) or "0"), args


def apply_filters(db: Database, rules: Sequence[FilterRule],
                  ids: Sequence[int] | None = None) -> int:
    """Hide what the `hide` rules match and show again what none matches (of `ids`, or
    of every article); with `ids` (articles a refresh just brought), mark read what the
    `read` rules match. Returns how many articles were hidden or shown again."""
    conn = db.conn
    conn.create_function("rt_re", 2, _matches, deterministic=True)
    hide_sql, hide_args = _where([r for r in rules if r.action == "hide"])
    scope, scope_args = "1", []
    chunks: list[list[int]] = [[]] if ids is None else [
        list(ids[i:i + _CHUNK]) for i in range(0, len(ids), _CHUNK)]
    changed = 0
    for chunk in chunks:
        if ids is not None:
            if not chunk:
                continue
            scope, scope_args = f"a.id IN ({','.join('?' * len(chunk))})", list(chunk)
        stale = conn.execute(f"SELECT 1 FROM articles a WHERE {scope} "
                             f"AND hidden IS NOT ({hide_sql}) LIMIT 1",
                             (*scope_args, *hide_args)).fetchone()
        if stale is None:  # nothing to change: no write (a read-only cache stays usable)
            continue
        with db.write() as conn:
            before = conn.total_changes
            conn.execute(f"UPDATE articles AS a SET hidden = ({hide_sql}) WHERE {scope} "
                         f"AND hidden IS NOT ({hide_sql})",
                         (*hide_args, *scope_args, *hide_args))
            changed += conn.total_changes - before
    read_rules = [r for r in rules if r.action == "read"]
    if ids and read_rules:
        read_sql, read_args = _where(read_rules)
        matched: list[int] = []
        for chunk in chunks:
            marks = ",".join("?" * len(chunk))
            matched += [int(r[0]) for r in db.conn.execute(
                f"SELECT a.id FROM articles a WHERE a.id IN ({marks}) AND a.read = 0 "
                f"AND ({read_sql})", (*chunk, *read_args))]
        set_read(db, matched, True)
    return changed


def apply_once(db: Database, rules: Sequence[FilterRule], marker: Path,
               ids: Sequence[int] | None = None) -> int:
    """`apply_filters`, skipped when it has been done: `marker` (a small file in the data
    directory) keeps which rules were applied up to which article. With the same rules
    only the articles added since are looked at; with other rules, every article.
    `ids` (a refresh's new articles) are always looked at."""
    key = hashlib.sha1(repr(list(rules)).encode()).hexdigest()
    try:
        done = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        done = {}
    newest = int(db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0])
    if ids is not None:
        changed = apply_filters(db, rules, ids)
    elif isinstance(done, dict) and done.get("rules") == key:
        since = int(done.get("newest") or 0)
        if since >= newest:
            return 0
        changed = 0
        if rules:  # (with none, new articles are shown as they come: nothing to do)
            added = [int(r[0]) for r in db.conn.execute(
                "SELECT id FROM articles WHERE id > ?", (since,))]
            changed = apply_filters(db, rules, added if len(added) <= 5000 else None)
    else:
        changed = apply_filters(db, rules)
    if ids is None or (isinstance(done, dict) and done.get("rules") == key):
        with contextlib.suppress(OSError):
            marker.write_text(json.dumps({"rules": key, "newest": newest}), encoding="utf-8")
    return changed
