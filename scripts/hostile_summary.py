"""The "Hostile input" figures in README.md, counted from the test suite itself.

    python scripts/hostile_summary.py           # print the table
    python scripts/hostile_summary.py --write   # put it in README.md between the markers
    python scripts/hostile_summary.py --check   # exit 1 if README.md is out of date

The counts come from pytest's collection of the hostile tests (each parametrized case is
one test) and from the lists those tests run over (payload files, faults, links), so a
case added or removed changes the figure. tests/test_hostile_summary.py runs --check.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "<!-- hostile-summary:start -->"
END = "<!-- hostile-summary:end -->"
FILES = ["tests/test_parse.py", "tests/test_net.py", "tests/test_safety.py",
         "tests/test_hostile_payloads.py", "tests/test_hostile_server.py",
         "tests/test_hostile_properties.py", "tests/test_hostile_terminal.py",
         "tests/test_hostile_faults.py", "tests/test_hostile_links.py",
         "tests/test_hostile_images.py"]


def collect() -> list[str]:
    """Test ids of FILES, as pytest collects them."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider",
         "-p", "no:randomly", *FILES],
        cwd=ROOT, capture_output=True, text=True, check=False)
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    if not ids:
        raise SystemExit(f"collection failed:\n{done.stdout}\n{done.stderr}")
    return ids


def summary() -> str:
    ids = collect()
    sys.path[:0] = [str(ROOT / "tests")]
    import test_hostile_links
    import test_hostile_properties
    from hostile_server import FAULTS
    from test_hostile_faults import KILLS
    from test_hostile_images import PAYLOADS
    from test_hostile_links import REFUSED
    from test_parse import HOSTILE_CASES

    def examples(module: object) -> int:
        """Hypothesis examples per run of the module's property tests."""
        total = 0
        for name in dir(module):
            found = getattr(getattr(module, name), "_hypothesis_internal_use_settings", None)
            if name.startswith("test_") and found is not None:
                total += found.max_examples
        return total

    per_test = Counter(i.split("[")[0] for i in ids)

    def count(prefix: str) -> int:
        return sum(n for name, n in per_test.items() if name.startswith(prefix))

    payloads = len(HOSTILE_CASES) + 2  # + hostile.opml, hostile_article.html
    rows = [
        ("Payload files (tests/data/hostile): parsed, then served, refreshed, shown by "
         "`show`/`show --json` and opened in the reader", payloads,
         count("tests/test_parse.py::test_hostile_payload")
         + count("tests/test_hostile_payloads.py")),
        ("Misbehaving HTTP server (bombs, endless and lying bodies, drips, stalls, "
         "redirects, errors, resets) through a real `readerterm refresh`", len(FAULTS),
         count("tests/test_hostile_server.py") + count("tests/test_net.py")),
        ("Hostile links refused by \"o\" (browser started without a shell)",
         len(REFUSED), count("tests/test_hostile_links.py")),
        ("Generated inputs per run (Hypothesis: any bytes as a feed, any title and HTML "
         "body through show and the reader, any link through the gate)",
         examples(test_hostile_properties) + examples(test_hostile_links),
         count("tests/test_hostile_properties.py")),
        ("Hostile and odd pictures (bombs, truncated, HTML as JPEG, SVG, CMYK, palette "
         "with transparency, animated, WebP, tracking pixel, over 5 MB) through the image "
         "cache, memory under a ceiling", len(PAYLOADS) + 2,
         count("tests/test_hostile_images.py")),
        ("Real terminal (tmux): raw output, title, clipboard, clicks", 1,
         count("tests/test_hostile_terminal.py")),
        (f"Cache faults: kill -9 mid-refresh ({KILLS} runs), a second process, read-only "
         "and full data directory", KILLS + 4, count("tests/test_hostile_faults.py")),
    ]
    generated = rows[3][1]
    inputs = sum(r[1] for r in rows) - generated
    tests = sum(r[2] for r in rows) + count("tests/test_safety.py")
    lines = [START,
             f"{inputs} hostile inputs and faults, plus {generated} generated ones on every "
             f"run, in {tests} tests (with the {count('tests/test_safety.py')} unit tests of "
             "safety.py); every one passes. Figures from `python scripts/hostile_summary.py`:",
             "",
             "| what was tried | inputs or faults | tests |", "|---|---|---|"]
    lines += [f"| {what} | {n} | {t} |" for what, n, t in rows]
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    block = summary()
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if args.check:
        found = pattern.search(text)
        if found is None or found.group(0) != block:
            print("README.md's hostile-input figures are out of date: run "
                  "python scripts/hostile_summary.py --write", file=sys.stderr)
            return 1
        return 0
    if args.write:
        if not pattern.search(text):
            raise SystemExit(f"README.md has no {START} ... {END} block")
        README.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
    print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
