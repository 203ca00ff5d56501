"""Bytes -> text for HTML pages: BOM, then a declared charset, then UTF-8 with replacement."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})""", re.I)
# Labels that browsers treat as another encoding (WHATWG Encoding Standard).
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "us-ascii": "cp1252", "ascii": "cp1252", "x-sjis": "shift_jis",
            "gb2312": "gb18030", "gbk": "gb18030"}


def _codec(label: bytes | str) -> str | None:
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = _ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # A page that says UTF-16 in an ASCII-readable meta tag is not UTF-16.
    if info.name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return info.name


_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*>")


def strip_xml_declaration(text: str) -> str:
    """`text` without a leading `<?xml ... ?>` declaration: lxml refuses a str that
    declares an encoding (XHTML pages served as text/html start with one)."""
    return _XML_DECL_TEXT.sub("", text, count=1) if text.lstrip().startswith("<?") else text


MOSTLY_UTF8 = 20  # valid multi-byte characters per broken byte, at least


def _mostly_utf8(data: bytes) -> str | None:
    """`data` as UTF-8 when its few undecodable bytes are damage in a UTF-8 page (a
    truncated character pasted in), not a page in another charset: text in a legacy
    charset almost never forms valid multi-byte UTF-8 sequences."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", "ignore")) - broken
    return text if valid >= MOSTLY_UTF8 * broken else None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a page: a byte-order mark wins; then UTF-8 when the bytes are valid UTF-8
    and not plain ASCII; then `declared` (e.g. from a Content-Type header), then a
    `<meta charset>` or XML declaration in the first 4 KB; then Windows-1252.

    Valid UTF-8 comes before what the page declares (and so does UTF-8 with a few broken
    bytes among many valid multi-byte characters) because pages often declare a
    charset their bytes are not in (a template's `iso-8859-1` left in a UTF-8 site), and
    text in a legacy charset is almost never valid UTF-8 by chance. Undecodable bytes
    become U+FFFD; this never raises."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace")
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            mostly = _mostly_utf8(data)
            if mostly is not None:
                return mostly
    candidates: list[str] = []
    if declared:
        codec = _codec(declared)
        if codec:
            candidates.append(codec)
    head = data[:4096]
    for pattern in (_META_CHARSET, _XML_DECL):
        match = pattern.search(head)
        if match:
            codec = _codec(match.group(1))
            if codec:
                candidates.append(codec)
    for codec in candidates:
        if codec == "utf-8":
            continue
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    if candidates and candidates[0] != "utf-8":
        return data.decode(candidates[0], "replace")
    # Declared UTF-8 (or nothing) but not valid UTF-8: most such pages are Windows-1252.
    return data.decode("cp1252" if not data.isascii() else "utf-8", "replace")
