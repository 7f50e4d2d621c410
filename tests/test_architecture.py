"""The import rules that matter most (docs/architecture.md, "The rooms"): no module outside
``db/`` imports sqlite3 or psycopg, and services never import ``output``. Imports are read from
the source, also those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import seniorcli

SRC = Path(seniorcli.__file__).parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_only_db_imports_the_database_drivers():
    found = [f"{path.relative_to(SRC)}: {name}"
             for path in sorted(SRC.rglob("*.py")) if "db" not in path.relative_to(SRC).parts[:1]
             for name in sorted(_imports(path))
             if _under(name, "sqlite3") or _under(name, "psycopg")]
    assert not found, found


def test_services_never_import_output():
    found = [f"{path.name}: {name}" for path in sorted((SRC / "services").glob("*.py"))
             for name in sorted(_imports(path)) if _under(name, "seniorcli.output")]
    assert not found, found


def test_services_hold_no_sql():
    """A statement in a service would bypass the db package (and its PostgreSQL variant)."""
    import ast

    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE", "WITH ")
    offenders = []
    services = Path(__file__).resolve().parent.parent / "src" / "seniorcli" / "services"
    for p in services.glob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                    node.value.lstrip().startswith(k) for k in keywords):
                offenders.append(f"{p.name}:{node.lineno}")
    assert offenders == []


def test_output_does_not_import_services():
    """docs/architecture.md: output/ is fed by cli/ only."""
    import ast

    output = Path(__file__).resolve().parent.parent / "src" / "seniorcli" / "output"
    offenders = []
    for p in output.glob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    ("seniorcli.services", "seniorcli.db", "seniorcli.cli")):
                offenders.append(f"{p.name}:{node.lineno} {node.module}")
    assert offenders == []
