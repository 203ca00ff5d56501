"""`n` past the last unread article of a feed (or section) moves on to the next feed
(or section) with unread articles and opens its first one, as newsboat's `n` does
(a part of ReaderApp, see tui/base.py)."""

from __future__ import annotations

from readerterm.models import FeedRow
from readerterm.tui.base import ReaderBase
from readerterm.tui.service import ListSource, Selection


def next_with_unread(feeds: list[FeedRow], selection: Selection) -> Selection | None:
    """The feed (for a feed selected) or section (for a section) after `selection`, in
    the sections pane's order and coming round to the top, that has unread articles;
    None when there is none or `selection` is neither."""
    if selection.kind == "feed":
        ids = [f.id for f in feeds]
        if selection.feed_id not in ids:
            return None
        start = ids.index(selection.feed_id) + 1
        for feed in feeds[start:] + feeds[:start - 1]:
            if feed.unread:
                return Selection("feed", feed.title or feed.url, feed.id)
        return None
    if selection.kind == "section":
        unread: dict[str, int] = {}
        for feed in feeds:
            unread[feed.section] = unread.get(feed.section, 0) + feed.unread
        names = list(unread)
        if selection.name not in names:
            return None
        start = names.index(selection.name) + 1
        for name in names[start:] + names[:start - 1]:
            if unread[name]:
                return Selection("section", name)
    return None


class NextFeedActions(ReaderBase):
    """Moving on to the next feed or section with unread articles."""

    async def next_feed_with_unread(self) -> bool:
        """List the next feed (or section) with unread articles and open its first
        unread one; False when the list is not one feed or section, or none is left."""
        if self.source.query is not None:
            return False
        self.feeds = await self.service.feeds()
        target = next_with_unread(self.feeds, self.source.selection)
        if target is None:
            return False
        source = ListSource(target)
        found = await self.service.step_unread(source, -1, 1)
        if found is None:
            return False
        index, article_id = found
        rows = await self.service.page(source, index, 1)
        self.source = source
        self.sections.select(target)  # the list is this source's already: not listed twice
        self.show_list(source, keep=rows[0] if rows else None)
        self.visit_article(article_id)
        self.status.message(f"Next with unread articles: {target.label}")
        return True
