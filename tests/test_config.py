"""config.py: settings and subscriptions read from TOML, typed and validated; a mistake
names the file, the line and the key, and nothing is overwritten."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readerterm.config import (
    DEFAULT_CONFIG,
    ConfigError,
    FeedEntry,
    FetchSettings,
    Section,
    Settings,
    UISettings,
    load_sections,
    load_settings,
    save_sections,
    write_default_settings,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def error_of(call: str, path: Path) -> str:
    """The message of the ConfigError that loading `path` raises."""
    loader = load_settings if call == "settings" else load_sections
    with pytest.raises(ConfigError) as caught:
        loader(path)
    return str(caught.value)


# -- config.toml -----------------------------------------------------------------------


def test_no_file_means_defaults_and_the_written_default_reads_back_as_them(
        tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_settings(path) == Settings()
    write_default_settings(path)
    assert path.read_text(encoding="utf-8") == DEFAULT_CONFIG
    assert load_settings(path) == Settings()  # every commented value is the default


def test_the_default_file_is_written_once_and_never_over_an_edit(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "[fetch]\nper_host = 2\n")
    write_default_settings(path)
    assert path.read_text(encoding="utf-8") == "[fetch]\nper_host = 2\n"


def test_values_and_key_remapping_come_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", """
[fetch]
per_host = 2
deadline = 5          # an integer where a float is expected is taken as one

[fulltext]
enabled = false

[ui]
theme = "nord"

[ui.keys]
back = "[,alt+left"
refresh_all = "R"
""")
    settings = load_settings(path)
    assert settings.fetch == FetchSettings(per_host=2, deadline=5.0)
    assert isinstance(settings.fetch.deadline, float)
    assert settings.fulltext.enabled is False and settings.fulltext.concurrency == 4
    assert settings.ui == UISettings(theme="nord",
                                     keys={"back": "[,alt+left", "refresh_all": "R"})
    assert settings.retention == Settings().retention


@pytest.mark.parametrize("text, line, message", [
    ("[fetch]\nper_host = 2\n[fetching]\n", 3,
     "unknown section [fetching]; the sections are [fetch], [fulltext], [retention], "
     "[ui], [refresh], [open], [images]"),
    ("[fetch]\nper_host = 2\nper_hots = 3\n", 3,
     "unknown key fetch.per_hots; the keys of [fetch] are max_in_flight, per_host, "
     "deadline, max_bytes, max_entries"),
    ("[fetch]\n\nper_host = \"six\"\n", 3,
     'fetch.per_host must be a whole number, not a string ("six"); for example: per_host = 6'),
    ("[fetch]\nper_host = true\n", 2,
     "fetch.per_host must be a whole number, not a boolean (true); for example: per_host = 6"),
    ("[fulltext]\nenabled = 1\n", 2,
     "fulltext.enabled must be true or false, not an integer (1); for example: enabled = true"),
    ("[fetch]\ndeadline = \"30\"\n", 2,
     'fetch.deadline must be a number, not a string ("30"); for example: deadline = 30.0'),
    ("[fetch]\nmax_bytes = 0\n", 2,
     "fetch.max_bytes must be more than 0, not 0; for example: max_bytes = 10485760"),
    ("[retention]\ndays = -1\n", 2,
     "retention.days must be more than 0, not -1; for example: days = 90"),
    ("fetch = 3\n", 1, "[fetch] must be a table of settings (max_in_flight, per_host, deadline, "
     "max_bytes, max_entries), not an integer (3)"),
    ("[ui]\ntheme = 3\n", 2,
     'ui.theme must be a string, not an integer (3); for example: theme = "textual-dark"'),
    ("[ui.keys]\nback = 3\n", 2, 'ui.keys.back must be a string of keys, not an integer (3); '
     'for example: back = "ctrl+s" (several keys: "s,ctrl+s")'),
    ("[ui]\nkeys = \"R\"\n", 2, 'ui.keys must be a table, not a string ("R"); '
     'for example: [ui.keys] star = "s,ctrl+s" (a binding id and its keys)'),
])
def test_a_bad_value_names_the_file_line_and_key(tmp_path: Path, text: str, line: int,
                                                 message: str) -> None:
    path = write(tmp_path / "config.toml", text)
    error = error_of("settings", path)
    assert error == f"{path}, line {line}: {message}"
    assert path.read_text(encoding="utf-8") == text  # left as the user wrote it


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "[fetch]\nper_host = \n")
    error = error_of("settings", path)
    assert error.startswith(f"{path}: ") and "line 2" in error


@pytest.mark.parametrize("name", ["config.toml", "feeds.toml"])
def test_a_file_that_is_not_utf8_is_an_error_not_mojibake(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    data = '[ui]\ntheme = "caf\xe9"\n'.encode("latin-1")
    path.write_bytes(data)
    error = error_of("settings" if name == "config.toml" else "sections", path)
    assert error.startswith(f"{path}: not UTF-8 text")
    assert path.read_bytes() == data


def test_non_ascii_text_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "feeds.toml",
                 '[[sections]]\nname = "Économie"\nfeeds = [{ url = "https://a.example/f",'
                 ' title = "Le Café" }]\n')
    assert load_sections(path) == [
        Section("Économie", (FeedEntry("https://a.example/f", "Le Café"),))]


# -- feeds.toml ------------------------------------------------------------------------


def test_subscriptions_round_trip_and_defaults_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "config" / "feeds.toml"
    assert load_sections(path) is None  # no file: the caller writes the defaults
    sections = [
        Section("World", (FeedEntry("https://a.example/rss", "A"),
                          FeedEntry("https://b.example/rss", fulltext=False))),
        Section("Empty"),
    ]
    save_sections(path, sections)
    assert load_sections(path) == sections
    text = path.read_text(encoding="utf-8")
    assert 'title = ""' not in text and "fulltext = true" not in text
    assert "fulltext = false" in text
    assert [p.name for p in path.parent.iterdir()] == ["feeds.toml"]  # no temporary left


@pytest.mark.parametrize("text, line, message", [
    ("sections = 3\n", 1, "sections must be a list"),
    ("[[sections]]\nfeeds = []\n", 0, "sections[0].name must be a string"),
    ('[[sections]]\nname = "A"\n[[sections.feeds]]\ntitle = "x"\n', 0,
     "sections[0].feeds[0].url is missing"),
    ('[[sections]]\nname = "A"\n[[sections.feeds]]\nurl = "https://a.example/"\ntitel = "x"\n',
     5, "unknown key sections[0].feeds[0].titel; the keys of "
     "[sections[0].feeds[0]] are url, title, fulltext, interval"),
    ('[[sections]]\nname = "A"\n[[sections.feeds]]\nurl = "https://a.example/"\n'
     'fulltext = "no"\n', 5, 'sections[0].feeds[0].fulltext must be true or false, '
     'not a string ("no"); for example: fulltext = true'),
    ('feeds = []\n[[sections]]\nname = "A"\n', 1, "unknown key feeds"),
])
def test_a_bad_subscription_names_the_file_line_and_key(tmp_path: Path, text: str, line: int,
                                                        message: str) -> None:
    path = write(tmp_path / "feeds.toml", text)
    error = error_of("sections", path)
    assert re.fullmatch(rf"{re.escape(str(path))}, line {line}: {re.escape(message)}", error), \
        error
    assert path.read_text(encoding="utf-8") == text
