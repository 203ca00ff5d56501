"""feeds/_charset.py: feedparser's last-resort charset guess, answered in bounded time."""

from __future__ import annotations

from typing import Any

import chardet
import pytest

from readerterm.feeds._charset import SAMPLE, bound_feedparser_guess, guess_encoding


def test_a_body_that_decodes_as_utf8_is_utf8_without_asking_chardet(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> dict[str, Any]:
        raise AssertionError("chardet was asked")

    monkeypatch.setattr(chardet, "detect", refuse)
    assert guess_encoding(b"plain ascii <rss/>") == "utf-8"
    assert guess_encoding("Café, Новости, 新闻".encode()) == "utf-8"
    assert guess_encoding(b"") == "utf-8"


def test_chardet_sees_a_sample_from_just_before_the_first_non_ascii_byte(
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bytes] = []
    detect = chardet.detect

    def recording(data: bytes) -> Any:
        asked.append(data)
        return detect(data)

    monkeypatch.setattr(chardet, "detect", recording)
    text = "Новости дня: правительство объявило о новых мерах. " * 200
    body = b"<rss>" + b"a" * 1_000_000 + text.encode("cp1251") + b"</rss>"
    assert guess_encoding(body).lower() == "windows-1251"
    [sample] = asked
    assert len(sample) == SAMPLE
    first_high = body.index(text.encode("cp1251")[:1])
    assert body.find(sample) == first_high - 256


def test_no_guess_is_an_empty_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chardet, "detect", lambda data: {"encoding": None})
    assert guess_encoding(b"\xff\xfe\xfa") == ""


def test_feedparser_is_made_to_use_the_bounded_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser.encodings as encodings

    monkeypatch.setattr(encodings, "lazy_chardet_encoding", lambda data: "ascii",
                        raising=False)
    bound_feedparser_guess()
    assert encodings.lazy_chardet_encoding is guess_encoding
