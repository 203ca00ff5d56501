"""Search: FTS5 syntax, filters, bm25 order, clear messages for unreadable queries, and
the highlight spans the reader uses. Feeds are refreshed from 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import same_story
from conftest import FeedServer, rss
from readerterm import paths
from readerterm.cli import main
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.library import Filters, Library, SearchError, parse_date_arg
from readerterm.search import prepare, split_marks


@pytest.fixture
def lib(home: Path, server: FeedServer) -> Library:
    articles = same_story.written()
    urls = {name: server.serve(f"/{name.replace(' ', '-').lower()}.xml",
                               same_story.outlet_feed(name, articles))
            for name in same_story.outlets()}
    extra = server.serve("/extra.xml", rss("Extra", [
        ("x1", "Weather", "A ferry crossing was calm; nothing else of note."),
        ("x2", "Ferry prices frozen", "Operators hold fares for the summer."),
    ]))
    p = paths.resolve({"READERTERM_HOME": str(home)})
    save_sections(p.config_dir / "feeds.toml", [
        Section("National", (FeedEntry(urls["Northern Ledger"]),
                             FeedEntry(urls["The Meridian Post"]))),
        Section("Regional", (FeedEntry(urls["Coastline Daily"]),
                             FeedEntry(urls["Valley Courier"]), FeedEntry(urls["Harbour Wire"]),
                             FeedEntry(extra)))])
    library = Library.open(p)
    asyncio.run(library.refresh(fulltext=False))
    return library


def titles(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.title for r in rows]


def test_words_phrase_prefix(lib: Library) -> None:
    assert len(lib.search("osterlind")) == 4
    phrase = titles(lib.search('"hosepipe ban"'))
    assert len(phrase) == 2 and all("Aldmere" in t for t in phrase)
    # The words apart match more than the phrase: every article holding both words,
    # anywhere, and so every article holding the phrase.
    apart = lib.search("ferry fire")
    together = lib.search('"ferry fire"')
    assert len(apart) > len(together) and {r.id for r in together} <= {r.id for r in apart}
    for row in apart:
        view = lib.article(row.id)
        text = f"{view.title} {view.document.body_text}".lower()
        assert "ferry" in text and "fire" in text, row.title
    assert set(titles(lib.search("osterl*"))) == set(titles(lib.search("osterlind")))
    assert titles(lib.search("tessal*")) and not lib.search("tessalx*")


def test_boolean_operators(lib: Library) -> None:
    ferry = set(titles(lib.search("ferry")))
    no_fire = set(titles(lib.search("ferry NOT fire")))
    assert no_fire and no_fire < ferry
    assert not any("fire" in t.lower() for t in no_fire)
    both = set(titles(lib.search("comet OR recount")))
    assert both == set(titles(lib.search("comet"))) | set(titles(lib.search("recount")))
    assert set(titles(lib.search("ferry AND strike"))) <= ferry
    # A dash after a word means NOT, as in most search boxes.
    assert set(titles(lib.search("ferry -fire"))) == no_fire


def test_filters(lib: Library) -> None:
    all_hits = lib.search("percent")
    national = lib.search("percent", Filters(section="National"))
    assert national and len(national) < len(all_hits)
    assert {r.feed for r in national} <= {"Northern Ledger", "The Meridian Post"}
    ledger = next(f for f in lib.feeds() if f.title == "Northern Ledger")
    assert {r.feed for r in lib.search("percent", Filters(feed_id=ledger.id))} == {
        "Northern Ledger"}
    first = all_hits[0]
    lib.mark(first.id, read=True, starred=True)
    unread = lib.search("percent", Filters(unread=True))
    assert first.id not in {r.id for r in unread} and len(unread) == len(all_hits) - 1
    assert [r.id for r in lib.search("percent", Filters(starred=True))] == [first.id]
    june_10_to_12 = Filters(since=parse_date_arg("2026-06-10"), until=parse_date_arg("2026-06-12"))
    dated = lib.search("percent OR tessaly OR comet", june_10_to_12)
    assert dated and all("2026-06-10" <= r.published < "2026-06-12" for r in dated)
    assert any("Tessaly" in r.title for r in dated)
    assert not any("Comet" in r.title for r in dated)  # 12 June is outside


def test_title_match_ranks_above_body_only_match(lib: Library) -> None:
    rows = lib.search("ferry")
    # The two articles with "ferry" in their titles come first.
    assert set(titles(rows[:2])) == {
        "Ferry prices frozen",
        "Fire on the Osterlind ferry: 212 passengers taken off in the Varna Strait"}
    title_ranks = [i for i, r in enumerate(rows) if "ferry" in r.title.lower()]
    body_only = [i for i, r in enumerate(rows) if "ferry" not in r.title.lower()]
    assert title_ranks == [0, 1] and body_only and max(title_ranks) < min(body_only)
    # The short "Weather" item mentions ferry only in its body: below every title match.
    assert titles(rows).index("Weather") > max(title_ranks)


@pytest.mark.parametrize("query, words", [
    ('"unbalanced', "unbalanced quote"),
    ('ferry "fire', "unbalanced quote"),
    ("ferry AND", "ends with an operator"),
    ("ferry OR", "ends with an operator"),
    ("NOT ferry", "NOT needs a word on each side"),
    ("(ferry", "ends with an operator or an open parenthesis"),
    ("", "empty search"),
    ("???", "nothing to search for"),
])
def test_unreadable_queries_get_a_clear_message(lib: Library, query: str, words: str) -> None:
    with pytest.raises(SearchError) as caught:
        lib.search(query)
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_punctuation_is_searched_not_rejected(lib: Library) -> None:
    assert titles(lib.search("2.3")) and all(
        "2.3" in lib.article(r.id).document.body_text for r in lib.search("2.3"))
    assert titles(lib.search("engine-room"))
    assert titles(lib.search("Okonkwo's"))
    assert prepare("colour:red") == '"colour:red"'  # not a field: searched as words
    assert prepare("covid-19 AND U.S.") == '"covid-19" AND "U.S."'
    assert prepare('title:ferry "a phrase" pre* (a OR b)') == (
        'title:ferry "a phrase" pre* ( a OR b )')
    assert [r.title for r in lib.search("title:tessaly")] and all(
        "Tessaly" in r.title for r in lib.search("title:tessaly"))


def test_cli_search_exit_codes(lib: Library, capsys: pytest.CaptureFixture[str]) -> None:
    lib.close()
    assert main(["search", '"unbalanced']) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unbalanced quote" in err
    assert main(["search", "ferry AND"]) == 2
    assert "operator" in capsys.readouterr().err
    assert main(["search", "osterlind", "--section", "National", "--since", "2026-06-03",
                 "--json"]) == 0
    out = capsys.readouterr().out
    assert "**Osterlind**" in out


def test_search_hits_give_highlight_spans(lib: Library) -> None:
    hits = lib.search_hits("osterlind")
    assert hits
    for hit in hits:
        assert "\x02" not in hit.snippet and hit.row.snippet == hit.snippet
        assert hit.spans
        for start, end in hit.spans:
            assert hit.snippet[start:end].lower() == "osterlind"
    assert split_marks("a \x02b\x03 c \x02dd\x03") == ("a b c dd", ((2, 3), (6, 8)))
    assert split_marks("no marks") == ("no marks", ())
