"""The headless core: nothing outside readerterm.tui imports textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "readerterm"


def core_modules() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if "tui" in parts or parts[-1] == "__main__":
            continue
        names.append(".".join(p for p in parts if p != "__init__"))
    return names


def test_no_core_module_imports_textual_in_its_source() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tui" in path.relative_to(SRC).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif node.module and node.level == 0:
                names = [node.module]
            if any(n == "textual" or n.startswith("textual.") for n in names):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("modules", [core_modules()])
def test_importing_the_core_does_not_load_textual(modules: list[str]) -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad[:5])\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_tui_is_the_package_that_does() -> None:
    done = subprocess.run([sys.executable, "-c", "import readerterm.tui.app, sys; "
                           "print('textual' in sys.modules)"], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "True", done.stderr


def imports_of_each_module() -> dict[str, set[str]]:
    """readerterm module -> the readerterm modules it imports, at the top or inside a
    function (`from package import module` counts as the module)."""
    paths = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        paths[".".join(p for p in parts if p != "__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join([*base, module] if module else base)
                found.update(f"{module}.{a.name}" if f"{module}.{a.name}" in paths else module
                             for a in node.names)
        graph[name] = {m for m in found if m in paths and m != name}
    return graph


def test_the_html_rules_import_only_models_and_safety() -> None:
    """html/ is the bottom of the parsing layers: feeds, extract and the reader use it."""
    graph = imports_of_each_module()
    outside = {m for name, deps in graph.items() if name.startswith("readerterm.html")
               for m in deps if not m.startswith("readerterm.html")}
    assert outside <= {"readerterm.models", "readerterm.safety"}


def test_html_and_extract_never_import_store_library_or_tui() -> None:
    graph = imports_of_each_module()
    bad = sorted((name, m) for name, deps in graph.items()
                 if name.startswith(("readerterm.html", "readerterm.extract")) for m in deps
                 if m.startswith(("readerterm.store", "readerterm.library", "readerterm.tui")))
    assert bad == []


def test_no_import_cycle_goes_through_html_or_extract() -> None:
    graph = imports_of_each_module()
    for start in (m for m in graph if m.startswith(("readerterm.html", "readerterm.extract"))):
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            module = todo.pop()
            assert module != start, f"{start} imports itself through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])


KNOWN_CYCLES = [{"readerterm.feeds.fastparse", "readerterm.feeds.parse"}]
"""Being taken apart in their own branch (the feed parser's restructuring)."""


def test_no_import_cycles() -> None:
    """No module imports itself through others, at the top or inside a function."""
    graph = imports_of_each_module()

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    reached = {m: reach(m) for m in graph}
    cycles = {frozenset({m, *(o for o in reached[m] if m in reached[o])})
              for m in graph if m in reached[m]}
    assert sorted(sorted(c) for c in cycles if set(c) not in KNOWN_CYCLES) == []
