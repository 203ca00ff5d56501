"""Opening links (SECURITY.md rule 4): "o" in the reader opens only plain http(s) URLs,
the browser is started without a shell, and a URL beginning with "-" never reaches it.

The cache only ever stores links that passed `safe_url`, so these tests write hostile
URLs into the cache directly (as an older version or another program could have left
them) to test the reader's own gate: `ReaderApp.action_open_browser`, which hands the
URL to `_open_in_browser` (webbrowser.open, in a thread worker).
"""

from __future__ import annotations

import ast
import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile_server import HostileServer, write_home
from readerterm import paths
from readerterm.library import Library
from readerterm.safety import safe_url
from readerterm.tui.app import ReaderApp
from tui_fixtures import NOW

ALLOWED = ["http://127.0.0.1:9/story", "https://news.example.invalid/a?b=c#d"]
REFUSED = [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>", "-renderer-cmd-prefix=calc",
    "--proxy-server=http://127.0.0.1:9", "-http://x/", "http://x/ -y", "http://x/\n-y",
    "http://x/\x1b]52;c;AA\x07", "exec:calc", "ssh://host/", "http:///nohost", "mailto:a@b",
    "http://x/\t`id`", "\u202ehttp://x/", "",
]


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    server = HostileServer(bombs=False)
    home = write_home(tmp_path / "home", [(server.url("/good/links"), "links")])
    library = Library.open(paths.resolve({"READERTERM_HOME": str(home)}))
    asyncio.run(library.refresh(fulltext=False))
    server.stop()
    yield library
    library.close()


def set_url(lib: Library, article_id: int, url: str) -> None:
    conn = sqlite3.connect(lib.paths.database)
    with conn:
        conn.execute("UPDATE articles SET url = ? WHERE id = ?", (url, article_id))
    conn.close()


async def press_o(lib: Library, article_id: int, urls: list[str]) -> None:
    """In one reader: for each URL, store it on the article, open it, press "o"."""
    app = ReaderApp(lib, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        for url in urls:
            set_url(lib, article_id, url)
            app.visit_article(article_id)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.reader.view is not None and app.reader.view.url == url
            app.reader.focus()
            await pilot.press("o")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running


async def test_o_opens_only_allowed_urls(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def record(url: str, *_args: object, **_kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", record)
    await press_o(lib, lib.articles()[0].id, REFUSED + ALLOWED)
    assert opened == ALLOWED


def test_the_gate_refuses_every_hostile_link() -> None:
    for url in REFUSED:
        assert safe_url(url) is None, url
    for url in ALLOWED:
        assert safe_url(url) == url


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.builds(lambda a, b: a + b,
                                        st.sampled_from(["-", "--", " -", "http://", "https://x/",
                                                         "javascript:", "file:", "\x00"]),
                                        st.text(max_size=40)))
def test_whatever_passes_the_gate_is_a_plain_web_link(url: str) -> None:
    checked = safe_url(url)
    if checked is not None:
        assert checked.startswith(("http://", "https://"))  # never "-": never an option
        assert not any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in checked)


@pytest.fixture
def fake_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Any]]:
    """BROWSER is a script that records its argv; subprocess.Popen calls are recorded."""
    record = tmp_path / "argv.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f"#!{sys.executable}\nimport sys\n"
                      f"open({str(record)!r}, 'a').write(repr(sys.argv) + '\\n')\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # register from BROWSER again
    monkeypatch.setattr(webbrowser, "_browsers", {})
    calls: list[Any] = []
    real = subprocess.Popen

    def popen(args: Any, *a: Any, **kw: Any) -> Any:
        calls.append((args, kw))
        return real(args, *a, **kw)

    monkeypatch.setattr(subprocess, "Popen", popen)
    return record, calls


async def test_the_browser_gets_one_argv_entry_and_no_shell(
        lib: Library, fake_browser: tuple[Path, list[Any]]) -> None:
    record, calls = fake_browser
    article_id = lib.articles()[0].id
    url = "http://127.0.0.1:9/story?q=$(id);`id`&x=|y"  # shell characters are just bytes
    await press_o(lib, article_id, [url, "-renderer-cmd-prefix=calc",
                                     "--proxy-server=http://127.0.0.1:9"])
    for _ in range(50):  # the browser runs detached; give it a moment to write
        if record.exists():
            break
        await asyncio.sleep(0.1)
    argv = [ast.literal_eval(line) for line in record.read_text().splitlines()]
    assert [a[1:] for a in argv] == [[url]]  # one call, the URL as one argument, not split
    assert len(calls) == 1
    args, kwargs = calls[0]
    assert isinstance(args, list) and args[-1] == url
    assert not kwargs.get("shell", False)
    assert os.path.basename(args[0]) == "fake-browser"
