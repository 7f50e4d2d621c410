"""The one place that writes files: exports (``--output``), reports and backups.

Every file is written to a private temporary file (mode 0600) beside the target and renamed
into place only when complete, so a target is never half-written and a failure — an error,
Ctrl-C or SIGTERM — leaves nothing behind. Before anything is written the target is checked:

- never the database in use or its ``-wal``/``-shm``/``-journal`` file (symlinks, relative
  paths and hard links included), which would destroy it;
- never a folder, a socket or a block device (refused, nothing written);
- a FIFO or a character device (``/dev/null``, a terminal) is written into, not replaced;
  ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N`` write to the descriptor the process
  already has (so ``>> log`` keeps appending).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from seniorcli.errors import SeniorError
from seniorcli.i18n import N_, _

_database: Callable[[], Any] | None = None


def guard_database(where: Callable[[], Any]) -> None:
    """Name the database in use (asked for lazily, when a file is about to be written), so that
    nothing this module writes ever lands on it or on its -wal/-shm/-journal files."""
    global _database
    _database = where


_STD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_FOLDERS = ("/dev/fd/", "/proc/self/fd/")
_DB_FILES = (("", N_("the database in use")),
             ("-wal", N_("the write-ahead log (-wal) of the database")),
             ("-shm", N_("the shared-memory file (-shm) of the database")),
             ("-journal", N_("the journal of the database")))


class _Target:
    """Where a file goes: ``shown`` as the user named it (for messages), ``path`` with symlinks
    resolved; ``fd`` a descriptor the process already has (/dev/stdout, /dev/fd/N); ``stream``
    for a FIFO or character device, which is written into and never replaced."""

    __slots__ = ("shown", "path", "fd", "stream")

    def __init__(self, shown: Path, path: Path, fd: int | None = None, stream: bool = False):
        self.shown, self.path, self.fd, self.stream = shown, path, fd, stream


def _inherited_fd(path: Path) -> int | None:
    text = os.path.abspath(path)
    if text in _STD_STREAMS:
        return _STD_STREAMS[text]
    for folder in _FD_FOLDERS:
        if text.startswith(folder) and text[len(folder):].isdigit():
            return int(text[len(folder):])
    return None


def _refuse_database(shown: Path, real: Path) -> None:
    if _database is None:
        return
    try:
        db = _database()
    except Exception:  # no database chosen or none possible: nothing to protect
        return
    if db is None or "://" in str(db):  # a PostgreSQL URL: no file to protect
        return
    db = os.fspath(db)
    named = {os.path.abspath(shown), str(real)}
    for base in {os.path.abspath(db), os.path.realpath(db)}:
        for suffix, what in _DB_FILES:
            candidate = base + suffix
            same = candidate in named
            if not same and os.path.exists(candidate) and os.path.exists(real):
                with contextlib.suppress(OSError):
                    same = os.path.samefile(candidate, real)  # hard links, case-folding disks
            if same:
                what = _(what)
                if suffix:
                    what += f" {db}"
                elif os.path.abspath(shown) != os.path.abspath(db):
                    what += f" ({db})"
                raise SeniorError(_("{shown} is {what}; writing there would destroy the database. "
                                  "Nothing was written")
                                      .format(shown=shown, what=what),
                                              hint=_("choose another file name"))


def _target(path: Path | str) -> _Target:
    shown = Path(path).expanduser()
    fd = _inherited_fd(shown)
    if fd is not None:
        return _Target(shown, shown, fd=fd, stream=True)
    real = Path(os.path.realpath(shown))
    _refuse_database(shown, real)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        from seniorcli.errors import os_reason

        raise SeniorError(_("cannot write {shown}: {strerror}")
            .format(shown=shown, strerror=os_reason(e))) from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise SeniorError(_("{shown} is a folder; nothing was written").format(shown=shown),
                              hint=_("give a file name, e.g. {NAME}").format(
                                  NAME=shown / _("FILENAME")))
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            return _Target(shown, real, stream=True)
        if not stat.S_ISREG(mode):
            kind = _("a socket") if stat.S_ISSOCK(mode) else _("a block device") \
                if stat.S_ISBLK(mode) else _("not a regular file")
            raise SeniorError(_("{shown} is {kind}; nothing was written")
                .format(shown=shown, kind=kind),
                              hint=_("give the name of a file"))
    if not real.parent.is_dir():
        raise SeniorError(_("there is no folder {parent} for {name}; nothing was "
                          "written")
                              .format(parent=shown.parent, name=shown.name),
                                      hint=_("create the folder first, or choose another one"))
    return _Target(shown, real)


def check_target(path: Path | str) -> None:
    """Refuse a target that may not be written (the database, a folder, …) before any work."""
    _target(path)


# --- SIGTERM ----------------------------------------------------------------------------------

class _Terminated(BaseException):
    """SIGTERM arrived while a file was being written: unwinds so the cleanup runs."""


_handling = 0


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


@contextlib.contextmanager
def _sigterm_unwinds(shown: Path, partly: bool = False) -> Iterator[None]:
    """While a file is written, SIGTERM (what `kill`, systemd and cron's killers send) raises,
    so the temporary file is removed like on Ctrl-C; then the process exits with 143, as if
    killed, after Python's own clean-up (XlsxWriter's temporary files go at exit)."""
    global _handling
    install = (_handling == 0 and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
    if install:
        try:
            signal.signal(signal.SIGTERM, _raise_terminated)
        except ValueError:  # not the main thread: signals stay as they are
            install = False
    _handling += 1
    try:
        yield
    except _Terminated:
        if _handling > 1:
            raise
        what = (_("{shown} got only part of the data") if partly else
                _("{shown} was not written (and no temporary file is left behind)")
                ).format(shown=shown)
        sys.stderr.write(_("Error: stopped by SIGTERM; {what}\n").format(what=what))
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        _handling -= 1
        if install:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


# --- writing ----------------------------------------------------------------------------------

def _os_error(e: OSError, target: _Target, where: Path | None = None) -> SeniorError:
    """One plain message for what went wrong on the disk (full, read-only, no permission)."""
    shown = target.shown
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        if target.stream:  # a pipe or device: no folder of its own to name
            return SeniorError(_("the disk is full: {shown} was not written").format(shown=shown),
                               hint=_("free some space and run the command again"))
        folder = shown.parent if str(shown.parent) else Path(".")
        return SeniorError(_("the disk is full: {shown} was not written").format(shown=shown),
                           hint=_("free some space on the disk that holds {folder} (df -h shows "
                                  "it), or choose another disk, and run the command again")
                           .format(folder=folder))
    if e.errno == errno.EROFS:
        return SeniorError(_("{place} is on a read-only disk: {shown} was not written")
                           .format(place=where or shown, shown=shown))
    if e.errno in (errno.EACCES, errno.EPERM):
        place = _("the folder {folder}").format(folder=where) if where else str(shown)
        return SeniorError(_("no permission to write in {place}: {shown} was not written")
            .format(place=place, shown=shown),
                           hint=_("choose a folder you may write in"))
    from seniorcli.errors import os_reason

    return SeniorError(_("cannot write {shown}: {e}").format(shown=shown, e=os_reason(e)),
                       hint=_("check the path") if e.errno in (errno.ENOTDIR, errno.ENOENT)
                       else None)


def write_error(error: OSError, path: Path | str) -> SeniorError:
    """A failure of the disk or folder while a file ``path`` was written by someone else than
    this module (a backup, written by the database engine: db/admin.py turns the engine's
    error into the OSError it amounts to), said of that file and its disk — never of the
    database it was copied from."""
    shown = Path(path).expanduser()
    target = _Target(shown, Path(os.path.realpath(shown)))
    folder = shown.parent if str(shown.parent) else Path(".")
    return _os_error(error, target, folder)


def _mkstemp(folder: Path | None, name: str, target: _Target) -> Path:
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)  # mkstemp: mode 0600
    except OSError as e:
        raise _os_error(e, target, folder or Path(tempfile.gettempdir())) from None
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def _replacing(target: _Target) -> Iterator[Path]:
    with _sigterm_unwinds(target.shown):
        tmp = _mkstemp(target.path.parent, target.path.name, target)
        try:
            try:
                yield tmp
            except OSError as e:
                if e.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise _os_error(e, target) from None
                raise
            try:
                os.chmod(tmp, 0o600)
                os.replace(tmp, target.path)
            except OSError as e:
                raise _os_error(e, target, target.path.parent) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


@contextlib.contextmanager
def _open_stream(target: _Target, mode: str, **kwargs: Any) -> Iterator[Any]:
    """Write into a FIFO, a device or an inherited descriptor, as it is."""
    try:
        if target.fd is not None:
            f = os.fdopen(os.dup(target.fd), mode, **kwargs)
        else:
            f = open(target.path, mode,  # noqa: SIM115 - closed below
                     opener=lambda p, flags: os.open(p, flags & ~(os.O_CREAT | os.O_TRUNC)),
                     **kwargs)
    except OSError as e:
        raise _os_error(e, target) from None
    with _sigterm_unwinds(target.shown, partly=True):
        try:
            with f:
                yield f
        except BrokenPipeError:
            raise
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EBADF):
                raise _os_error(e, target) from None
            raise


@contextlib.contextmanager
def private_path(path: Path | str) -> Iterator[Path]:
    """A private temporary file (mode 0600) that becomes ``path`` only if the block succeeds:
    never half-written, nothing left behind on failure (Ctrl-C and SIGTERM included).

    ``path`` is checked first (see the module's docstring). A FIFO or device is not replaced:
    the finished file is copied into it."""
    target = _target(path)
    if not target.stream:
        with _replacing(target) as tmp:
            yield tmp
        return
    with _sigterm_unwinds(target.shown):
        tmp = _mkstemp(None, target.path.name, target)
        try:
            yield tmp
            with open(tmp, "rb") as src, _open_stream(target, "wb") as out:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def private_file(path: Path | str, mode: str = "w", **kwargs: Any) -> Iterator[Any]:
    """``open(path, mode)``, safely: written whole with permissions 0600 (see private_path);
    a FIFO or device is written into directly, as the data comes."""
    target = _target(path)
    if target.stream:
        with _open_stream(target, mode, **kwargs) as f:
            yield f
        return
    with _replacing(target) as tmp, open(tmp, mode, **kwargs) as f:
        yield f


def missing_file_hint(path: Path | str) -> str:
    """What to try when an input file is not there: the files of the same kind that are in
    its folder (a typo, last month's name), or that the folder itself is missing."""
    from seniorcli.i18n import _

    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        return _("check the path: the folder {folder} does not exist").format(folder=folder)
    try:
        alike = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and p.suffix.lower() == path.suffix.lower())
    except OSError:
        alike = []
    if not alike:
        return _("check the path and the name; {folder} has no {suffix} files").format(
            folder=folder, suffix=path.suffix or _("such"))
    shown = ", ".join(alike[:5]) + (", …" if len(alike) > 5 else "")
    return _("check the name; in {folder}: {files}").format(folder=folder, files=shown)


def check_folder(folder: Path, hint: str) -> None:
    """Refuse (SeniorError, before anything is read or written) a folder to write files into
    that cannot be one: a file (the database above all: named as such), a path through a file,
    or a folder — or, for a missing one, its nearest existing parent — without write
    permission. ``hint``: how to give the folder (the command's own words)."""
    from seniorcli.errors import SeniorError
    from seniorcli.i18n import _

    if folder.is_dir():
        if not os.access(folder, os.W_OK | os.X_OK):
            raise SeniorError(_("no permission to write in the folder {folder}; nothing was "
                                "written").format(folder=folder),
                              hint=_("choose a folder you may write in"))
        return
    if folder.exists() or folder.is_symlink():
        check_target(folder)  # the database (or its -wal) is named as such
        raise SeniorError(_("{folder} is a file, not a folder; nothing was written")
                          .format(folder=folder), hint=hint)
    blocking = next((p for p in folder.parents if p.exists() or p.is_symlink()), None)
    if blocking is not None and not blocking.is_dir():
        raise SeniorError(_("cannot create the folder {folder}: {parent} is a file, not a "
                            "folder; nothing was written").format(folder=folder,
                                                                  parent=blocking), hint=hint)
    parent = next((p for p in folder.absolute().parents if p.exists()), None)
    if parent is None or not os.access(parent, os.W_OK | os.X_OK):
        raise SeniorError(_("cannot create the folder {folder}: no permission to write in "
                            "{parent}; nothing was written").format(folder=folder,
                                                                     parent=parent),
                          hint=_("choose a folder you may write in"))


def make_private_folder(folder: Path) -> None:
    """The folder, created private (0700) with its parents if it is not there; an existing one
    is left as it is."""
    from seniorcli.errors import SeniorError, os_reason
    from seniorcli.i18n import _

    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    except OSError as e:
        raise SeniorError(_("cannot create the folder {folder}: {error}; nothing was written")
                          .format(folder=folder, error=os_reason(e)),
                          hint=_("choose a folder you may write in")) from None



def safe_names(ids: Iterable[str], prefix: str, suffix: str) -> dict[str, str]:
    """A file name for each id, ``prefix + id + suffix`` (``leder-M1.html``), safe on every
    file system and never shared by two ids: an id that is not a plain name (a letter or digit,
    then letters, digits, '-' and '_', at most 60), or whose name would be one file with
    another's on a disk that ignores case (Windows, macOS), gets its letters with a stable
    fingerprint of the id instead (``leder-a_b-3f2a9c1b.html``). Ids only, never a name."""
    import hashlib
    import re

    def fingerprinted(i: str) -> str:
        plain = re.sub(r"[^A-Za-z0-9_-]+", "_", i)[:40].strip("_-") or "id"
        return f"{plain}-{hashlib.sha256(i.encode('utf-8')).hexdigest()[:8]}"

    plain = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}")
    tokens = {i: i if plain.fullmatch(i) else fingerprinted(i) for i in sorted(set(ids))}
    # A plain id clashes with another only in case, or spells another's fingerprinted name:
    # each of them is fingerprinted (fingerprints differ where the ids do).
    seen: dict[str, int] = {}
    for t in tokens.values():
        seen[t.casefold()] = seen.get(t.casefold(), 0) + 1
    return {i: prefix + (fingerprinted(i) if seen[t.casefold()] > 1 else t) + suffix
            for i, t in tokens.items()}
