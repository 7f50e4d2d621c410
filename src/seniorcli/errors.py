"""The tool's one error hierarchy.

Library code raises these; the CLI prints them as ``Error: <message>`` (plus a ``Try …`` hint)
on standard error and exits with code 1. Messages never contain a full CPR number.
"""

from __future__ import annotations

import re

# Terminal escape sequences (CSI, OSC, DCS/PM/APC strings, two-character escapes, and their
# one-byte C1 forms), then every other control character: C0, DEL, C1, and the Unicode
# bidirectional overrides that make text read differently from what it is. (tabular.clean_text
# cleans cells on import with them.)
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep_newlines: bool = False) -> str:
    """Text as it may reach a terminal: escape sequences and control characters removed, tabs
    (and line breaks, unless ``keep_newlines``) as spaces. A name read from a file or a
    database can never move the cursor, change colours, set the window title or hide text."""
    if text.isprintable():
        return text
    text = _CONTROLS.sub("", _ESCAPES.sub("", text)).replace("\t", " ")
    return text if keep_newlines else text.replace("\n", " ")


def clean_message(text: str) -> str:
    """A message for a person: printable, and any CPR number masked (domain.md: never print a
    full CPR number)."""
    from seniorcli.cpr import redact

    return redact(printable(text, keep_newlines=True))


class SeniorError(Exception):
    """Something the user can fix: bad input, unknown employee, unknown rule set.

    ``after_commit``: raised after the command saved its change, and the message says so (the
    CLI then does not add its own note about what was saved)."""

    exit_code = 1
    after_commit = False

    def __init__(self, message: str, hint: str | None = None, details: list[str] | None = None,
                 *, after_commit: bool = False):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or []
        self.after_commit = after_commit


class InputFileError(SeniorError):
    """A file (roster, outcomes, rule set) was refused; ``details`` lists row errors."""


class NotFoundError(SeniorError):
    """An employee, agreement or rule set that does not exist."""


class RuleError(SeniorError):
    """A rule set definition (TOML) is invalid."""


class DatabaseError(SeniorError):
    """The database cannot be used (newer schema, not a seniorcli database, locked, a full
    disk, a read-only folder or file, damaged)."""


def os_reason(e: OSError) -> str:
    """Why the system refused a file operation, in the reader's language ("a part of the path
    is a file, not a folder"), instead of the C library's English ("Not a directory")."""
    import errno

    from seniorcli.i18n import N_, _

    reasons = {
        errno.ENOENT: N_("no such file or folder"),
        errno.ENOTDIR: N_("a part of the path is a file, not a folder"),
        errno.EISDIR: N_("it is a folder"),
        errno.EACCES: N_("no permission"),
        errno.EPERM: N_("no permission"),
        errno.ENOSPC: N_("the disk is full"),
        errno.EDQUOT: N_("the disk quota is used up"),
        errno.EROFS: N_("the disk is read-only"),
        errno.ENAMETOOLONG: N_("the name is too long"),
        errno.EEXIST: N_("it exists already"),
        errno.ELOOP: N_("too many symbolic links"),
        errno.EIO: N_("the disk could not be read or written (input/output error)"),
    }
    reason = reasons.get(e.errno or 0)
    return _(reason) if reason else (e.strerror or str(e))
