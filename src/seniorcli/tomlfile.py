"""Reading the TOML files a municipality writes itself: rule sets (``rules/loader.py``) and
the senior-days table (``seniordays.py``). One reader, so both name a bad file the same way.

Example: ``read_toml(Path("silkeborg.toml"), RuleError)`` → ``{"name": "silkeborg", …}``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from seniorcli.errors import SeniorError
from seniorcli.i18n import _


def read_toml(path: Path, error: type[SeniorError]) -> dict[str, Any]:
    """A TOML file as a dict (a UTF-8 BOM, as Notepad writes, is allowed); a missing,
    unreadable, non-UTF-8 or invalid file raises ``error`` naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
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
        raise error(_("{path}: not valid TOML: {problem}").format(path=path, problem=e)) from None
