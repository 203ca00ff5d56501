"""Title, byline, section label and lead image from a page's metadata and markup."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from readerterm.models import Image
from readerterm.safety import clean_line, safe_url

_SITE_SUFFIX = re.compile(r"\s+[|–—:-]\s+[^|–—:-]{2,60}$")
_BY = re.compile(r"^\s*by\s+", re.I)


@dataclass
class Meta:
    title: str = ""
    byline: str = ""
    section: str = ""
    site_name: str = ""  # the publication's name (og:site_name)
    lead_image: Image | None = None


def _meta(root: lxml.html.HtmlElement, *names: str) -> str:
    for name in names:
        for el in root.iterfind(".//meta"):
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
            if key == name:
                value = el.get("content") or ""
                if value.strip():
                    return value
    return ""


def _json_ld(root: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for el in root.iterfind(".//script"):
        if (el.get("type") or "").lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text[:500_000])
        except (ValueError, RecursionError):
            continue
        queue: list[Any] = [data]
        while queue and len(out) < 50:
            item = queue.pop(0)
            if isinstance(item, list):
                queue.extend(item[:50])
            elif isinstance(item, dict):
                if "@graph" in item:
                    queue.append(item["@graph"])
                out.append(item)
    return out


def _names(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list):
        return ", ".join(n for n in (_names(v) for v in value[:10]) if n)
    return ""


def _first_text(root: lxml.html.HtmlElement, xpath: str) -> str:
    try:
        found = root.xpath(xpath)
    except lxml.etree.XPathError:
        return ""
    for el in found[:5] if isinstance(found, list) else ():
        if isinstance(el, lxml.html.HtmlElement):
            text = clean_line(el.text_content(), limit=200)
            if text:
                return text
    return ""


def read_meta(root: lxml.html.HtmlElement, url: str | None) -> Meta:
    """What the page says about itself: Open Graph, JSON-LD, then the markup."""
    meta = Meta()
    ld = [d for d in _json_ld(root)
          if any(t in str(d.get("@type", "")) for t in ("Article", "Posting", "Report"))]
    h1 = _first_text(root, "//h1")
    title = (ld[0].get("headline") if ld and isinstance(ld[0].get("headline"), str) else "")
    title = title or _meta(root, "og:title", "twitter:title") or h1
    if not title:
        el = root.find(".//title")
        title = el.text_content() if el is not None else ""
        title = _SITE_SUFFIX.sub("", title.strip())
    meta.title = clean_line(title)
    if h1 and len(h1) > 10 and h1.lower() in meta.title.lower():
        meta.title = h1

    author = _names(ld[0].get("author")) if ld else ""
    author = author or _meta(root, "author", "article:author", "parsely-author",
                             "sailthru.author", "dc.creator")
    if not author or author.startswith("http"):
        author = _first_text(
            root, "//*[@rel='author' or contains(@class,'byline') or contains(@class,'author')"
                  " or @itemprop='author'][not(self::meta)][not(self::script)]")
    meta.byline = clean_line(_BY.sub("", author), limit=200)

    section = _meta(root, "article:section", "parsely-section", "section", "category")
    if not section and ld:
        value = ld[0].get("articleSection")
        section = value[0] if isinstance(value, list) and value else value  # type: ignore[assignment]
        section = section if isinstance(section, str) else ""
    if not section:
        labelled = ("//*[contains(@class,'kicker') or contains(@class,'eyebrow') or "
                    "contains(@class,'section-label') or contains(@class,'category') or "
                    "contains(@class,'breadcrumb')][not(self::body)][not(self::html)]")
        # The label's link text, or the label's own text when it links nowhere.
        section = _first_text(root, f"{labelled}//a | {labelled}[not(.//a)]")
    meta.section = clean_line(section, limit=80) if len(section) <= 80 else ""
    meta.site_name = clean_line(_meta(root, "og:site_name", "application-name"), limit=80)

    image = _meta(root, "og:image", "og:image:url", "twitter:image")
    src = safe_url(image, url)
    if src:
        meta.lead_image = Image(src=src, alt=clean_line(_meta(root, "og:image:alt")))
    return meta


def page_url(root: lxml.html.HtmlElement) -> str | None:
    """The address a saved page gives for itself: `<base href>`, then
    `<link rel="canonical">`, then `og:url`; only an absolute http(s) URL counts."""
    candidates = [el.get("href") for el in root.iterfind(".//base")]
    candidates += [el.get("href") for el in root.iterfind(".//link")
                   if "canonical" in (el.get("rel") or "").lower().split()]
    candidates.append(_meta(root, "og:url"))
    for candidate in candidates:
        url = safe_url((candidate or "").strip())
        if url:
            return url
    return None
