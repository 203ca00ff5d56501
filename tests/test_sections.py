"""tui/widgets/sections.py on its own: the tree it builds from feeds, its counts, the
feeds a refresh of a selection covers, and the selection kept when the feeds change."""

from __future__ import annotations

from textual.app import App, ComposeResult

from readerterm.models import FeedRow
from readerterm.tui.service import ALL, Selection
from readerterm.tui.widgets.sections import SectionsTree

FEEDS = [
    FeedRow(1, "https://a.example/rss", "Alpha", "World", unread=3),
    FeedRow(2, "https://b.example/rss", "[b]Bold[/b] [@click=app.quit]x[/]", "World", unread=2),
    FeedRow(3, "https://c.example/rss", "", "Tech", unread=0, status="error", error="HTTP 500"),
]


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SectionsTree(id="sections")


def labels(tree: SectionsTree) -> list[str]:
    out: list[str] = []

    def walk(node: object, depth: int) -> None:
        for child in node.children:  # type: ignore[attr-defined]
            out.append("  " * depth + child.label.plain)
            walk(child, depth + 1)

    walk(tree.root, 0)
    return out


async def test_the_tree_lists_sections_feeds_and_unread_counts() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(SectionsTree)
        tree.show_feeds(FEEDS)
        await pilot.pause()
        assert labels(tree) == [
            "All", "Unread 5", "Starred",
            "World 5", "  Alpha 3", "  [b]Bold[/b] [@click=app.quit]x[/] 2",  # never markup
            "Tech", "  ! https://c.example/rss",  # no title: its URL; an error: marked
        ]


async def test_a_refresh_of_a_selection_covers_its_feeds() -> None:
    app = TreeApp()
    async with app.run_test():
        tree = app.query_one(SectionsTree)
        tree.show_feeds(FEEDS)
        assert tree.feed_ids(Selection("section", "World")) == [1, 2]
        assert tree.feed_ids(Selection("feed", "Alpha", 1)) == [1]
        assert tree.feed_ids(ALL) is None and tree.feed_ids(Selection("unread")) is None
        assert tree.feed(3) == FEEDS[2] and tree.feed(None) is None


async def test_new_counts_relabel_and_the_selection_stays() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(SectionsTree)
        tree.show_feeds(FEEDS)
        tree.select(Selection("feed", "Alpha", 1))
        await pilot.pause()
        assert tree.selection == Selection("feed", "Alpha", 1)
        read_one = [FeedRow(1, "https://a.example/rss", "Alpha", "World", unread=2),
                    *FEEDS[1:]]
        tree.show_feeds(read_one)  # same feeds: only the labels change
        await pilot.pause()
        assert labels(tree)[:5] == ["All", "Unread 4", "Starred", "World 4", "  Alpha 2"]
        assert tree.selection == Selection("feed", "Alpha", 1)
        tree.show_feeds([*read_one, FeedRow(4, "https://d.example/rss", "Delta", "Tech")])
        await pilot.pause()  # a new feed: the tree is built again, the selection kept
        assert "  Delta" in labels(tree)
        assert tree.selection == Selection("feed", "Alpha", 1)
        tree.show_feeds(FEEDS[1:])  # Alpha unsubscribed: back to All
        await pilot.pause()
        assert tree.selection == ALL
