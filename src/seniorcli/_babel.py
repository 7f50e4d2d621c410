"""Babel extractor for seniorcli (development only; never imported when the tool runs).

Babel's own Python extractor finds ``_()``, ``N_()`` and ``ngettext()``. Typer shows a command's
docstring as its ``--help``; the command line translates those docstrings when it starts
(``seniorcli.cli._translate_help``), so they belong in the catalog too. This extractor adds the
docstring of every function decorated with ``….command(…)`` or ``….callback(…)``, cleaned as
Typer cleans it (``inspect.cleandoc``). babel.cfg names it for ``src/seniorcli/**.py``.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from typing import IO, Any


def _is_command(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ("command", "callback")


def docstrings(source: str) -> Iterator[tuple[int, str]]:
    """(line, help text) of every Typer command's docstring in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _is_command(d) for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.body[0].lineno, inspect.cleandoc(doc)


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[Any, ...]]:
    """Babel's Python extraction, plus the docstrings that Typer shows as help."""
    from babel.messages.extract import extract_python

    data = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for line, text in docstrings(data.decode(options.get("encoding", "utf-8"))):
        yield line, None, text, ["Typer help (docstring)"]
