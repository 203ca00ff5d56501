"""The publisher's related-article block: link titles, URLs and authors.

A related block is an element whose class/id says so ("related", "more-from",
"recommended"...) or that follows a heading saying so ("Related articles", "More from",
"Read next"...). Its article links are the ones with a headline-like text; an author is
taken from the link's item (an element marked author/byline, or a short line of names).
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import lxml.html

from readerterm.extract._patterns import RELATED_ATTR, RELATED_HEADING
from readerterm.models import RelatedLink
from readerterm.safety import clean_line, safe_url

MAX_RELATED = 30
_AUTHOR_ATTR = re.compile(r"author|byline|writer|contributor", re.I)
_DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}|\b(?:ago|min(?:ute)?s?|hours?|days?)\b|"
                        r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
                        re.I)
_NAME_LINE = re.compile(r"^(?:by\s+)?[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}"
                        r"(?:\s*(?:,|and|&)\s*[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})*$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Markup that reached a link's text as text (a <picture> inside a <noscript>, escaped HTML).
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*(?:>|$)|\b(?:src|srcset|href)\s*=\s*\S+")
# "3 days ago", "5 min ago", "Updated 2h ago" glued to a title by the page's layout.
# ("30 years ago" can end a real title: only the units of a feed's freshness count.)
_AGO = re.compile(r"(?:\s*[|·•-]\s*|\s*)(?:updated\s+)?\d+\s*(?:s|secs?|seconds?|m|mins?|"
                  r"minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s+ago\s*$", re.I)
# Path segments of pages that list articles or describe people, not articles.
_NOT_ARTICLE = frozenset((
    "tag", "tags", "topic", "topics", "author", "authors", "autor", "autoren", "people",
    "person", "profile", "profiles", "contributor", "contributors", "category",
    "categories", "event", "events", "schedule", "search", "newsletter", "newsletters",
    "subscribe", "subscription", "account", "login", "signin", "register", "shop", "store",
))
# Where an advertisement's link goes, or what it says it is.
_AD = re.compile(r"doubleclick|googlesyndication|adservice|outbrain|taboola|zergnet|"
                 r"revcontent|/ads?/|[?&](?:utm_medium=(?:cpc|paid)|adid=)", re.I)
# An image's alt text that names a picture of a person or a mark, not a story.
_PICTURE_ALT = re.compile(r"\b(?:mugshot|headshot|avatar|portrait|logo|icon|photo\s+of|"
                          r"picture\s+of|image\s+of|thumbnail)\b", re.I)


def _attr(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def headline_like(text: str) -> bool:
    """Long enough to be an article title (3+ words, or 12+ characters without spaces)."""
    words = text.split()
    return len(words) >= 3 or (len(words) >= 1 and len(text) >= 12 and not text.isascii())


def link_title(link: lxml.html.HtmlElement) -> str:
    """A link's text as a plain title: no scripts, no markup that reached it as text, no
    "3 days ago" glued to its end."""
    text = _MARKUP.sub(" ", _text_of(link))
    return _AGO.sub("", clean_line(text)).strip()


_NO_TEXT = ("script", "style", "noscript", "template")


def _text_of(el: lxml.html.HtmlElement) -> str:
    """The text of `el`, in order, without what scripts, styles and noscripts hold
    (iterative: a link can hold deep markup)."""
    out: list[str] = []
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(el, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node is not el:
                out.append(node.tail or "")
            continue
        stack.append((node, True))
        if isinstance(node.tag, str) and node.tag not in _NO_TEXT:
            out.append(node.text or "")
            stack.extend((child, False) for child in reversed(node))
    return "".join(out)


def article_link(href: str, link: lxml.html.HtmlElement) -> bool:
    """Whether a related link points at an article: not an advertisement, not a tag,
    topic, author, event or search page."""
    if _AD.search(href) or "sponsored" in (link.get("rel") or "").lower():
        return False
    segments = [s for s in urlsplit(href).path.lower().split("/") if s]
    return not segments or not any(s in _NOT_ARTICLE for s in segments[:-1] or segments)


def _short_text(el: lxml.html.HtmlElement, limit: int = 60) -> str:
    """The text of `el` when it is shorter than `limit` characters, else "" (read no
    further than that: a wrapper with one child can hold the whole page)."""
    parts: list[str] = []
    size = 0
    for text in el.itertext():
        size += len(text)
        if size >= limit:
            return ""
        parts.append(text)
    return "".join(parts)


def _containers(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    found: list[lxml.html.HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "script", "style"):
            continue
        attr = _attr(el)
        if attr.strip() and RELATED_ATTR.search(attr):
            found.append(el)
        elif el.tag in _HEADINGS or el.tag in ("strong", "span", "p", "div"):
            text = _short_text(el) if el.tag in _HEADINGS or len(el) <= 2 else ""
            if text and RELATED_HEADING.match(text.strip()):
                # The block is the heading's nearest ancestor that holds several links.
                box = el.getparent()
                hops = 0
                while box is not None and hops < 4 and len(box.findall(".//a")) < 2:
                    box = box.getparent()
                    hops += 1
                if box is not None and box.tag not in ("html", "body"):
                    found.append(box)
    # Keep outermost containers only.
    keep: list[lxml.html.HtmlElement] = []
    chosen = set(found)  # elements, not id()s: lxml proxies are not kept alive otherwise
    for el in found:
        parent = el.getparent()
        nested = False
        while parent is not None:
            if parent in chosen:
                nested = True
                break
            parent = parent.getparent()
        if not nested:
            keep.append(el)
    return keep


def _author_of(link: lxml.html.HtmlElement, box: lxml.html.HtmlElement, title: str) -> str:
    # The link's item: the highest ancestor below the box that holds no other article link.
    item = link
    parent = link.getparent()
    while parent is not None and parent is not box:
        links = [a for a in parent.iter("a") if headline_like(clean_line(a.text_content()))]
        if len({a.get("href") for a in links}) > 1:
            break
        item = parent
        parent = parent.getparent()
    for el in item.iter():
        if el is link or not isinstance(el.tag, str):
            continue
        if _AUTHOR_ATTR.search(_attr(el)) or el.get("rel") == "author":
            text = clean_line(el.text_content(), limit=120)
            text = re.sub(r"^by\s+", "", text, flags=re.I)
            if text and text != title and not _DATE_LIKE.search(text):
                return text
    # A short line of capitalised names next to the title.
    for text in item.itertext():
        line = clean_line(text, limit=120)
        if (line and line != title and line not in title and len(line) <= 60
                and _NAME_LINE.match(line) and not _DATE_LIKE.search(line)):
            return re.sub(r"^by\s+", "", line, flags=re.I)
    return ""


def find_related(root: lxml.html.HtmlElement, url: str | None) -> list[RelatedLink]:
    """Related-article links of the page, in page order, each URL once."""
    page = urldefrag(url)[0] if url else ""
    # href -> (title, came from an image's alt text, link element, its box)
    found: dict[str, tuple[str, bool, lxml.html.HtmlElement, lxml.html.HtmlElement]] = {}
    for box in _containers(root):
        for link in box.iter("a"):
            title = link_title(link)
            from_alt = False
            if not title:
                img = link.find(".//img")
                title = clean_line(img.get("alt") or "") if img is not None else ""
                if _PICTURE_ALT.search(title):
                    continue
                from_alt = True
            if not headline_like(title) or RELATED_HEADING.match(title):
                continue
            href = safe_url(link.get("href"), url)
            if not href or not article_link(href, link):
                continue
            href = urldefrag(href)[0]
            if href == page:
                continue
            if href in found:
                # A thumbnail link and a headline link often share a URL: keep the headline.
                if found[href][1] and not from_alt:
                    found[href] = (title, from_alt, link, box)
                continue
            if len(found) >= MAX_RELATED:
                break
            found[href] = (title, from_alt, link, box)
    return [RelatedLink(title=title, url=href, author=_author_of(link, box, title))
            for href, (title, _, link, box) in found.items()]
