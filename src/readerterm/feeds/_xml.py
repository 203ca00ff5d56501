"""lxml set up for untrusted XML: no DTD, no entities, no network.

libxml2 substitutes internal entities inside attribute values even with
`resolve_entities=False`, so the DOCTYPE (where entities are declared) is cut out of the
document before lxml sees it. Feeds and OPML files have no use for one.
"""

from __future__ import annotations

import io
import re
from typing import Any

_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S | re.I)
_ENCODING_DECL = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def to_utf8(data: bytes) -> bytes:
    """UTF-16/32 documents (by BOM) re-encoded as UTF-8, so byte-level checks see them."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            text = data[len(bom):].decode(codec, errors="replace").encode("utf-8")
            return _ENCODING_DECL.sub(rb'\1"UTF-8"', text, count=1)
    return data


def strip_doctype(data: bytes) -> bytes | None:
    """`data` without its DOCTYPE; None if an entity declaration is still there."""
    data = _DOCTYPE.sub(b"", data, count=1)
    if b"<!ENTITY" in data:
        return None
    return data


def parse_untrusted(data: bytes, *, deep: bool = False) -> tuple[Any, list[str]]:
    """(root element or None, error messages) for untrusted XML, recovering from errors.

    `deep` allows nesting to 2,048 levels (libxml2's XML_PARSE_HUGE) instead of 256; it
    is safe here because no entity can be declared.
    """
    from lxml import etree

    cleaned = strip_doctype(to_utf8(data))
    if cleaned is None:
        return None, ["entity declarations are not accepted"]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=deep, recover=True, remove_comments=True, remove_pis=True,
    )
    try:
        root = etree.parse(io.BytesIO(cleaned), parser).getroot()
    except etree.XMLSyntaxError as error:
        return None, [str(error)]
    return root, [str(entry.message) for entry in parser.error_log]
