"""The sections pane: All, Unread, Starred, then each section with its feeds and their
unread counts. Feed names are data: labels are built as rich Text, never markup.

A name too long for the pane ends in an ellipsis; its unread count is always shown.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from readerterm.models import FeedRow
from readerterm.safety import clean_line
from readerterm.tui.keys import pane_binding
from readerterm.tui.service import ALL, Selection

COUNT_STYLE = "dim"


def _label(name: str, unread: int, *, error: bool = False, bold: bool = False) -> Text:
    text = Text()
    if error:
        text.append("! ", style="bold red")
    text.append(clean_line(name, 200) or "(untitled)", style="bold" if bold else "")
    if unread:
        text.append(f" {unread}", style=COUNT_STYLE)
    return text


def fit_label(label: Text, room: int) -> Text:
    """`label` in `room` cells: the name cut with an ellipsis, its count (the last span,
    styled COUNT_STYLE) kept whole."""
    if label.cell_len <= room:
        return label
    count = ""
    spans = label.spans
    if spans and spans[-1].style == COUNT_STYLE and spans[-1].end == len(label.plain):
        count = label.plain[spans[-1].start:]
        label = label[:spans[-1].start]
    label = label.copy()
    label.truncate(max(1, room - len(count)), overflow="ellipsis")
    if count:
        label.append(count, style=COUNT_STYLE)
    return label


class SectionsTree(Tree[Selection]):
    """Sections and feeds; `NodeHighlighted` carries the `Selection` as node data."""

    BINDINGS: ClassVar[list[BindingType]] = [
        pane_binding("cursor-down", "cursor_down"),
        pane_binding("cursor-up", "cursor_up"),
        pane_binding("open", "select_cursor"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Feeds"), data=ALL, id=id)
        self.show_root = False
        self.guide_depth = 2
        self._shape: list[tuple[str, int]] = []
        self._feeds: dict[int, FeedRow] = {}
        self.saved: list[tuple[Selection, int]] = []
        """The saved searches and their unread counts, listed after the sections."""

    def process_label(self, label: str | Text) -> Text:  # type: ignore[override]
        """Labels are always plain text: a str is never parsed as markup here."""
        return label.copy() if isinstance(label, Text) else Text(label)

    def render_label(self, node: TreeNode[Selection], base_style: Style,
                     style: Style) -> Text:
        """The label, fitted to the pane's width (names cut, counts kept)."""
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        prefix = 2 if node.allow_expand else 0
        room = self.scrollable_content_region.width - depth * self.guide_depth - prefix - 1
        own = node.label
        label = fit_label(own if isinstance(own, Text) else Text(own), room).copy()
        label.stylize(style)
        if not node.allow_expand:
            return label
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        return Text.assemble((icon, base_style + Style.from_meta({"toggle": True})), label)

    def on_resize(self) -> None:
        self._invalidate()  # the labels are fitted to the width

    def feed(self, feed_id: int | None) -> FeedRow | None:
        return self._feeds.get(feed_id) if feed_id is not None else None

    def feed_ids(self, selection: Selection) -> list[int] | None:
        """The feeds a refresh of `selection` covers (None: all)."""
        if selection.kind == "feed" and selection.feed_id is not None:
            return [selection.feed_id]
        if selection.kind == "section":
            return [f.id for f in self._feeds.values() if f.section == selection.name]
        return None

    @property
    def selection(self) -> Selection:
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else ALL

    def show_feeds(self, feeds: list[FeedRow]) -> None:
        """Fill the tree, or only update the counts when the feeds are the same."""
        before = self._feeds
        self._feeds = {f.id: f for f in feeds}
        shape = [(f.section, f.id) for f in feeds] + [(s.name, -1) for s, _ in self.saved]
        unread_total = sum(f.unread for f in feeds)
        if shape == self._shape and self.root.children:
            if self._feeds != before:  # (opening an article reloads them: one changed)
                self._update_labels(feeds, unread_total, before)
            self._update_saved()
            return
        keep = self.selection
        self._shape = shape
        self.clear()
        root = self.root
        root.add_leaf(_label("All", 0, bold=True), data=ALL)
        root.add_leaf(_label("Unread", unread_total, bold=True), data=Selection("unread"))
        root.add_leaf(_label("Starred", 0, bold=True), data=Selection("starred"))
        sections: dict[str, TreeNode[Selection]] = {}
        for feed in feeds:
            name = feed.section or "Uncategorized"
            node = sections.get(name)
            if node is None:
                unread = sum(f.unread for f in feeds if (f.section or "Uncategorized") == name)
                node = root.add(_label(name, unread, bold=True),
                                data=Selection("section", feed.section), expand=True)
                sections[name] = node
            node.add_leaf(_label(feed.title or feed.url, feed.unread,
                                 error=feed.status in ("error", "dead")),
                          data=Selection("feed", feed.title or feed.url, feed.id))
        if self.saved:
            node = root.add(_label("Saved searches", 0, bold=True), data=None, expand=True)
            for selection, unread in self.saved:
                node.add_leaf(_label("⌕ " + selection.name, unread), data=selection)
        self.select(keep)

    def _update_saved(self) -> None:
        counts = {s: unread for s, unread in self.saved}

        def walk(node: TreeNode[Selection]) -> None:
            for child in node.children:
                if child.data is not None and child.data in counts:
                    child.set_label(_label("⌕ " + child.data.name, counts[child.data]))
                walk(child)

        walk(self.root)

    def _update_labels(self, feeds: list[FeedRow], unread_total: int,
                       before: dict[int, FeedRow]) -> None:
        by_id = {f.id: f for f in feeds}

        def walk(node: TreeNode[Selection]) -> None:
            for child in node.children:
                data = child.data
                if data is None:
                    continue
                if data.kind == "unread":
                    child.set_label(_label("Unread", unread_total, bold=True))
                elif data.kind == "section":
                    unread = sum(f.unread for f in feeds if f.section == data.name)
                    child.set_label(_label(data.name or "Uncategorized", unread, bold=True))
                elif data.kind == "feed" and data.feed_id in by_id:
                    f = by_id[data.feed_id]
                    if before.get(f.id) == f:
                        continue  # a feed's label is set again only when it changed
                    child.set_label(_label(f.title or f.url, f.unread,
                                           error=f.status in ("error", "dead")))
                walk(child)

        walk(self.root)

    def select(self, selection: Selection) -> None:
        """Move the cursor to `selection` (All when it is gone)."""
        target = 0

        def walk(node: TreeNode[Selection]) -> TreeNode[Selection] | None:
            for child in node.children:
                if child.data == selection:
                    return child
                found = walk(child)
                if found is not None:
                    return found
            return None

        node = walk(self.root)
        # A tree just built again has no line numbers until they are asked for (lines
        # are built lazily); last_line builds them, so the kept node is found.
        if node is not None and self.last_line >= 0 and node.line >= 0:
            target = node.line
        self.cursor_line = target
