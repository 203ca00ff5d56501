"""Search queries as people type them, made into FTS5 queries; hits with highlight spans.

FTS5's syntax is kept as it is (words, "a phrase", prefix*, AND/OR/NOT, parentheses,
NEAR(...), title:/body: filters); what FTS5 would reject although the meaning is plain is
quoted instead: `covid-19`, `U.S.`, `don't`, `C++` search for those words as a phrase,
and `-word` after a word means NOT word. A query that stays unreadable (an unbalanced
quote, an operator with nothing on one side) raises SearchError with a one-line message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readerterm.models import ArticleRow
from readerterm.store.cache import SearchError

MARKS = ("\x02", "\x03")
HINT = '(use words, "a phrase", prefix*, AND, OR, NOT)'
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
COLUMNS = ("title", "body")

_TOKEN = re.compile(r'"(?:[^"]|"")*"\*?|"[^"]*$|[()]|[^\s()"]+')
_BARE = re.compile(r"\^?\w+\*?")


@dataclass(frozen=True)
class SearchHit:
    """One search result: the article's list row and its snippet, split into plain text
    and the (start, end) character spans of the matched words, for highlighting."""

    row: ArticleRow
    snippet: str
    spans: tuple[tuple[int, int], ...]


def split_marks(text: str, marks: tuple[str, str] = MARKS) -> tuple[str, tuple[tuple[int, int],
                                                                            ...]]:
    """`text` without the highlight marks, and the spans the marks enclosed."""
    start_mark, end_mark = marks
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    pos = 0
    while pos < len(text):
        if text.startswith(start_mark, pos):
            opened = length
            pos += len(start_mark)
        elif text.startswith(end_mark, pos):
            if opened is not None and length > opened:
                spans.append((opened, length))
            opened = None
            pos += len(end_mark)
        else:
            plain.append(text[pos])
            length += 1
            pos += 1
    return "".join(plain), tuple(spans)


def _quote(word: str) -> str:
    star = "*" if word.endswith("*") else ""
    core = word.rstrip("*")
    if not re.search(r"\w", core):
        return ""
    return '"' + core.replace('"', '""') + '"' + star


def prepare(query: str) -> str:
    """The FTS5 query for what the user typed. Raises SearchError for an unbalanced quote
    or an empty query."""
    if not query.strip():
        raise SearchError("empty search: type some words")
    out: list[str] = []
    for token in _TOKEN.findall(query):
        if token.startswith('"'):
            if len(token) == 1 or not token.rstrip("*").endswith('"') or token == '"*':
                raise SearchError(f"unbalanced quote in the search {query!r}: close the "
                                  f'"phrase" or leave the quote out')
            out.append(token)
        elif token in OPERATORS or token in "()" or _BARE.fullmatch(token):
            out.append(token)
        elif ":" in token and token.split(":", 1)[0] in COLUMNS:
            column, rest = token.split(":", 1)
            word = rest if _BARE.fullmatch(rest) else _quote(rest)
            if word:
                out.append(f"{column}:{word}")
        elif token.startswith("-") and len(token) > 1:
            word = token[1:] if _BARE.fullmatch(token[1:]) else _quote(token[1:])
            if word:
                if out and out[-1] not in OPERATORS and out[-1] != "(":
                    out.append("NOT")
                out.append(word)
        else:
            word = _quote(token)
            if word:
                out.append(word)
    if not out:
        raise SearchError(f"nothing to search for in {query!r}: type some words")
    return " ".join(out)


def explain(query: str, error: BaseException | None) -> SearchError:
    """A one-line message for a query FTS5 refused (`error` is SQLite's own)."""
    message = str(error).removeprefix("fts5: ")
    if message == 'syntax error near ""':
        what = "the search ends with an operator or an open parenthesis"
    elif message.startswith("syntax error near"):
        near = message.removeprefix("syntax error near ").strip('"')
        if near in OPERATORS:
            what = f"{near} needs a word on each side (write \"{near.lower()}\" to find the word)"
        else:
            what = f"cannot read it near {near!r}"
    elif message.startswith("no such column"):
        what = f"{message.split(':', 1)[-1].strip()}: is not a field (title: or body:)"
    elif message.startswith("unterminated string"):
        what = 'an unbalanced quote: close the "phrase"'
    else:
        what = message
    return SearchError(f"cannot read the search {query!r}: {what} {HINT}")
