"""Dates written with month names in other languages than English.

feedparser reads English month names only, so "Seg, 24 Set 2018 19:42:40 -0300" (a
Portuguese feed) had no date. This reads "day month year [time] [zone]" with the month
in English, Portuguese, Spanish, French, German, Italian or Dutch, whole or shortened
("set", "sept.", "févr", "Mrz"), accents optional, with an optional "de" (Portuguese and
Spanish: "24 de setembro de 2018"). A date without a zone is taken as UTC.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["read_foreign_date"]

_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "janeiro", "enero", "janvier", "januar", "janner", "gennaio", "januari"),
    ("february", "fevereiro", "febrero", "fevrier", "februar", "febbraio", "februari"),
    ("march", "marco", "marzo", "mars", "marz", "maart", "mrz", "mrt"),
    ("april", "abril", "avril", "aprile"),
    ("may", "maio", "mayo", "mai", "maggio", "mei"),
    ("june", "junho", "junio", "juin", "juni", "giugno"),
    ("july", "julho", "julio", "juillet", "juli", "luglio"),
    ("august", "agosto", "aout", "augustus"),
    ("september", "setembro", "septiembre", "setiembre", "septembre", "settembre"),
    ("october", "outubro", "octubre", "octobre", "oktober", "ottobre"),
    ("november", "novembro", "noviembre", "novembre"),
    ("december", "dezembro", "diciembre", "decembre", "dezember", "dicembre"),
)


def _months() -> dict[str, int]:
    """Each name, and each 3- and 4-letter start of one that names a single month."""
    found: dict[str, set[int]] = {}
    for number, names in enumerate(_NAMES, 1):
        for name in names:
            for key in {name, name[:3], name[:4]}:
                found.setdefault(key, set()).add(number)
    return {key: next(iter(numbers)) for key, numbers in found.items() if len(numbers) == 1}


_MONTHS = _months()
_DATE = re.compile(
    r"^(?:[^\W\d_]+\.?,?\s+)?(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,12})\.?,?\s+(?:de\s+)?"
    r"(\d{4}),?(?:\s+(\d{1,2})[:h](\d\d)(?::(\d\d))?)?"
    r"\s*(GMT|UTC|UT|Z|[+-]\d\d:?\d\d)?$", re.IGNORECASE)


def _plain(word: str) -> str:
    """`word` in lower case without accents ("Févr" -> "fevr", "März" -> "marz")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_foreign_date(raw: str) -> datetime | None:
    """A "day month year [hh:mm[:ss]] [zone]" date in one of the languages above, as an
    aware UTC datetime; None when it is not one."""
    if not raw or len(raw) > 100:
        return None
    m = _DATE.match(raw.strip())
    if m is None:
        return None
    month = _MONTHS.get(_plain(m.group(2)))
    if month is None:
        return None
    zone = (m.group(7) or "Z").upper()
    offset = 0
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * (-1 if zone[0] == "-" else 1)
    try:
        when = datetime(int(m.group(3)), month, int(m.group(1)), int(m.group(4) or 0),
                        int(m.group(5) or 0), int(m.group(6) or 0),
                        tzinfo=timezone(timedelta(minutes=offset)))
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
