"""The pure parts of the reader's layout: list rows, ages, section labels, and the
publication name of a related link."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from rich.console import Console
from rich.style import Style
from rich.text import Text

from readerterm.library import Library
from readerterm.models import ArticleRow, RelatedLink
from readerterm.related_links import resolve_related
from readerterm.tui.ages import age
from readerterm.tui.widgets.links import RelatedItem
from readerterm.tui.widgets.rows import RowStyles, row_height, row_lines
from readerterm.tui.widgets.sections import _label, fit_label
from sizes_world import LINKED, RUSSIA
from sizes_world import wire as wire
from tui_fixtures import Pages, page
from tui_fixtures import pages as pages

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
STYLES = RowStyles(*(Style() for _ in range(5)))
CONSOLE = Console(width=200)


def row(title: str, feed: str = "The Wire", *, starred: bool = False) -> ArticleRow:
    return ArticleRow(id=1, feed_id=1, title=title, feed=feed, section="", published="",
                      url=None, read=False, starred=starred)


def lines(title: str, width: int, feed: str = "The Wire") -> list[str]:
    out = row_lines(row(title, feed), "3h", width, row_height(width), CONSOLE, STYLES)
    assert all(line.cell_len == width for line in out)
    return [line.plain.rstrip() for line in out]


def test_a_wide_row_is_title_then_source_and_age() -> None:
    assert lines(RUSSIA, 80) == [f"● {RUSSIA}", "  The Wire · 3h"]


def test_a_title_running_onto_the_second_line_keeps_the_source_at_its_end() -> None:
    out = lines(RUSSIA, 60)
    assert out[0] == "● Russia Says Taliban Will Not Harm A Hair On Russian"
    assert out[1].startswith("  Diplomat's Heads") and out[1].endswith("The Wire · 3h")


def test_a_narrow_row_wraps_the_title_on_two_lines_then_the_source() -> None:
    assert lines(RUSSIA, 44) == ["● Russia Says Taliban Will Not Harm A Hair",
                                 "  On Russian Diplomat's Heads", "  The Wire · 3h"]


def test_too_long_a_title_ends_in_an_ellipsis_and_the_age_stays() -> None:
    out = lines(RUSSIA * 3, 44, feed="A publication with a very long name indeed")
    assert out[1].endswith("…")
    assert out[2].endswith("· 3h") and "…" in out[2]


def test_ages_name_the_year_when_it_is_not_this_one() -> None:
    assert age("2025-06-10T09:00:00Z", NOW) == "3h"
    assert age("2025-03-01T09:00:00Z", NOW) == "01 Mar"
    assert age("2012-11-01T09:00:00Z", NOW) == "Nov 2012"


def test_section_labels_keep_their_counts() -> None:
    label = _label("The Meridian Courier: World", 14)
    assert fit_label(label, 40) is label
    fitted = fit_label(label, 20)
    assert fitted.plain == "The Meridian Cou… 14" and fitted.cell_len == 20
    assert fit_label(Text("Top 10"), 4).plain == "Top…"  # no count: the name alone


def test_related_links_name_the_publication(wire: Library) -> None:
    view = wire.article(next(r.id for r in wire.articles() if r.title == RUSSIA))
    sources = {link.title: link.source for link in view.related}
    assert sources[LINKED[0]] == "The Wire"  # cached: its feed
    assert sources[LINKED[10]] == "The Wire"  # not cached, on the same site
    assert view.related[10].article_id is None
    asyncio.run(wire.open_url(view.related[10].url))  # now cached, in "Opened links"
    again = wire.article(view.id).related[10]
    assert again.article_id is not None and again.source == "The Wire"
    other = resolve_related(wire.store, [RelatedLink("Elsewhere", "https://www.example.invalid/a")],
                            view.url, view.feed)
    assert other[0].source == ""
    assert "example.invalid" in RelatedItem(1, other[0]).text.plain  # the host, at last


def test_an_opened_page_names_its_links_by_its_site_name(wire: Library,
                                                          pages: Pages) -> None:
    # A page opened from a link belongs to no subscribed feed: its same-site links are
    # named by the page's og:site_name, not "Opened links" and not the host.
    html = page("A ledger story about the talks", "Ledger Desk", [
        ("Another ledger story about the talks", f"{pages.base}/ledger/other", "Desk")],
        paragraphs=4).replace(
        "<head>", "<head><meta property='og:site_name' content='The Kabul Ledger'>", 1)
    url = pages.serve("/ledger/story", html)
    view = wire.article(asyncio.run(wire.open_url(url)))
    assert view.document.site_name == "The Kabul Ledger"
    assert [link.source for link in view.related] == ["The Kabul Ledger"]
