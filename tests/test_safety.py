"""The trust boundary (SECURITY.md rules 2, 4, 6)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from readerterm.safety import (
    checked_url,
    clamp_date,
    clean_line,
    clean_text,
    plain_url,
    safe_url,
    strip_controls,
)


def test_every_control_and_format_character_is_removed() -> None:
    for code in range(0x110000):
        ch = chr(code)
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs") and ch not in "\n\t":
            assert strip_controls(f"a{ch}b") == "ab", hex(code)


def test_escape_sequences_do_not_survive() -> None:
    payload = "Title\x1b]52;c;ZXZpbA==\x07 \x1b[2J\x1b]8;;http://x\x1b\\link\u202eevil\u200b"
    cleaned = clean_line(payload)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\u202e" not in cleaned
    assert cleaned.startswith("Title")


def test_titles_are_truncated_and_text_keeps_paragraphs() -> None:
    assert len(clean_line("x" * 1_000_000)) == 300
    assert clean_text("one\r\n\r\n\r\ntwo  three") == "one\n\ntwo three"


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("/x", "http://example.org/a/") == "http://example.org/x"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                "exec:rm", "-https://x.org", "http://", "https://exa mple.org",
                "https://x.org/\x1b[0m", "", None, "mailto:a@b.c"):
        assert safe_url(bad) is None, bad


def test_no_control_format_or_space_character_passes_in_a_url() -> None:
    for code in range(0x110000):
        ch = chr(code)
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zs", "Zl", "Zp") or ch.isspace():
            assert safe_url(f"https://example.org/a{ch}b") is None, hex(code)


def reference_safe_url(url: str | None, base: str | None = None) -> str | None:
    """SECURITY.md rule 4 written out again with the standard library alone, as the
    oracle for safe_url and checked_url: surrounding whitespace ignored; no control,
    format, surrogate or private-use character and no whitespace inside; resolved
    against `base`; then an http(s) URL with a host, not starting with "-"."""
    if not url:
        return None
    url = url.strip()
    if not url or len(url) > 4096:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") or ch.isspace() for ch in url):
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:  # a base urljoin cannot read
            return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a broken host ("http://[::1")
        return None
    if url.startswith("-") or parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


BASES = [None, "", "https://news.example.org/", "http://a.example/b/c?d=1#e", "http://[::1",
         "ftp://f.example/", "https://x.example:8080/p;q"]
URL_SAMPLES = [
    "https://news7.example.org/img/24/965.jpg", "http://a.example", "http://a.example/",
    "https://a.example:443/x", "https://a.example?q=1", "https://a.example/p?", "https://a/p#",
    "https://a.example/p#f", "https://a.example/p;x", "https://a.example/p;", "HTTPS://a.example/",
    "https://A.example/", "https://u@a.example/", "https://a.example//x", "https://a.example/./b",
    "https://a.example/../b", "https://-a.example/", "https://.example/", "https://a.example:/x",
    "https://a.example:99999999/", "https://[::1]/", "https://[::1/", "http:a.example/x",
    "https:/a.example", "https://a.example/%2e%2e/x", "https://a.example/x?a=b&c=d/e",
    "https://a.example/x?a=b?c", "https://a.example/x??", "//a.example/x", "/x", "x",
]


def test_the_reference_agrees_with_the_rules_on_plain_cases() -> None:
    assert reference_safe_url(" https://a.example/x ") == "https://a.example/x"
    assert reference_safe_url("/x", "https://a.example/b") == "https://a.example/x"
    for bad in ("javascript:alert(1)", "-https://a.example", "https://a.example/a b",
                "https://a.example/\u202e", "http://", "ftp://a.example/", None):
        assert reference_safe_url(bad) is None, bad


def test_safe_url_and_its_full_checks_give_what_the_rules_give() -> None:
    for base in BASES:
        for url in URL_SAMPLES:
            expected = reference_safe_url(url, base)
            assert safe_url(url, base) == expected, (url, base)  # with the plain-URL shortcut
            assert checked_url(url, base) == expected, (url, base)  # every check


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "https:", "ftp://", "-https://", ""]),
       st.text(alphabet="aZ09.-_:@[]%", max_size=12),
       st.text(alphabet="aZ09/._~%+-;?#=&:@ \t", max_size=20), st.sampled_from(BASES))
def test_safe_url_is_its_reference(scheme: str, host: str, rest: str, base: str | None) -> None:
    url = scheme + host + rest
    assert safe_url(url, base) == reference_safe_url(url, base)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "https:", "ftp://", "-https://", ""]),
       st.text(alphabet="aZ09.-_:@[]%", max_size=12),
       st.text(alphabet="aZ09/._~%+-;?#=&:@ \t", max_size=20), st.sampled_from(BASES))
def test_urljoin_gives_a_plain_url_back_as_it_is(scheme: str, host: str, rest: str,
                                                 base: str | None) -> None:
    """fastparse resolves links with urljoin except plain ones, which it keeps as they are."""
    for url in (scheme + host + rest, *URL_SAMPLES):
        if plain_url(url, base):
            assert urljoin(base or "", url) == url, (url, base)


def test_dates_are_clamped() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert clamp_date(datetime(1969, 12, 31, tzinfo=UTC), now) is None
    assert clamp_date(now + timedelta(days=3), now) is None
    assert clamp_date(now + timedelta(days=1), now) == now + timedelta(days=1)
    assert clamp_date(datetime(2020, 5, 5), now) == datetime(2020, 5, 5, tzinfo=UTC)
