"""``seniorcli.output``, the one place that writes data, keeps its shape: every format in it,
no import cycle, nothing heavy loaded by importing it; and services hand back data without
formatting or writing it (the CLI chooses the format, ``output`` writes it).

Imports are read from the source (every ``import``, also those inside functions, which is
where a cycle used to hide: ``output.emit`` imported ``xlsx`` lazily while ``xlsx`` imported
``output``), and each module of the output package is imported first in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import seniorcli

SRC = Path(seniorcli.__file__).parent
OUTPUT = SRC / "output"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (``from a import b`` counts as ``a.b``
    when ``a.b`` is a module of ours, else as ``a``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if _is_ours(sub):
                    found.add(sub)
    return found


def _is_ours(name: str) -> bool:
    if not name.startswith("seniorcli."):
        return False
    rel = Path(*name.split(".")[1:])
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


OUTPUT_MODULES = sorted(_module_name(p) for p in OUTPUT.glob("*.py"))


def test_the_output_package_holds_every_format():
    assert {m.rsplit(".", 1)[-1] for m in OUTPUT_MODULES} >= {
        "output", "columns", "table", "csv", "json", "xlsx", "html"}
    for gone in ("output.py", "xlsx.py", "report_html.py"):  # one place, not two
        assert not (SRC / gone).exists(), gone


def test_the_output_package_has_no_import_cycle():
    graph = {m: {i for i in _imports(SRC.parent / (m.replace(".", "/") + ".py"))
                 if i in OUTPUT_MODULES and i != m}
             for m in OUTPUT_MODULES if m != "seniorcli.output"}
    graph["seniorcli.output"] = {i for i in _imports(OUTPUT / "__init__.py")
                                 if i in OUTPUT_MODULES and i != "seniorcli.output"}

    def cycle_from(start: str, path: list[str]) -> list[str] | None:
        for nxt in sorted(graph[path[-1]]):
            if nxt == start:
                return [*path, nxt]
            if nxt not in path:
                found = cycle_from(start, [*path, nxt])
                if found:
                    return found
        return None

    for module in OUTPUT_MODULES:
        cycle = cycle_from(module, [module])
        assert cycle is None, " → ".join(cycle)


@pytest.mark.parametrize("module", OUTPUT_MODULES)
def test_each_output_module_can_be_imported_first(module):
    """A fresh interpreter imports the module before anything else of seniorcli (a cycle shows
    as an ImportError about a partially initialised module)."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_importing_the_output_package_loads_no_heavy_library():
    code = ("import sys, seniorcli.output; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'openpyxl', 'rich', 'babel', 'typer', 'sqlalchemy', 'sqlmodel', 'psycopg'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_services_do_not_format_or_write_output():
    """A service returns data: it imports neither the output package nor the CLI nor the
    libraries that draw (Rich, Typer, openpyxl)."""
    refused = ("seniorcli.output", "seniorcli.cli", "rich", "typer", "openpyxl")
    found = [f"{path.name}: {name}" for path in sorted((SRC / "services").glob("*.py"))
             for name in sorted(_imports(path))
             if any(name == r or name.startswith(r + ".") for r in refused)]
    assert not found, found
