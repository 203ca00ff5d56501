"""The shape of the package: nothing outside readerterm.tui imports textual, and no
readerterm module imports itself back through others (no import cycles)."""

from __future__ import annotations

import ast
import graphlib
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


# -- import cycles ---------------------------------------------------------------------


def module_name(path: Path, root: Path = SRC) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the import nodes under `if TYPE_CHECKING:` (they never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skipped


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Each module of the package at `root` -> the package's modules it imports anywhere
    in its source: at the top, inside functions and methods, in try blocks (all but under
    `if TYPE_CHECKING:`)."""
    paths = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        targets: list[str] = []
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # from . import x, from ..feeds import y
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets += [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base
                            for alias in node.names]
        deps = set()
        for target in targets:
            while target and target not in paths:  # a name inside a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` (its modules, the first repeated at the end), or []."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return []


def test_the_cycle_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    """A cycle hidden by an import inside a function (as parse and fastparse had one)
    is a cycle; one through `if TYPE_CHECKING:` only is not (it never runs)."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..a import x\n    return x\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
    graph = import_graph(package)
    assert graph["pkg.sub.b"] == {"pkg.a"} and graph["pkg.c"] == set()
    assert sorted(import_cycle(graph)[:-1]) == ["pkg.a", "pkg.sub.b"]


def test_no_import_cycles() -> None:
    assert import_cycle(import_graph()) == []


def test_the_html_rules_import_only_models_and_safety() -> None:
    """html/ is the bottom of the parsing layers: feeds, extract and the reader use it."""
    graph = import_graph()
    outside = {m for name, deps in graph.items() if name.startswith("readerterm.html")
               for m in deps if not m.startswith("readerterm.html")}
    assert outside <= {"readerterm.models", "readerterm.safety"}


def test_feeds_html_and_extract_never_import_store_library_or_tui() -> None:
    graph = import_graph()
    bad = sorted((name, m) for name, deps in graph.items()
                 if name.startswith(("readerterm.feeds", "readerterm.html",
                                     "readerterm.extract")) for m in deps
                 if m.startswith(("readerterm.store", "readerterm.library", "readerterm.tui")))
    assert bad == []
