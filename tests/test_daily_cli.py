"""The daily reader's command line (issue 15): mark --all-read, show's enclosures and
links, show --markdown, filters and saved searches, against a real server and cache."""

from __future__ import annotations

import pytest

from conftest import FeedServer
from test_cli import as_json, run
from test_cli import filled as filled


def unread(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    return len(as_json(capsys, "articles", "--unread", "--json", *args))


def test_mark_all_read_by_feed_section_and_everything(
        filled: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert unread(capsys) == 3
    assert as_json(capsys, "mark", "--all-read", "--feed", filled.url("/world.xml"),
                   "--json") == {"marked": 2}
    assert unread(capsys) == 1
    assert unread(capsys, "--section", "Tech") == 1
    code, out, _ = run(capsys, "mark", "--all-read", "--section", "Tech")
    assert (code, out) == (0, "marked 1 article read\n")
    assert unread(capsys) == 0
    # Nothing left: zero, not an error.
    assert as_json(capsys, "mark", "--all-read", "--json") == {"marked": 0}
    arts = as_json(capsys, "articles", "--json")
    assert run(capsys, "mark", str(arts[0]["id"]), "--unread")[0] == 0
    assert as_json(capsys, "mark", "--all-read", "--json") == {"marked": 1}


@pytest.mark.parametrize("args", [
    ["mark", "--all-read", "--section", "Nowhere"],
    ["mark", "--all-read", "--feed", "http://127.0.0.1:1/none.xml"],
    ["mark", "1", "--all-read"],
    ["mark", "--read"],
    ["mark", "1", "--read", "--section", "Tech"],
    ["mark", "--all-read", "--section", "Tech", "--feed", "http://127.0.0.1:1/x.xml"],
])
def test_mark_all_read_bad_input_marks_nothing(filled: FeedServer, args: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert unread(capsys) == 3
