"""History behaves like a browser's: back, forward, and a new visit drops forward entries."""

from __future__ import annotations

from readerterm.tui.history import Entry, History


def visit(h: History, article_id: int) -> None:
    h.visit(Entry(article_id=article_id))


def test_empty_history_goes_nowhere() -> None:
    h = History()
    assert h.current is None
    assert h.back() is None and h.forward() is None
    assert not h.can_back and not h.can_forward


def test_back_and_forward() -> None:
    h = History()
    for n in (1, 2, 3):
        visit(h, n)
    assert h.current == Entry(article_id=3)
    assert h.back() == Entry(article_id=2)
    assert h.back() == Entry(article_id=1)
    assert h.back() is None
    assert h.current == Entry(article_id=1)
    assert h.forward() == Entry(article_id=2)
    assert h.forward() == Entry(article_id=3)
    assert h.forward() is None


def test_a_new_visit_after_back_drops_forward_entries() -> None:
    h = History()
    for n in (1, 2, 3):
        visit(h, n)
    h.back()
    h.back()
    visit(h, 9)
    assert [e.article_id for e in h.entries] == [1, 9]
    assert not h.can_forward
    assert h.back() == Entry(article_id=1)


def test_entries_remember_scroll_and_focus() -> None:
    h = History()
    visit(h, 1)
    h.remember(scroll=42.0, focus="reader")
    visit(h, 2)
    h.remember(scroll=3.0, focus="articles")
    back = h.back()
    assert back is not None and (back.scroll, back.focus) == (42.0, "reader")
    forward = h.forward()
    assert forward is not None and (forward.scroll, forward.focus) == (3.0, "articles")


def test_revisiting_the_current_place_adds_nothing() -> None:
    h = History()
    visit(h, 1)
    visit(h, 2)
    visit(h, 2)
    assert [e.article_id for e in h.entries] == [1, 2]


def test_searches_are_places_too() -> None:
    h = History()
    visit(h, 1)
    h.visit(Entry(search="storm"))
    visit(h, 2)
    back = h.back()
    assert back is not None and back.search == "storm" and back.article_id is None


def test_limit_drops_the_oldest() -> None:
    h = History(limit=3)
    for n in range(10):
        visit(h, n)
    assert [e.article_id for e in h.entries] == [7, 8, 9]
    assert h.index == 2
