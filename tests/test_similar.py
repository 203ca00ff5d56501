"""Similar articles ("More on this story") on the labelled same-story set, through a real
refresh from 127.0.0.1 into a real SQLite cache."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

import same_story
from conftest import FeedServer, rss
from readerterm import paths
from readerterm.cli import main
from readerterm.config import FeedEntry, Section, save_sections
from readerterm.library import BadInput, Library
from readerterm.store.cache import Store
from readerterm.store.schema import MIGRATIONS, VERSION

FERRY = "Fire on the Osterlind ferry: 212 passengers taken off in the Varna Strait"
WIRE = "Tessaly Labs says hackers took 2.3 million customer records"
INQUIRY = "Regulator opens inquiry into Tessaly data breach"


def open_library(home: Path, sections: dict[str, list[str]]) -> Library:
    p = paths.resolve({"READERTERM_HOME": str(home)})
    save_sections(p.config_dir / "feeds.toml",
                  [Section(n, tuple(FeedEntry(u) for u in urls)) for n, urls in sections.items()])
    return Library.open(p)


def serve_outlets(server: FeedServer) -> dict[str, str]:
    articles = same_story.written()
    return {name: server.serve(f"/{name.replace(' ', '-').lower()}.xml",
                               same_story.outlet_feed(name, articles))
            for name in same_story.outlets()}


def ids_by_title(lib: Library) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for row in lib.articles():
        out.setdefault(row.title, []).append(row.id)
    return out


@pytest.fixture
def lib(home: Path, server: FeedServer) -> Library:
    urls = serve_outlets(server)
    library = open_library(home, {"News": list(urls.values())})
    asyncio.run(library.refresh(fulltext=False))
    return library


def test_same_story_from_other_feeds_comes_first(lib: Library) -> None:
    ids = ids_by_title(lib)
    found = lib.similar(ids[FERRY][0])
    group = set(same_story.groups()["ferry-fire"]) - {FERRY}
    assert {s.title for s in found[:3]} == group
    assert all(s.feed != "Northern Ledger" and s.same_story for s in found[:3])
    # The Kellhaven timetable story shares the port and the operator, not the story.
    titles = [s.title for s in found]
    timetable = "Summer timetable adds late sailings from Kellhaven"
    assert timetable not in titles or titles.index(timetable) >= 3
    assert "Glass artists fill the old mill with light" not in titles[:5]
    assert found == sorted(found[:3], key=lambda s: -s.score) + found[3:]
    assert len(lib.similar(ids[FERRY][0], limit=2)) == 2


def test_every_written_story_finds_its_group_first(lib: Library) -> None:
    ids = ids_by_title(lib)
    for name, titles in same_story.groups().items():
        if name not in {a["event"] for a in same_story.written()}:
            continue  # the real-feed groups are scored in the benchmark
        for title in titles:
            found = lib.similar(ids[title][0])
            others = set(titles) - {title}
            # (a copy of the article itself, flagged `duplicate`, may come first)
            top = {s.title for s in [s for s in found if not s.duplicate][:len(others)]}
            assert top == others, (title, [s.title for s in found])


def test_near_duplicate_wire_story_is_collapsed(lib: Library) -> None:
    ids = ids_by_title(lib)
    assert len(ids[WIRE]) == 2  # Harbour Wire's copy and Coastline Daily's
    found = lib.similar(ids[INQUIRY][0])
    wires = [s for s in found if s.title == WIRE]
    assert len(wires) == 1
    entry = wires[0]
    assert {entry.feed, *entry.also_in} == {"Harbour Wire", "Coastline Daily"}
    assert set(ids[WIRE]) == {entry.id, *entry.also_ids}
    assert entry.to_json()["also_in"] == list(entry.also_in)
    # From one copy, the other is flagged as the same report.
    copy = lib.similar(ids[WIRE][0])[0]
    assert copy.title == WIRE and copy.duplicate and copy.id == ids[WIRE][1]


def test_a_refresh_adds_coverage_without_any_index_to_rebuild(home: Path,
                                                              server: FeedServer) -> None:
    """Terms are counted from articles_fts when a query needs them: a feed added later is
    found at once, and a refresh writes no per-article terms anywhere."""
    urls = serve_outlets(server)
    first = {k: urls[k] for k in ("Northern Ledger", "Coastline Daily")}
    lib = open_library(home, {"News": list(first.values())})
    asyncio.run(lib.refresh(fulltext=False))
    ids = ids_by_title(lib)
    before = {s.title for s in lib.similar(ids[FERRY][0])}
    assert "Questions over Strait Lines safety record after Osterlind fire" not in before
    tables = {r[0] for r in lib.store.conn.execute("SELECT name FROM sqlite_master")}
    assert "article_sig" not in tables

    lib.close()
    lib = open_library(home, {"News": list(first.values()),
                              "More": [urls["The Meridian Post"]]})
    report = asyncio.run(lib.refresh(fulltext=False))
    assert report.new_articles > 0
    after = [s for s in lib.similar(ids[FERRY][0]) if s.feed == "The Meridian Post"]
    assert after and after[0].title.startswith("Questions over Strait Lines safety record")

    # An unsubscribed feed's articles leave "more on this story" with them.
    lib.close()
    lib = open_library(home, {"News": [first["Northern Ledger"]]})
    assert {s.feed for s in lib.similar(ids[FERRY][0])} <= {"Northern Ledger"}


def test_unknown_article_and_no_text(lib: Library) -> None:
    with pytest.raises(BadInput):
        lib.similar(999_999)
    ids = ids_by_title(lib)
    assert lib.similar(ids[FERRY][0], limit=0) == []


def test_a_version_1_cache_migrates_and_finds_similar_articles(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    assert isinstance(MIGRATIONS[0], str)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO feeds (id, url, title) VALUES (1, 'http://a/', 'A'), "
                 "(2, 'http://b/', 'B')")
    for n, (feed, title, body) in enumerate([
            (1, "Osterlind ferry fire in the Varna Strait", "Passengers left the Osterlind "
             "ferry in lifeboats after a fire near Kellhaven."),
            (2, "Osterlind evacuated after fire", "The ferry Osterlind was evacuated in the "
             "Varna Strait; the fire started in the engine room near Kellhaven."),
            (2, "Glass art in the old mill", "An exhibition of glass opens at the mill.")], 1):
        conn.execute("INSERT INTO articles (id, feed_id, guid, title, published, first_seen) "
                     "VALUES (?, ?, ?, ?, '2026-06-03T10:00:00Z', '2026-06-03T10:00:00Z')",
                     (n, feed, f"g{n}", title))
        conn.execute("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                     (n, title, body))
    conn.close()

    store = Store(db)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == VERSION >= 4
    from readerterm.related import SimilarFinder

    found = SimilarFinder(store).similar(1)
    assert [s.id for s in found][:1] == [2] and found[0].feed == "B" and found[0].same_story
    store.close()
    again = Store(db)  # opening again migrates nothing
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert again.conn.execute("SELECT COUNT(*) FROM articles_vocab").fetchone()[0] > 10
    again.close()


def test_show_lists_more_on_this_story(lib: Library, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    ids = ids_by_title(lib)
    lib.close()
    assert main(["show", str(ids[FERRY][0]), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {"id", "title", "feed", "body_text", "related", "similar"} <= set(shown)
    assert 0 < len(shown["similar"]) <= 10
    assert all({"id", "title", "feed", "score"} <= set(s) for s in shown["similar"])
    assert shown["similar"][0]["title"] in same_story.groups()["ferry-fire"]
    assert main(["show", str(ids[INQUIRY][0])]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "More on this story" in text
    assert "— Harbour Wire, Coastline Daily" in text or "— Coastline Daily, Harbour Wire" in text


def test_articles_sharing_only_common_words_are_not_listed(home: Path,
                                                           server: FeedServer) -> None:
    # Unrelated local stories: the tram depot shares "river" with the goats and "mill"
    # with the bakery (cosine about 0.03 and 0.01), which is not "more on this story".
    server.serve("/a.xml", rss("A", [
        ("1", "Council approves the new tram depot by the river", "The council voted for "
         "the tram depot beside the river after a long debate about noise, parking and "
         "the cost of the land near the old mill."),
        ("2", "Goats return to the high pastures", "Shepherds drove the goats up to the "
         "summer pastures, where the grass came late after a cold and wet spring; the "
         "river was too high to ford."),
        ("3", "Library extends its opening hours", "The central library will open until "
         "nine on weekdays from March, after readers asked for evening hours."),
        ("4", "Bakery wins regional bread prize", "A family bakery on Mill Lane won the "
         "regional prize for its rye loaf, baked in a wood oven since 1952."),
        ("5", "Chess club moves to the town hall", "The chess club, which has met in a pub "
         "for forty years, will play in the town hall from next month."),
    ]))
    library = open_library(home, {"News": [server.url("/a.xml")]})
    asyncio.run(library.refresh(fulltext=False))
    assert {row.title: library.similar(row.id) for row in library.articles()} == {
        row.title: [] for row in library.articles()}
