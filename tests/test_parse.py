"""parse_feed on real feeds (tests/data/feeds) and hostile payloads (tests/data/hostile)."""

from __future__ import annotations

import json
import socket
import unicodedata
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chardet
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readerterm.feeds._charset import SAMPLE
from readerterm.feeds.parse import MAX_ENTRIES, NotAFeed, parse_feed
from readerterm.models import ParsedEntry, ParsedFeed
from readerterm.safety import safe_url

DATA = Path(__file__).parent / "data"
FEEDS = DATA / "feeds"
HOSTILE = DATA / "hostile"
NOW = datetime(2026, 6, 1, tzinfo=UTC)

FEED_FILES = sorted(
    p for p in FEEDS.iterdir() if p.is_file() and p.suffix not in (".tsv", ".md")
)
NOT_FEEDS = {
    "feedparser__cdf_channel_title.xml",  # Microsoft CDF, not RSS/Atom
    "feedparser__illformed_rss_empty_document.xml",  # only a comment
    "gofeed__empty_feed.xml",  # zero bytes
    "nnw__ScriptingNews.json",  # RSS-in-JSON, not JSON Feed
    "nnw__allthis-partial.json",  # truncated JSON
    "rssparser__unrecognized.rss",  # an HTML "Document Moved" page
}


def parse(path: Path, url: str | None = "https://feed.example/feed.xml") -> ParsedFeed:
    return parse_feed(path.read_bytes(), {}, url=url, now=NOW)


def feed(name: str, url: str | None = "https://feed.example/feed.xml") -> ParsedFeed:
    return parse(FEEDS / name, url)


def unsafe_chars(text: str) -> list[str]:
    return [ch for ch in text if ch not in "\n\t"
            and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co")]


def all_lines(parsed: ParsedFeed) -> list[str]:
    """Every one-line field that reaches the screen as text."""
    out = [parsed.title]
    for e in parsed.entries:
        out += [e.title, e.author, *e.categories]
        if e.lead_image:
            out += [e.lead_image.caption, e.lead_image.credit, e.lead_image.alt]
        out += [r.title for r in e.related]
    return out


def all_urls(parsed: ParsedFeed) -> list[str]:
    urls = [parsed.link] if parsed.link else []
    for e in parsed.entries:
        urls += [e.link] if e.link else []
        urls += [enc.url for enc in e.enclosures]
        urls += [r.url for r in e.related]
        urls += [e.lead_image.src] if e.lead_image and e.lead_image.src else []
    return urls


def check_invariants(parsed: ParsedFeed) -> None:
    assert len(parsed.entries) <= MAX_ENTRIES
    guids = [e.guid for e in parsed.entries]
    assert len(guids) == len(set(guids)), "guids are unique within a feed"
    for e in parsed.entries:
        assert e.guid and e.title
        assert e.published is None or datetime(1970, 1, 1, tzinfo=UTC) <= e.published <= NOW
    for line in all_lines(parsed):
        assert not unsafe_chars(line), line
        assert "\n" not in line and len(line) <= 2000
    for url in all_urls(parsed):
        assert safe_url(url) == url, url
    # Sorting by date never raises (None sorts first).
    sorted(parsed.entries, key=lambda e: (e.published is not None, e.published or NOW))


# -- every fixture ---------------------------------------------------------------------


def test_fixture_list_is_complete() -> None:
    assert len(FEED_FILES) >= 110
    assert {p.name for p in FEED_FILES} >= NOT_FEEDS


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_every_fixture_parses(path: Path) -> None:
    if path.name in NOT_FEEDS:
        with pytest.raises(NotAFeed, match=r"^not a feed: "):
            parse(path)
        return
    parsed = parse(path)
    check_invariants(parsed)
    assert parsed.kind


# -- chosen real feeds -----------------------------------------------------------------


def test_guardian_photo_credit_section_and_story() -> None:
    parsed = feed("rssparser__guardian.rss")
    assert parsed.title == "The Guardian"
    assert parsed.kind == "rss20"
    assert len(parsed.entries) == 55
    first = parsed.entries[0]
    assert first.title == "Trump State of the Union address promised unity but emphasized discord"
    assert first.author == "David Smith in Washington"
    assert first.published == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert first.section == "Donald Trump"
    assert first.categories[:2] == ("Donald Trump", "State of the Union address")
    assert first.lead_image is not None
    assert "w=460" in first.lead_image.src  # the widest of the media:content images
    assert first.lead_image.credit == "Photograph: Networ/Sipa USA/REX/Shutterstock"
    assert "new American moment" in first.content_html
    with_credit = [e for e in parsed.entries if e.lead_image and e.lead_image.credit]
    assert len(with_credit) >= 40


CAPTIONED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>News</title><link>https://news.example/</link><description>d</description>
<item>
<title>Story</title><link>https://news.example/story</link><guid>https://news.example/story</guid>
%(first)s
%(second)s
</item></channel></rss>"""
STORY = (b"<description>&lt;p&gt;The real story: the council voted on Tuesday to close the "
         b"old bridge, after three years of arguments.&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;"
         b"</description>")
MEDIA = (b'<media:content url="https://img.example/p.jpg" medium="image" width="1200">'
         b"<media:description>Protesters on the old bridge on Tuesday.</media:description>"
         b'<media:credit scheme="urn:ebu">Photograph: A. Person/Agency</media:credit>'
         b"</media:content>")


@pytest.mark.parametrize("order", ["story-then-caption", "caption-then-story"])
def test_story_is_chosen_over_photo_caption(order: str) -> None:
    """Guardian/HuffPost shape: feedparser files the second description under content."""
    first, second = (STORY, MEDIA) if order == "story-then-caption" else (MEDIA, STORY)
    body = CAPTIONED % {b"first": first, b"second": second}
    entry = parse_feed(body, url="https://news.example/rss", now=NOW).entries[0]
    assert "The real story" in entry.content_html
    assert "Protesters" not in entry.content_html
    assert "Protesters" not in entry.summary_html
    assert entry.lead_image is not None
    assert entry.lead_image.src == "https://img.example/p.jpg"
    assert entry.lead_image.caption == "Protesters on the old bridge on Tuesday."
    assert entry.lead_image.credit == "Photograph: A. Person/Agency"


def test_youtube_description_is_the_story_not_a_caption() -> None:
    parsed = feed("feedjira__youtube_atom.xml")
    assert len(parsed.entries) == 15
    first = parsed.entries[0]
    assert first.guid == "yt:video:5shykyfmb28"
    assert first.content_html.startswith("A question is the most powerful force")
    assert first.lead_image is not None
    assert first.lead_image.src == "https://i2.ytimg.com/vi/5shykyfmb28/hqdefault.jpg"
    assert first.lead_image.caption == ""


def test_vimeo_thumbnail_with_media_credit() -> None:
    entry = feed("feedrs__rss_2.0_vimeo_media.xml").entries[0]
    assert entry.lead_image is not None
    assert entry.lead_image.src.startswith("https://i.vimeocdn.com/video/1931613648-")
    assert entry.lead_image.credit == "Failla Wines"
    assert entry.published == datetime(2024, 9, 27, 16, 29, 11, tzinfo=UTC)


def test_first_figure_of_content_is_the_lead_image() -> None:
    entry = feed("nnw__root-author.atom").entries[0]
    assert entry.author == "Florens Verschelde"  # only given at feed level
    assert entry.lead_image is not None
    assert entry.lead_image.src == "https://fvsch.com/articles/raw-power-mac/rawpower-ui.png"
    assert entry.lead_image.alt == "Screenshot of the RAW Power app."


def test_podcast_enclosures() -> None:
    parsed = feed("feedjira__CRE.xml")
    assert len(parsed.entries) == 30
    assert all(len(e.enclosures) >= 1 for e in parsed.entries)
    enclosure = parsed.entries[0].enclosures[0]
    assert enclosure.type == "audio/mp4"
    assert enclosure.length == 37143728
    assert enclosure.url.endswith("cre207-planetarien.m4a")


def test_atom_related_links() -> None:
    parsed = feed("nnw__DaringFireball.rss")  # named .rss, is Atom
    assert parsed.kind == "atom10"
    assert len(parsed.entries) == 47
    first = parsed.entries[0]
    assert first.link == ("http://recode.net/2016/02/27/remark-your-calendars-apples-product-"
                          "event-will-week-of-march-21/")
    assert [r.url for r in first.related] == [
        "http://daringfireball.net/linked/2016/02/27/swisher-apple-event"]


def test_relative_links_resolved_against_feed_url() -> None:
    parsed = feed("nnw__qemu.atom", url="https://www.qemu.org/feed.xml")
    assert parsed.link == "https://www.qemu.org/"
    assert parsed.entries[0].link == "https://www.qemu.org/2025/08/26/qemu-10-1-0/"
    assert parsed.entries[0].categories == ("releases", "qemu 10.1")


def test_only_http_links_among_several_alternates() -> None:
    entry = feed("newsboat__multiple_item_links.atom").entries[0]
    assert entry.link == "http://www.test.org/tests"  # not gemini: or gopher:


@pytest.mark.parametrize(("name", "version"), [
    ("gofeed__json10_feed.json", "json10"),
    ("gofeed__json11_feed.json", "json11"),
])
def test_json_feed_versions(name: str, version: str) -> None:
    parsed = feed(name)
    assert parsed.kind == version
    assert parsed.link == "https://sample-json-feed.com"
    (entry,) = parsed.entries
    assert entry.guid == "id"
    assert entry.title == "title"
    assert entry.link == "https://sample-json-feed.com/id"
    assert entry.author == "author_name"
    assert entry.categories == ("tag1", "tag2")
    assert entry.content_html == "<p>content_html</p>"
    assert entry.published is not None
    assert entry.published.replace(microsecond=0) == datetime(2019, 10, 12, 7, 20, 50, tzinfo=UTC)
    assert entry.lead_image is not None
    assert entry.lead_image.src == "https://sample-json-feed.com/image.png"
    assert [(e.url, e.type, e.length) for e in entry.enclosures] == [
        ("https://sample-json-feed.com/attachment", "audio/mpeg", 100)]


def test_real_json_feeds() -> None:
    fireball = feed("nnw__DaringFireball.json")
    assert (fireball.title, fireball.kind, len(fireball.entries)) == ("Daring Fireball",
                                                                      "json10", 48)
    assert fireball.entries[0].author == "John Gruber"
    assert fireball.entries[0].published == datetime(2017, 6, 27, 0, 54, 17, tzinfo=UTC)
    elastic = feed("feedrs__jsonfeed_elastic_1.1.json")
    assert elastic.kind == "json11"
    assert elastic.title == "Blog – InfluxData"  # &#8211; decoded once
    assert elastic.entries[0].title == (
        "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark")
    assert len(feed("nnw__rose.json").entries) == 84
    assert len(feed("feedjira__json_feed_with_escaped_uris.json").entries) == 30


JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}'


# Each way a body is found to be JSON, alone: removing any one of them fails its test.
@pytest.mark.parametrize("body", [JSON_FEED, b"\n\n  " + JSON_FEED, b"\xef\xbb\xbf" + JSON_FEED],
                         ids=["plain", "white-space", "bom"])
def test_json_feed_detected_by_its_first_byte_whatever_the_type(body: bytes) -> None:
    """Body sniffing: "{" first (after a BOM and white space) is JSON, even served as XML."""
    parsed = parse_feed(body, {"Content-Type": "application/rss+xml"}, now=NOW)
    assert (parsed.kind, parsed.title, parsed.entries) == ("json11", "T", ())


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json",
                                          "text/json; charset=utf-8"])
def test_json_feed_detected_by_content_type_alone(content_type: str) -> None:
    """More white space before the "{" than the sniffer reads: only the type tells."""
    body = b"\n" * 100 + JSON_FEED
    parsed = parse_feed(body, {"Content-Type": content_type}, now=NOW)
    assert (parsed.kind, parsed.title, parsed.entries) == ("json11", "T", ())
    with pytest.raises(NotAFeed):  # the same body served as XML is no feed
        parse_feed(body, {"Content-Type": "application/rss+xml"}, now=NOW)


def test_json_feed_attachments_follow_the_enclosure_rules() -> None:
    """Attachments are enclosures: safe URLs only, each URL once (as in RSS and Atom)."""
    audio = {"url": "https://a.example/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 9}
    item = {"id": "1", "url": "https://a.example/1", "attachments": [
        audio, dict(audio, size_in_bytes=1), 5, {"url": "javascript:alert(1)"},
        {"url": "/b.ogg", "mime_type": "audio/ogg"}]}
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]})
    entry = parse_feed(body.encode(), url="https://a.example/feed.json", now=NOW).entries[0]
    assert [(e.url, e.type, e.length) for e in entry.enclosures] == [
        ("https://a.example/a.mp3", "audio/mpeg", 9), ("https://a.example/b.ogg", "audio/ogg", 0)]


def test_xml_served_as_json_is_read_as_xml() -> None:
    """A JSON type does not make a body that starts with "<" JSON."""
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T'
            b"</title><item><title>A</title><guid>a</guid></item></channel></rss>")
    parsed = parse_feed(body, {"Content-Type": "application/json"}, now=NOW)
    assert (parsed.kind, parsed.title, [e.title for e in parsed.entries]) == ("rss20", "T", ["A"])


@pytest.mark.parametrize(("name", "title", "first"), [
    ("miniflux__koi8r.xml", "Пример RSS ленты", "Первая новость"),
    ("miniflux__encoding_WINDOWS-1251.xml", "iBash.Org.Ru", "Цитата #17703"),
    ("feedrs__rss_0.91_encoding_1.xml", None, "bash - Expansão de Parâmetros"),
    ("nnw__kc0011.rss", None, "建国35周年纪念，华表，和平鸽"),
    ("rssparser__encoding.rss", "Jornal de Notícias - Últimas Notícias", None),
])
def test_encodings(name: str, title: str | None, first: str | None) -> None:
    parsed = feed(name)
    if title is not None:
        assert parsed.title == title
    if first is not None:
        assert parsed.entries[0].title == first


def test_koi8r_dates_and_count() -> None:
    parsed = feed("miniflux__koi8r.xml")
    assert len(parsed.entries) == 2
    assert parsed.entries[0].published == datetime(2026, 2, 15, 10, 0, tzinfo=UTC)
    assert "Привет мир" in parsed.entries[0].content_html


def test_utf16_with_bom_is_a_feed_without_entries() -> None:
    parsed = feed("feedparser__encoding_utf-16le-bom.xml")
    assert parsed.kind == "rss"
    assert parsed.entries == ()


def test_date_in_future_is_clamped() -> None:
    parsed = parse_feed((FEEDS / "miniflux__koi8r.xml").read_bytes(),
                        now=datetime(2026, 1, 1, tzinfo=UTC))
    assert all(e.published is None for e in parsed.entries)


def test_entries_without_titles_get_one_from_their_text() -> None:
    parsed = feed("nnw__scriptingNews.rss")
    assert len(parsed.entries) == 48  # 50 items, two of them exact repeats
    assert all(e.title for e in parsed.entries)
    assert parsed.entries[0].title == "Good morning students and teachers! 🍏"


def test_reused_guid_with_other_link_is_kept() -> None:
    parsed = feed("newsboat__atom10_feed_authors.xml")
    assert len(parsed.entries) == 9  # six entries share one <id> but not their link
    assert len({e.link for e in parsed.entries}) == 9


def test_large_feed_and_entry_cap() -> None:
    parsed = feed("rssparser__giantbomb-podcast.rss")
    assert len(parsed.entries) == 730
    items = b"".join(b"<item><title>t%d</title><guid>g%d</guid></item>" % (i, i)
                     for i in range(MAX_ENTRIES + 50))
    body = b'<rss version="2.0"><channel><title>big</title>' + items + b"</channel></rss>"
    assert len(parse_feed(body, now=NOW).entries) == MAX_ENTRIES


@pytest.mark.parametrize("body", [b"", b"   \n", b"\xef\xbb\xbf"])
def test_empty_body_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeed, match="empty"):
        parse_feed(body)


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(NotAFeed, match="HTML page"):
        parse_feed(page, {"content-type": "text/html"})


def test_not_a_feed_is_a_value_error() -> None:
    assert issubclass(NotAFeed, ValueError)


def test_str_body_refused() -> None:
    with pytest.raises(TypeError):
        parse_feed("/etc/passwd")  # type: ignore[arg-type]


# -- hostile payloads (tests/data/hostile/README.md) -----------------------------------


def entries_by_guid(parsed: ParsedFeed) -> dict[str, ParsedEntry]:
    return {e.guid: e for e in parsed.entries}


def expect_markup_literal(parsed: ParsedFeed) -> None:
    titles = [e.title for e in parsed.entries]
    assert parsed.title == "[@click=app.quit]Feed title markup[/]"
    assert "[@click=app.quit]Click to read more[/]" in titles
    assert "[/" in titles and "[/]" in titles and "x [/bold] y" in titles
    assert "[link=https://evil.example]unquoted link[/link]" in titles
    assert "$variable ${template} {0} %s %(name)s" in titles


def expect_no_escape(parsed: ParsedFeed) -> None:
    assert len(parsed.entries) == 11
    for e in parsed.entries:
        for text in (e.title, e.summary_html, e.content_html):
            assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
            assert "\u202e" not in text and "\u200b" not in text
    assert parsed.entries[0].title == "[2J[HScreen cleared"


def expect_bounded(parsed: ParsedFeed) -> None:
    size = sum(len(e.title) + len(e.summary_html) + len(e.content_html)
               for e in parsed.entries)
    assert size < 200_000
    assert "lol" not in parsed.title.replace("&lol9;", "")


def expect_no_secrets(parsed: ParsedFeed) -> None:
    text = repr(parsed)
    assert "root:" not in text and "/bin/" not in text


def expect_dangerous_links_dropped(parsed: ParsedFeed) -> None:
    by_title = {e.title: e.link for e in parsed.entries}
    for title in ("javascript", "javascript mixed case + spaces", "vbscript", "file",
                  "data html", "shell metacharacters (cf. neix #30, CVE-2017-12904)",
                  "backticks and $()", "newline in URL", "exec scheme (newsboat OPML RCE analog)",
                  "ssh/other scheme"):
        assert by_title[title] is None, title
    for link in by_title.values():
        assert link is None or (link.startswith(("http://", "https://")) and " " not in link)


def expect_dates(parsed: ParsedFeed) -> None:
    dates = {e.guid: e.published for e in parsed.entries}
    for guid in ("dt0", "dt1", "dt2", "dt4", "dt5", "dt7", "dt10", "dt11", "dt12", "dt15"):
        assert dates[guid] is None, guid
    assert dates["dt6"] == datetime(1970, 1, 1, tzinfo=UTC)
    assert dates["dt3"] == datetime(2015, 9, 2, 22, 1, 1, tzinfo=UTC)
    assert dates["dt13"] == datetime(2024, 1, 1, tzinfo=UTC)


def expect_duplicates(parsed: ParsedFeed) -> None:
    by_guid = entries_by_guid(parsed)
    # "X" twice and "  X  " (stripped by feedparser) are one article: the first is kept.
    assert by_guid["X"].title == "first with guid X"
    assert "version 1" in by_guid["X"].content_html
    assert "x" in by_guid  # ids are case-sensitive
    # Empty guids fall back to the link; items without guid and the same link are one.
    assert by_guid["https://feed.example/a"].title == "empty guid 1"
    assert by_guid["https://feed.example/same"].title == "no guid, same link A"
    assert len(parsed.entries) == 4


def expect_guid_x(parsed: ParsedFeed) -> None:
    assert [e.guid for e in parsed.entries] == ["X"]


def expect_one_entry(parsed: ParsedFeed) -> None:
    assert len(parsed.entries) == 1 and parsed.entries[0].title


def expect_placeholders(parsed: ParsedFeed) -> None:
    assert len(parsed.entries) >= 1
    for e in parsed.entries:
        assert e.title  # "(untitled)" or text from the entry
        assert e.link is None or e.link.startswith("https://")


def expect_html_titles(parsed: ParsedFeed) -> None:
    titles = [e.title for e in parsed.entries]
    assert titles == ["bold title", "<script>alert(1)</script>Title", "AT&T <tag>",
                      "cdata & raw ampersand", "<img src=x onerror=alert(1)>", "café …"]


def expect_html_titles_atom(parsed: ParsedFeed) -> None:
    titles = [e.title for e in parsed.entries]
    assert titles == ["<b>literal text, not HTML</b>", "html & [bold]markup[/bold]", "xhtml"]


def expect_truncated(parsed: ParsedFeed) -> None:
    assert parsed.entries[0].title == "complete item"


HOSTILE_CASES: dict[str, Any] = {
    "markup_injection.xml": expect_markup_literal,
    "ansi_escapes_raw.xml": expect_no_escape,
    "ansi_escapes_charref.xml": expect_no_escape,
    "billion_laughs.xml": expect_bounded,
    "quadratic_blowup.xml": expect_bounded,
    "xxe_external_entity.xml": expect_no_secrets,
    "xxe_external_dtd.xml": expect_no_secrets,
    "xxe_parameter_entity.xml": expect_no_secrets,
    "body_is_local_path.txt": NotAFeed,
    "body_is_file_url.txt": NotAFeed,
    "dangerous_links.xml": expect_dangerous_links_dropped,
    "charset_bom_utf8_declared_utf16.xml": expect_one_entry,
    "charset_declared_latin1_actually_utf8.xml": expect_one_entry,
    "charset_declared_utf8_actually_cp1252.xml": expect_one_entry,
    "charset_invalid_utf8_bytes.xml": expect_one_entry,
    "charset_unknown_name.xml": expect_one_entry,
    "invalid_dates.xml": expect_dates,
    "duplicate_guids.xml": expect_duplicates,
    "duplicate_guids_other_feed.xml": expect_guid_x,
    "missing_fields.xml": expect_placeholders,
    "missing_fields_atom.xml": expect_placeholders,
    "empty_body.xml": NotAFeed,
    "not_xml_html_page.xml": NotAFeed,
    "truncated_feed.xml": expect_truncated,
    "html_in_titles.xml": expect_html_titles,
    "html_in_titles_atom.xml": expect_html_titles_atom,
}


def test_every_hostile_feed_has_a_case() -> None:
    files = {p.name for p in HOSTILE.iterdir()
             if p.suffix in (".xml", ".txt")}
    assert files == set(HOSTILE_CASES)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) any attempt to open a connection during the test."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.mark.parametrize("name", sorted(HOSTILE_CASES))
def test_hostile_payload(name: str, no_network: list[Any]) -> None:
    expectation = HOSTILE_CASES[name]
    body = (HOSTILE / name).read_bytes()
    if expectation is NotAFeed:
        with pytest.raises(NotAFeed):
            parse_feed(body, {"content-type": "application/rss+xml"},
                       url="https://feed.example/feed", now=NOW)
    else:
        parsed = parse_feed(body, {"content-type": "application/rss+xml"},
                            url="https://feed.example/feed", now=NOW)
        check_invariants(parsed)
        expectation(parsed)
    assert no_network == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.builds(
    lambda title, link: (
        '<rss version="2.0"><channel><title>t</title><item><title>' + title
        + "</title><link>" + link + "</link></item></channel></rss>").encode(
            "utf-8", "surrogatepass"),
    st.text(max_size=200), st.text(max_size=100)))
def test_any_bytes_parse_or_not_a_feed(body: bytes) -> None:
    try:
        parsed = parse_feed(body, now=NOW)
    except NotAFeed:
        return
    check_invariants(parsed)


def test_entities_in_media_attributes_are_not_expanded() -> None:
    """lxml reads Media RSS; libxml2 would expand entities inside attribute values."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 8))
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">' + lol
        + ' <!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title>'
        '<item><title>i</title><guid>g</guid>'
        '<media:content url="https://img.example/a.jpg?&l7;&xxe;" medium="image">'
        "<media:description>&l7;</media:description></media:content></item></channel></rss>"
    ).encode()
    entry = parse_feed(body, now=NOW).entries[0]
    assert "lollol" not in repr(entry) and "root:" not in repr(entry)


@pytest.mark.parametrize(("body", "kind"), [
    (zlib.compress(bytes(50 * 1024 * 1024), 9), None),  # ~50 KB of compressed zeros: took 12 s
    (b"<rss>" + b"a" * 2_000_000 + b"\xe9</rss>", "rss"),  # mostly ASCII, one Latin-1 byte
], ids=["binary", "ascii-then-latin1"])
def test_charset_guess_reads_a_sample(body: bytes, kind: str | None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With no usable charset declared, feedparser asks chardet about the whole body;
    chardet took 43 s on 200 KB of binary. The guess now reads a sample: chardet sees no
    more than `_charset.SAMPLE` bytes, and the body is still read (or refused) as before."""
    sizes: list[int] = []
    detect = chardet.detect

    def spy(data: bytes) -> Any:
        sizes.append(len(data))
        return detect(data)

    monkeypatch.setattr(chardet, "detect", spy)
    headers = {"content-type": "application/octet-stream"}
    if kind is None:
        with pytest.raises(NotAFeed, match="no RSS, Atom or JSON Feed found"):
            parse_feed(body, headers, now=NOW)
    else:
        parsed = parse_feed(body, headers, now=NOW)
        assert (parsed.kind, parsed.entries) == (kind, ())
    assert sizes and max(sizes) <= SAMPLE, sizes


def test_charset_guess_still_finds_an_undeclared_legacy_charset() -> None:
    items = "".join(f"<item><guid>{i}</guid><title>Новости дня {i}</title></item>"
                    for i in range(50))
    body = ('<rss version="2.0"><channel><title>' + "x" * 5000 + "</title>" + items
            + "</channel></rss>").encode("cp1251")  # non-ASCII only after 5 KB
    parsed = parse_feed(body, {"content-type": "application/octet-stream"}, now=NOW)
    assert parsed.entries[0].title == "Новости дня 0"
