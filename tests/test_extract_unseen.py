"""Article extraction on page shapes the tuning pages did not have.

Each page is written for the test in the shape that made extraction fail on real pages
of the development sets (see the full-text issue): the whole page in one <form>, text in
<br>-separated runs, a post inside a Blogger "widget", a saved page without its address,
related links carrying <picture> markup, icons, captions apart from their images, a page
whose <meta> names a charset its bytes are not in.
"""

from __future__ import annotations

from readerterm.extract import extract_document
from readerterm.extract._ensemble import combine, wrong_block
from readerterm.extract._prepare import norm
from readerterm.models import Block, Document

STORY = [
    "The harbour authority reopened the north quay on Tuesday after six weeks of repairs "
    "to the sea wall, which storms had cracked in two places during the winter.",
    "Fishing crews had moored at the south quay in the meantime, where space ran short "
    "and boats were rafted three deep on the busiest mornings of the season.",
    "Engineers said the new wall was built to withstand waves a metre higher than the "
    "worst recorded in the last fifty years, and that it would be inspected every spring.",
    "The authority thanked residents for their patience and said the footpath along the "
    "quay would reopen at the weekend, once the last of the barriers had been removed.",
]
NAV = '<ul class="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul>'


def _page(body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Quay reopens</title>"
            f"{head}</head><body>{NAV}{body}</body></html>")


def _paragraphs() -> str:
    return "".join(f"<p>{p}</p>" for p in STORY)


def _has_story(doc: Document) -> None:
    for paragraph in STORY:
        assert paragraph in doc.body_text
    assert "Home" not in doc.body_text


def test_page_inside_one_form() -> None:
    # ASP.NET pages wrap everything in one <form>; a form is otherwise furniture.
    page = _page(f"<form id='aspnetForm' method='post'><div class='content'>{_paragraphs()}"
                 f"</div><input type='hidden' name='__VIEWSTATE' value='x'></form>")
    _has_story(extract_document(page))


def test_br_separated_text_without_paragraphs() -> None:
    runs = "<br><br>".join(STORY)
    page = _page(f"<table><tr><td class='nav'>{NAV}</td><td class='text'>{runs}</td></tr>"
                 f"</table>")
    _has_story(extract_document(page))


def test_blogger_widget_holds_the_post() -> None:
    # Blogger's "widget Blog" wraps the post; "widget" alone marks furniture elsewhere.
    page = _page(f"<div class='sidebar'><div class='widget HTML'><p>Followers: 12</p></div>"
                 f"</div><div class='widget Blog' id='Blog1'><div class='post-body'>"
                 f"{_paragraphs()}</div></div>")
    doc = extract_document(page)
    _has_story(doc)
    assert "Followers" not in doc.body_text


def test_xml_declaration_before_the_page() -> None:
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC '
            '"-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Quay</title></head>'
            f"<body>{_paragraphs()}</body></html>")
    _has_story(extract_document(page.encode()))
    _has_story(extract_document(page))


def test_wrong_meta_charset() -> None:
    story = STORY[0].replace("harbour", "Hafenbehörde café")
    page = (f"<html><head><meta charset='iso-8859-1'><title>Quay</title></head><body>"
            f"<p>{story}</p>" + "".join(f"<p>{p}</p>" for p in STORY[1:]) + "</body></html>")
    doc = extract_document(page.encode("utf-8"))
    assert "Hafenbehörde café" in doc.body_text
    # And the other way round: UTF-8 declared, Windows-1252 bytes.
    doc = extract_document(page.replace("iso-8859-1", "utf-8").encode("cp1252"))
    assert "Hafenbehörde café" in doc.body_text


RELATED_BLOCK = """
<section class="related-articles"><h2>Related articles</h2><ul>
<li><a href="/2024/03/ferry-timetable-changes"><picture><noscript>
<source srcset="https://cdn.example.com/a.webp 1x"><img src="https://cdn.example.com/a.jpg">
</noscript></picture>Ferry timetable changes for the spring season</a></li>
<li><a href="/2024/03/lighthouse-keepers-return">Lighthouse keepers return to the point
3 days ago</a></li>
<li><a href="/tag/harbour">Everything tagged harbour news here</a></li>
<li><a href="/author/jane-doe"><img src="/img/jane.jpg" alt="Jane Doe headshot photo"></a></li>
<li><a href="https://ad.doubleclick.net/ddm/clk/123">Best mortgage rates this week only</a></li>
<li><a href="../02/sea-wall-survey">Survey finds the sea wall cracked in two places</a></li>
</ul></section>
"""


def test_related_links_resolve_against_the_canonical_url() -> None:
    head = '<link rel="canonical" href="https://harbour.example.org/2024/04/quay-reopens">'
    doc = extract_document(_page(f"<article>{_paragraphs()}</article>{RELATED_BLOCK}", head))
    urls = {r.title: r.url for r in doc.related}
    assert urls["Survey finds the sea wall cracked in two places"] == (
        "https://harbour.example.org/2024/02/sea-wall-survey")
    assert urls["Ferry timetable changes for the spring season"] == (
        "https://harbour.example.org/2024/03/ferry-timetable-changes")


def test_base_href_and_og_url_name_the_page_too() -> None:
    for head in ('<base href="https://harbour.example.org/2024/04/">',
                 '<meta property="og:url" content="https://harbour.example.org/2024/04/q">'):
        doc = extract_document(_page(f"<article>{_paragraphs()}</article>{RELATED_BLOCK}",
                                     head))
        assert "https://harbour.example.org/2024/02/sea-wall-survey" in {
            r.url for r in doc.related}
    # An explicit address wins over what the page says.
    doc = extract_document(_page(f"<article>{_paragraphs()}</article>{RELATED_BLOCK}",
                                 '<base href="https://elsewhere.example.net/">'),
                           url="https://harbour.example.org/2024/04/quay-reopens")
    assert "https://harbour.example.org/2024/02/sea-wall-survey" in {r.url for r in doc.related}


def test_related_links_are_plain_article_titles() -> None:
    doc = extract_document(_page(f"<article>{_paragraphs()}</article>{RELATED_BLOCK}"),
                           url="https://harbour.example.org/2024/04/quay-reopens")
    titles = [r.title for r in doc.related]
    assert titles == ["Ferry timetable changes for the spring season",
                      "Lighthouse keepers return to the point",
                      "Survey finds the sea wall cracked in two places"]
    for title in titles:
        assert "<" not in title and "srcset" not in title


def _figures(doc: Document) -> list[tuple[str, str, str]]:
    return [(b.image.src, b.image.caption, b.image.credit) for b in doc.blocks
            if b.kind == "figure" and b.image]


def test_icons_are_not_figures() -> None:
    icons = ('<p><img src="/static/icons/twitter.svg" alt="Twitter"> '
             '<img src="/u/77/avatar.png" alt="avatar" width="48" height="48"> '
             '<img src="/img/site-logo.png" alt="Harbour News"></p>')
    page = _page(f"<article>{STORY[0] and '<p>' + STORY[0] + '</p>'}{icons}"
                 + "".join(f"<p>{p}</p>" for p in STORY[1:])
                 + "<figure><img src='/img/quay.jpg' alt='The quay'>"
                   "<figcaption>The north quay on Tuesday.</figcaption></figure></article>")
    doc = extract_document(page, url="https://harbour.example.org/q")
    figures = _figures(doc)
    assert figures == [("https://harbour.example.org/img/quay.jpg",
                        "The north quay on Tuesday.", "")]
    assert "avatar" not in doc.body_text and "Twitter" not in doc.body_text


def test_figcaption_beside_its_image() -> None:
    # The caption stands after the image, outside any <figure>.
    page = _page("<article>" + "".join(f"<p>{p}</p>" for p in STORY[:2])
                 + "<div class='image'><img src='/img/wall.jpg' alt=''></div>"
                   "<figcaption>Repairs to the sea wall in March.</figcaption>"
                 + "".join(f"<p>{p}</p>" for p in STORY[2:]) + "</article>")
    doc = extract_document(page, url="https://harbour.example.org/q")
    assert ("https://harbour.example.org/img/wall.jpg", "Repairs to the sea wall in March.",
            "") in _figures(doc)
    assert "Repairs to the sea wall" not in doc.body_text


def test_credit_only_caption() -> None:
    page = _page("<article>" + "".join(f"<p>{p}</p>" for p in STORY[:2])
                 + "<figure><img src='/img/boats.jpg' alt='Boats'><figcaption>"
                   "<span class='credit'>Photo: Ana Ruiz/Harbour News</span></figcaption>"
                   "</figure>" + "".join(f"<p>{p}</p>" for p in STORY[2:]) + "</article>")
    doc = extract_document(page, url="https://harbour.example.org/q")
    assert _figures(doc) == [("https://harbour.example.org/img/boats.jpg", "",
                              "Ana Ruiz/Harbour News")]
    assert "Ana Ruiz" not in doc.body_text


def test_pictures_named_like_buttons_stay() -> None:
    # A file name says nothing about sharing or social networks; class, id and a
    # one- or two-word alt do.
    page = _page("<article>" + "".join(f"<p>{p}</p>" for p in STORY[:2])
                 + "<figure><img src='/img/social-distancing.jpg' alt='A queue'>"
                   "<figcaption>People queue two metres apart.</figcaption></figure>"
                 + "<p><img class='share-button' src='/img/x.png' alt='Share'></p>"
                 + "".join(f"<p>{p}</p>" for p in STORY[2:]) + "</article>")
    doc = extract_document(page, url="https://harbour.example.org/q")
    assert _figures(doc) == [("https://harbour.example.org/img/social-distancing.jpg",
                              "People queue two metres apart.", "")]



def test_credit_lines_in_the_body_go_to_their_picture() -> None:
    # A credit set as a paragraph under an image (no figure markup) is the picture's
    # credit, not a line of the story; one with no picture above it is left out.
    page = _page(f"<article><p>{STORY[0]}</p><img src='/quay.jpg' alt='The north quay'>"
                 f"<p>Foto: Harbour Authority/Jan Berg</p><p>{STORY[1]}</p>"
                 f"<p>{STORY[2]}</p><p>The reopened footpath along the quay. © Port Press | "
                 f"Ana Ruiz</p><p>{STORY[3]}</p></article>")
    doc = extract_document(page, url="https://example.com/quay")
    _has_story(doc)
    assert "Harbour Authority" not in doc.body_text
    assert "Port Press" not in doc.body_text
    figures = [b.image for b in doc.blocks if b.kind == "figure" and b.image]
    assert [f.credit for f in figures] == ["Harbour Authority/Jan Berg"]


def test_promotion_lines_inside_the_article_are_left_out() -> None:
    promos = [
        "This post contains affiliate links; we may receive a commission when you buy.",
        "Get the latest news straight to your phone with the Harbour Times app.",
        "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular.",
        "Mit unserem Newsletter bleiben Sie informiert",
    ]
    body = "".join(f"<p>{s}</p><p>{promo}</p>" for s, promo in zip(STORY, promos, strict=True))
    doc = extract_document(_page(f"<article>{body}</article>"))
    _has_story(doc)
    for promo in promos:
        assert promo[:30] not in doc.body_text


def test_read_also_lines_in_other_languages_are_left_out() -> None:
    teasers = ["Czytaj też: Nowe nabrzeże w porcie", "Lesen Sie auch: Der Hafen im Winter",
               "PUEDES VER: ¿Qué pasó con el muelle?", "Das könnte Sie auch interessieren"]
    body = "".join(f"<p>{s}</p><p>{t}</p>" for s, t in zip(STORY, teasers, strict=True))
    doc = extract_document(_page(f"<article>{body}</article>"))
    _has_story(doc)
    for teaser in teasers:
        assert teaser not in doc.body_text


def test_comment_prompts_in_german_are_left_out() -> None:
    prompts = ["Keine Kommentare", "Kommentieren",
               "Sie müssen sich einloggen, um sich an einer Diskussion beteiligen zu können."]
    body = "".join(f"<p>{s}</p><p>{t}</p>" for s, t in zip(STORY, prompts, strict=False))
    doc = extract_document(_page(f"<article>{body}<p>{STORY[3]}</p></article>"))
    _has_story(doc)
    for prompt in prompts:
        assert prompt not in doc.body_text


def test_utf8_page_with_one_broken_byte_stays_utf8() -> None:
    # A truncated character pasted into a UTF-8 page made every "ą" and "ę" read as
    # Windows-1252 ("Ä…", "Ä™").
    polish = "Sprzeciwiają się atakom na fundację, które są bezpodstawne i groźne. " * 4
    page = _page(f"<article><p>{polish}</p>{_paragraphs()}</article>").encode()
    broken = page.replace(b"</article>", b"\xc3</article>")
    doc = extract_document(broken)
    assert "Sprzeciwiają się" in doc.body_text
    _has_story(doc)


def test_a_little_of_the_story_beside_a_login_box_is_the_wrong_block() -> None:
    story = norm(" ".join(STORY))
    box = "your password must be at least eight characters long and hold a digit"
    ours = f"{box} {' '.join(story.split()[:30])}"
    assert wrong_block(ours, story * 2)
    # Ours, and much of it in theirs: ours stays.
    assert not wrong_block(story, f"{story} {box}")


def test_short_list_items_trafilatura_finds_beside_the_story_are_kept() -> None:
    # An ingredient list of short items below the text: too short for paragraphs of
    # their own, but three or more items in a row are a list of the story's.
    ours = [Block("paragraph", text=p) for p in STORY[:2]]
    items = ["6 large eggs", "200 g sugar", "1 lemon", "250 g flour"]
    lines = [*STORY[:2], *(f"- {i}" for i in items), "Home"]
    near = norm(" ".join([*STORY[:2], *items, "Home"]))
    out = combine(ours, lines, [], [], near)
    assert out[2] == Block("list", items=tuple(items))
    assert len(out) == 3  # a lone short line is still no paragraph


def test_date_lines_inside_the_article_are_left_out() -> None:
    dates = ["Publiziert: 03.04.2020, 12:35", "Updated 2021-01-17", "23.10.2018"]
    body = "".join(f"<p>{d}</p><p>{s}</p>" for d, s in zip(dates, STORY, strict=False))
    doc = extract_document(_page(f"<article>{body}<p>{STORY[3]}</p></article>"))
    _has_story(doc)
    for date in dates:
        assert date not in doc.body_text
