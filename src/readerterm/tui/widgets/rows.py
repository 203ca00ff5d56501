"""How one article row of the list is laid out: its title wrapped, then its source and age.

A row is `height` lines high (2 or 3, one height for the whole list, so that row `i` starts
at line `i * height`): the title takes the first lines, and the source and age the last
one, under the title, or right-aligned after the title's end when the title runs onto
that line. A title too long for its lines ends in an ellipsis. Pure: styles are handed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.style import Style
from rich.text import Text

from readerterm.models import ArticleRow
from readerterm.safety import clean_line

WIDE_ROWS = 60
"""A list at least this wide has rows of two lines; a narrower one, of three."""
MARK = 2  # "● " before the title, and the indent of the lines below it


@dataclass(frozen=True)
class RowStyles:
    """The styles of a row's parts."""

    unread: Style
    read: Style
    source: Style
    star: Style
    mark: Style


def row_height(width: int) -> int:
    """Lines per row in a list `width` cells wide."""
    return 2 if width >= WIDE_ROWS else 3


def _meta(row: ArticleRow, when: str, room: int, styles: RowStyles) -> Text:
    meta = Text()
    if row.starred:
        meta.append("★ ", styles.star)
    source = clean_line(row.feed, 200)
    tail = f" · {when}" if when and source else when
    source_room = max(0, room - meta.cell_len - len(tail))
    if source and source_room >= 4:
        name = Text(source, styles.source)
        name.truncate(source_room, overflow="ellipsis")
        meta.append_text(name)
        meta.append(tail, styles.source)
    else:
        meta.append(when, styles.source)
    return meta


def row_lines(row: ArticleRow, when: str, width: int, height: int, console: Console,
              styles: RowStyles) -> list[Text]:
    """The `height` lines of `row` in `width` cells (`when`: its age, already worded)."""
    room = max(1, width - MARK)
    title_style = styles.read if row.read else styles.unread
    title = Text(clean_line(row.title) or "(untitled)", style=title_style)
    wrapped = title.wrap(console, room, overflow="fold")
    for piece in wrapped:
        piece.rstrip()
    meta = _meta(row, when, room, styles)
    title_lines = height - 1
    lines: list[Text] = [wrapped[i] if i < len(wrapped) else Text() for i in range(title_lines)]
    rest = Text(" ").join(wrapped[title_lines:]) if len(wrapped) > title_lines else None
    if height == 2 and rest is None:
        lines.append(meta)  # the title fits its line: the source under it
    elif height == 2:
        # The title's end, then the source right-aligned on the same line.
        tail = rest or Text()
        tail_room = max(0, room - meta.cell_len - 2)
        if tail.cell_len > tail_room:
            tail.truncate(max(1, tail_room), overflow="ellipsis")
        pad = max(1, room - tail.cell_len - meta.cell_len)
        lines.append(Text.assemble(tail, " " * pad, meta))
    else:
        if rest is not None:
            last = Text(" ").join([lines[-1], rest])
            last.truncate(room, overflow="ellipsis")
            lines[-1] = last
        lines.append(meta)
    mark = Text("● " if not row.read else "  ", style=styles.mark)
    out = [Text.assemble(mark, lines[0])]
    out.extend(Text.assemble(" " * MARK, line) for line in lines[1:])
    for line in out:
        line.rstrip()
        line.truncate(width, pad=True)
    return out
