"""Article pages: fetch one and read its article as a `Document`.

One path for every page readerterm reads: the refresh's full-text pass, a related link
opened from the reader, and `readerterm extract` (a URL, or a saved file through
`read_document`). Each page is one bounded request (net.Fetcher) asking for HTML; the
extraction runs in a thread, so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio

from readerterm.errors import FetchFailed
from readerterm.models import Document
from readerterm.net import PAGE_ACCEPT, Fetcher

__all__ = ["fetch_document", "read_document"]


async def fetch_document(fetcher: Fetcher, url: str) -> tuple[Document, str]:
    """Fetch the page at `url` and extract its article: (document, final URL after
    redirects). Raises FetchFailed when the page cannot be had or holds no article."""
    result = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    if not result.ok:
        raise FetchFailed(result.error or "failed")
    doc = await asyncio.to_thread(read_document, result.body, result.final_url)
    return doc, result.final_url


def read_document(body: bytes, url: str | None) -> Document:
    """The article in a page's bytes; `url` resolves its relative links. Raises
    FetchFailed when the extractor fails or finds no article text."""
    from readerterm.extract import extract_document  # lxml and readability: when needed

    try:
        doc = extract_document(body, url)
    except Exception as exc:  # any extractor failure is that page's error
        raise FetchFailed(f"could not extract the article: {type(exc).__name__}: {exc}") from None
    if not doc.body_text.strip():
        raise FetchFailed("no article text found on the page")
    return doc
