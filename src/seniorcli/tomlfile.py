"""Reading the TOML files a municipality writes itself: rule sets (``rules/loader.py``) and
the senior-days table (``seniordays.py``). One reader, so both name a bad file the same way.

Example: ``read_toml(Path("silkeborg.toml"), RuleError)`` → ``{"name": "silkeborg", …}``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from seniorcli.errors import SeniorError
from seniorcli.i18n import N_, _

#: Where tomllib (Python 3.11–3.13) puts the position: at the end of its message.
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")
#: tomllib's commonest messages, as people read them (others are shown as tomllib says them).
_PROBLEMS = {
    "Expected newline or end of document after a statement":
        N_("more follows on the line after a value (text must be in quotes)"),
    "Expected '=' after a key in a key/value pair":
        N_("expected '=' after a name (a name with other letters than a-z, digits, - and _ "
           "must be in quotes)"),
    "Invalid value": N_("not a value TOML knows (text must be in \"quotes\")"),
    "Expected ']' at the end of a table declaration": N_("a table name must end with ']'"),
    "Cannot overwrite a value": N_("the same name is given twice"),
    "Illegal character '\\n'": N_("a text in quotes must end on its line (a closing \" is "
                                  "missing)"),
    "Unterminated string": N_("a text in quotes must end on its line (a closing \" is "
                              "missing)"),
}


@dataclass(frozen=True)
class TomlMistake:
    """Where and why tomllib refused a file: line and column (from 1), the line's text, and
    tomllib's own (English) words."""

    line: int
    column: int
    text: str
    problem: str


#: A file's own reading of a mistake (``read_toml(explain=…)``): (message, hint, the column
#: the mistake starts at), or None to say it the common way.
Explain = Callable[[TomlMistake], tuple[str, str, int] | None]


def read_toml(path: Path, error: type[SeniorError],
              explain: Explain | None = None) -> dict[str, Any]:
    """A TOML file as a dict (a UTF-8 BOM, as Notepad writes, is allowed); a missing,
    unreadable, non-UTF-8 or invalid file raises ``error`` naming the file (an invalid one:
    the line and column too; ``explain`` may say what the mistake means for this kind of
    file)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        return tomllib.loads(text)
    except FileNotFoundError:
        from seniorcli.files import missing_file_hint

        raise error(_("{path}: no such file").format(path=path),
                    hint=missing_file_hint(path)) from None
    except IsADirectoryError:
        raise error(_("{path} is a folder, not a file").format(path=path),
                    hint=_("give the .toml file itself")) from None
    except PermissionError:
        raise error(_("{path}: no permission to read it").format(path=path)) from None
    except UnicodeDecodeError:
        raise error(_("{path}: not UTF-8 text").format(path=path),
                    hint=_("save the file as UTF-8")) from None
    except tomllib.TOMLDecodeError as e:
        mistake = _mistake(str(e), text)
        said = explain(mistake) if explain is not None else None
        if said is not None:
            message, hint, column = said
            raise error(message, hint=hint,
                        details=_shown(replace(mistake, column=column))) from None
        problem = _(_PROBLEMS[mistake.problem]) if mistake.problem in _PROBLEMS else \
            mistake.problem
        raise error(_("{path}, line {line}, column {column}: not valid TOML: {problem}")
                    .format(path=path, line=mistake.line, column=mistake.column,
                            problem=problem),
                    hint=_("correct that line (TOML: name = \"text\", one on each line)"),
                    details=_shown(mistake)) from None


def _shown(mistake: TomlMistake) -> list[str]:
    """The line, and a ^ under the column tomllib stopped at."""
    if not mistake.text.strip():
        return []
    number = f"{mistake.line} | "
    return [number + mistake.text.rstrip(),
            " " * (len(number) - 2) + "| " + " " * (mistake.column - 1) + "^"]


def _mistake(message: str, text: str) -> TomlMistake:
    lines = text.splitlines() or [""]
    m = _POSITION.search(message)
    problem = message[:m.start()] if m else message
    if m and m.group(1):
        line, column = int(m.group(1)), int(m.group(2))
    else:  # at the end of the document
        line, column = len(lines), len(lines[-1]) + 1
    return TomlMistake(line, column, lines[line - 1] if 0 < line <= len(lines) else "",
                       problem)
