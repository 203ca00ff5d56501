"""README.md's "Hostile input" figures match the suite (scripts/hostile_summary.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_figures_are_current() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "hostile_summary.py"),
                           "--check"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr + done.stdout
