"""Article extraction: a page in the shape of a real news page, real pages, hostile input.

Reads only tests/data (never the shared fixtures folder).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from readerterm.extract import decode_html, extract_document, is_full_story
from readerterm.models import Document

DATA = Path(__file__).parent / "data"
PAGES = DATA / "pages"

BODY = [
    "Russia, which fought a long war against Islamic Jihadis in Afghanistan via the Soviet "
    "Union, has declared the Taliban will not touch a hair on the heads of its diplomats.",
    "The Taliban movement took the Russian embassy in Kabul under protection on Monday and "
    "confirmed that Russian diplomats could continue their work safely, the envoy said.",
    "According to him, peaceful life continues in the Afghan capital. Good news: schools for "
    "girls remain open in the city, the envoy added, reported the state news agency.",
    "We have a relatively large embassy in Afghanistan, it is about 100 people altogether. "
    "Some of our employees will be sent on vacation or evacuated, the ambassador said.",
    "When a regime changes completely, some space emerges for other international terrorist "
    "organizations that may pose a threat to our allies in the future, he said.",
]
RELATED = [
    ("Iranian Resistance Units Lead the Ongoing Protests", "Hassan Mahmoudi"),
    ("Iran Revolution Update: Over 1,000 Protesters Dead", "Tsarizm Staff"),
    ("Iranian Nationwide Teacher, Nurses Strike Adds To Growing Protests", "Hassan Mahmoudi"),
]
FURNITURE = ["Please Follow us on", "Donate", "Leave a Comment", "newsletter", "Gab TV",
             "Related articles", "Subscribe", "Home", "Privacy"]


def news_page() -> str:
    """A page shaped like ../shared/example/news-page.txt, with its furniture."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY)
    related = "\n".join(
        f'<article class="post-item"><h3 class="entry-title"><a href="/2022/10/{i}/story">'
        f'{title}</a></h3><div class="post-meta"><span class="author-name">{author}</span>'
        f'<span class="date">Oct {i + 1}, 2022</span></div></article>'
        for i, (title, author) in enumerate(RELATED))
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Russia Says Taliban Will Not Harm A Hair On Russian Diplomat's Heads | CDMedia</title>
<meta property="article:section" content="Middle East">
<meta name="author" content="CDMedia Staff">
<script>var tracking = "script text";</script><style>.x {{ color: red }}</style>
</head><body>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li>
<li><a href="/privacy">Privacy</a></li></ul></nav></header>
<main><article class="post">
<div class="cat-links"><a href="/category/middle-east">Middle East</a></div>
<h1 class="entry-title">Russia Says Taliban Will Not Harm A Hair On Russian Diplomat's Heads</h1>
<figure class="wp-block-image"><img src="/img/embassy.jpg" alt="The embassy">
<figcaption>Image by Embassy of Russia in Kabul</figcaption></figure>
<p><strong>Please Follow us on Gab, Minds, Telegram, Rumble, Gab TV, GETTR</strong></p>
<div class="entry-content">
{paragraphs}
<p>The Global Media Company Funded By The Common Man! You Won't Get Anywhere Else What
You Get From CDMedia! <a href="/donate">Donate!</a></p>
</div>
<div class="share-buttons"><a href="https://twitter.com/share">Share on Twitter</a>
<a href="https://facebook.com/share">Share on Facebook</a></div>
</article>
<section class="related-posts"><h2>Related articles</h2>
{related}
</section>
<div id="comments" class="comments-area"><h3 id="reply-title">Leave a Comment</h3>
<form action="/wp-comments-post.php"><textarea name="comment"></textarea>
<input type="submit" value="Post Comment"></form></div>
<div class="newsletter-box"><p>Subscribe to our evening newsletter to stay informed during
these challenging times!!</p><form><input type="email"></form></div>
</main>
<footer class="site-footer"><p>Copyright CDMedia</p></footer>
</body></html>"""


URL = "https://cdmedia.example/2022/10/russia-taliban"


def test_news_page_shape() -> None:
    doc = extract_document(news_page(), URL)
    assert doc.section == "Middle East"
    assert doc.title == "Russia Says Taliban Will Not Harm A Hair On Russian Diplomat's Heads"
    # The caption is a figure caption, apart from the body.
    figures = [b.image for b in doc.blocks if b.kind == "figure" and b.image]
    assert len(figures) == 1
    assert figures[0].src == "https://cdmedia.example/img/embassy.jpg"
    assert "Embassy of Russia in Kabul" in f"{figures[0].caption} {figures[0].credit}"
    assert "Embassy of Russia" not in doc.body_text
    # The paragraphs, all of them, in order, and nothing else.
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs == BODY
    # Related links with their authors.
    assert [(r.title, r.author) for r in doc.related] == RELATED
    assert [r.url for r in doc.related] == [
        f"https://cdmedia.example/2022/10/{i}/story" for i in range(3)]
    for text in FURNITURE:
        assert text.lower() not in doc.body_text.lower(), text
    for title, _ in RELATED:
        assert title not in doc.body_text
    assert "script text" not in doc.body_text and "color" not in doc.body_text


def test_news_page_as_bytes_with_declared_charset() -> None:
    html = news_page().replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    html = html.replace("Monday", "Montag é")
    doc = extract_document(html.encode("cp1252"), URL)
    assert "Montag é" in doc.body_text


def _page(prefix: str) -> str:
    (path,) = PAGES.glob(f"{prefix}*.html.gz")
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _captions(doc: Document) -> list[str]:
    return [_norm(f"{b.image.caption} {b.image.credit}") for b in doc.blocks
            if b.kind == "figure" and b.image]


CAPTIONS = {
    "ba4dfe2d": ("https://www.express.co.uk/news/science/1205992/bubonic-plague", [
        "Yersina pestis causes the plague", "The plague wiped out half of Europe",
        "Plague can be easily vaccinated", "A 14th century plague doctor"]),
    "e1c7023e": ("https://phys.org/news/2019-11-hibernating-astronauts-smaller-spacecraft.html", [
        "A reference habitation module for a crewed Mars mission",
        "Functional areas of the hibernation module",
        "A cross-section through the hibernation module"]),
    "7f93c194": ("https://www.newsweek.com/cannabis-use-disorder-1471170", [
        "A stock image of a woman holding a joint",
        "U.S. states where marijuana has been legalized"]),
    "abd9d629": ("https://www.msn.com/en-us/news/us/flu-shots/ar-BBWZedJ", [
        "Needle poking skin during administration of flu shot",
        "Detainees at Otay Mesa immigration detention center"]),
    "359fee22": ("https://www.sciencealert.com/titan-map", [
        "The first global geologic map of Titan"]),
}


@pytest.mark.parametrize("prefix", sorted(CAPTIONS))
def test_fixture_captions(prefix: str) -> None:
    url, wanted = CAPTIONS[prefix]
    doc = extract_document(_page(prefix), url)
    captions = _captions(doc)
    body = _norm(doc.body_text)
    for caption in wanted:
        assert any(_norm(caption) in c for c in captions), caption
        assert _norm(caption) not in body, caption


def test_fixture_caption_credits() -> None:
    doc = extract_document(_page("abd9d629"), CAPTIONS["abd9d629"][0])
    credits = {b.image.credit for b in doc.blocks if b.kind == "figure" and b.image}
    assert {"© John Brecher", "© Lucy Nicholson"} <= credits
    doc = extract_document(_page("ba4dfe2d"), CAPTIONS["ba4dfe2d"][0])
    figure = next(b.image for b in doc.blocks if b.kind == "figure" and b.image)
    assert (figure.caption, figure.credit) == ("Yersina pestis causes the plague.", "GETTY")


RELATED_LINKS = {
    "ba4dfe2d": (CAPTIONS["ba4dfe2d"][0], [
        "plague outbreak china hit by highly contagious pneumonic plague",
        "major cities face plague of vicious bloodthirsty super rats"]),
    "e1c7023e": (CAPTIONS["e1c7023e"][0], [
        "nasa investigating deep space hibernation technology",
        "hibernating hamsters could provide new clues to alzheimer s disease"]),
    "c90731f0": ("https://www.deccanherald.com/international/impeachment-777897.html", [
        "beijing warns us diplomat over hong kong rights bill",
        "150 indians deported from us land at delhi airport",
        "oil prices steady after 2 day drop amid growth concerns"]),
    "7f93c194": (CAPTIONS["7f93c194"][0], [
        "cannabis could ease symptoms of depression in ptsd patients"]),
}


@pytest.mark.parametrize("prefix", sorted(RELATED_LINKS))
def test_fixture_related_links(prefix: str) -> None:
    url, wanted = RELATED_LINKS[prefix]
    doc = extract_document(_page(prefix), url)
    titles = [_norm(r.title) for r in doc.related]
    body = f" {_norm(doc.body_text)} "
    for text in wanted:
        assert any(text in t for t in titles), text
        assert f" {text} " not in body, text
    assert all(r.url.startswith(("http://", "https://")) for r in doc.related)
    assert len(doc.body_text) > 1000


def test_deep_nesting_keeps_text() -> None:
    depth = 10_000
    html = ("<html><body><p>Start of the story, before the deep part of the page.</p>"
            + "<div>" * depth + "<p>Deep text that lxml would silently drop.</p>"
            + "</div>" * depth + "<p>End of the story, after the deep part.</p></body></html>")
    doc = extract_document(html)
    assert "Deep text that lxml would silently drop." in doc.body_text
    assert "End of the story" in doc.body_text
    unclosed = "<html><body>" + "<b><i><span>" * 4000 + "Unclosed deep text here." * 3
    assert "Unclosed deep text here." in extract_document(unclosed).body_text


def test_scripts_styles_templates_and_data_uris_are_dropped() -> None:
    story = " ".join(["A sentence of the story that is long enough to keep."] * 6)
    html = f"""<html><head><style>p {{ color: red }}</style></head><body><article>
<p>{story}</p><script>document.write("script text")</script>
<template><p>template text</p></template><noscript>noscript text</noscript>
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk">
<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><figcaption>Data image
caption</figcaption></figure>
<p>{story}</p></article></body></html>"""
    doc = extract_document(html, "https://example.com/a")
    text = doc.body_text + " ".join(str(i) for i in doc.images)
    for bad in ("script text", "template text", "noscript text", "color: red", "data:"):
        assert bad not in text
    assert story in doc.body_text
    assert all(i.src.startswith("https://") for i in doc.images if i.src)


def test_hostile_article() -> None:
    raw = (DATA / "hostile" / "hostile_article.html").read_bytes()
    doc = extract_document(raw, "https://example.com/article")
    text = "\n".join([doc.title, doc.byline, doc.section, doc.body_text]
                     + [f"{i.src} {i.caption} {i.credit} {i.alt}" for i in doc.images]
                     + [f"{r.title} {r.url}" for r in doc.related])
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "alert(" not in text and "display:none" not in text
    assert "template text" not in text and "noscript text" not in text
    assert "data:" not in text and "AAAAAAAAAAAAAAAA" not in text
    assert "javascript:" not in text and "file:" not in text and "--incognito" not in text
    # Markup-like text stays literal text.
    assert '[link="https://evil.example"]markup link[/link]' in doc.body_text
    assert all(r.url.startswith(("http://", "https://")) for r in doc.related)


@pytest.mark.parametrize("junk", [
    b"", b"\x00\x01\x02", b"\xff\xfe\x00<\x00h", "plain text, not html", "<<<>>>",
    "<html></html>", "<html><body><p>short</p></body></html>", b"\xef\xbb\xbf<p>bom</p>",
    "<!-- " * 1000, "<p>" + "&#0;" * 100 + "</p>", "<svg><script>x</script></svg>",
])
def test_never_raises(junk: str | bytes) -> None:
    doc = extract_document(junk)
    assert isinstance(doc, Document)


def test_decode_html() -> None:
    assert decode_html(b"\xef\xbb\xbfcaf\xc3\xa9") == "café"
    assert decode_html(b'<meta charset="iso-8859-1"><p>caf\xe9') .endswith("café")
    # Neither declared nor UTF-8: Windows-1252, as browsers read such pages.
    assert decode_html(b"<p>caf\xe9 \x93ok\x94") == "<p>café \u201cok\u201d"
    # Declared UTF-8 but not: the same.
    assert decode_html(b'<meta charset="utf-8"><p>caf\xe9').endswith("café")
    # A charset named that the bytes are not in: valid UTF-8 wins over the declaration.
    assert decode_html(b'<meta charset="iso-8859-1"><p>caf\xc3\xa9').endswith("café")
    assert decode_html(b'<meta charset="windows-1251"><p>\xd0\x9c\xd0\xb8\xd1\x80'
                       ).endswith("Мир")
    assert decode_html(b'<meta charset="windows-1251"><p>\xcc\xe8\xf0').endswith("Мир")
    assert decode_html(b'<meta charset="no-such-codec"><p>caf\xc3\xa9').endswith("café")
    assert decode_html(b'<meta charset="utf-16"><p>caf\xc3\xa9').endswith("café")


def test_is_full_story() -> None:
    long = "".join(f"<p>{p} {p}</p>" for p in BODY * 2)
    assert is_full_story(long)
    assert not is_full_story("<p>A short summary of the story.</p>")
    assert not is_full_story(long + "<p><a href='/x'>Continue reading</a></p>")
    assert not is_full_story("")
