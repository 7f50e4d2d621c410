"""The seniorcli command line: a thin Typer shell over ``seniorcli.services``."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from seniorcli import __version__
from seniorcli.cli.common import state
from seniorcli.errors import SeniorError
from seniorcli.i18n import N_, _


class _Group(TyperGroup):
    """The root group: every SeniorError becomes one clear message and exit code 1.

    No traceback ever reaches a user; locals (which hold personal data) are never printed.
    Every message, Typer's own usage errors (exit 2) included, has CPR numbers masked and
    terminal escape codes removed, and says truthfully whether the command saved anything.
    """

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        if parent is None:  # before --help is parsed (it is eager)
            _translate_help(self)
            _quiet_everywhere(self)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as e:  # a bad root option: Typer prints it (exit 2)
            _clean_usage_error(e)
            raise

    def invoke(self, ctx: Any) -> Any:
        from seniorcli.i18n import refresh

        refresh()
        start = _commits()
        try:
            return super().invoke(ctx)
        except SeniorError as e:
            report(e, saved=not e.after_commit and _commits() > start)
            raise typer.Exit(e.exit_code) from None
        except typer.TyperException as e:  # usage errors: Typer prints them (exit 2)
            _clean_usage_error(e)
            raise
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # `seniorcli due -f csv | head`: the reader went away; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as e:
            if type(e).__module__.startswith("typer"):
                raise
            if os.environ.get("SENIORCLI_DEBUG"):
                raise
            _internal(e, saved=_commits() > start)
            raise typer.Exit(1) from None
        finally:
            _discard_unused_database()


def _translate_help(group: Any) -> None:
    """Typer shows each command's docstring as its help; translate them (and click's own
    words: "Usage:", "Options", "Show this message and exit." …) into the language of this run.
    Option help texts are translated where they are written, with ``_()``. Help is built before
    any database is open, so it follows SENIORCLI_LANG and the locale, not ``config set
    language``."""
    from seniorcli.cli import usage
    from seniorcli.i18n import install_click

    install_click()
    usage.install()
    if not getattr(group, "_translated", False):
        group.options_metavar = _("[OPTIONS]")
        group.subcommand_metavar = _("COMMAND [ARGS]...")
        group._translated = True
    for command in group.commands.values():
        if getattr(command, "_translated", False):
            continue
        if command.help:
            command.help = _(command.help)
        command.options_metavar = _("[OPTIONS]")
        if hasattr(command, "commands"):
            command.subcommand_metavar = _("COMMAND [ARGS]...")
        command._translated = True
        if hasattr(command, "commands"):
            _translate_help(command)


def _discard_unused_database() -> None:
    """A database file this command created but committed nothing to (a dry run, a refused
    write, an error: a mistyped --db) is removed again, so that it cannot answer "0 due"."""
    for name in ("seniorcli.db.engine", "seniorcli.db.postgres"):
        module = sys.modules.get(name)
        if module is not None:
            module.discard_if_unused()


QUIET_HELP = N_("Print no summaries and no warnings on standard error, only errors (summaries "
                "are only shown on a terminal anyway).")


def _set_quiet(ctx: Any, param: Any, value: bool) -> None:
    if value:
        state.quiet = True


def _quiet_everywhere(group: Any) -> None:
    """``-q``/``--quiet`` is an option of the root and of every command (and command group), so
    that it may be given before or after the command: ``seniorcli -q due`` and ``seniorcli due
    -q`` are the same. Click parses it, so ``--note -q`` stays a note."""
    from typer.core import TyperOption

    for command in group.commands.values():
        if not any(p.name == "quiet" for p in command.params):
            command.params.append(TyperOption(
                param_decls=["--quiet", "-q"], is_flag=True, expose_value=False,
                callback=_set_quiet, help=_(QUIET_HELP)))
        if hasattr(command, "commands"):
            _quiet_everywhere(command)


def _commits() -> int:
    """Commits so far in this process (0 before the database module is loaded: importing it
    just to ask would slow down every start)."""
    engine = sys.modules.get("seniorcli.db.engine")
    return engine.commit_count() if engine is not None else 0


SAVED_NOTE = N_("Note: this command had already saved its change to the database before the "
                "error (see `seniorcli audit`).")
#: The advice after an error that came once the change was saved: repeating the command would
#: save it twice (a second agreement, a second outcome).
SAVED_HINT = N_("the change is saved, so repeating the command would save it twice: check it "
                "with `seniorcli show EMPLOYEE_ID`, `seniorcli agreement list` or `seniorcli "
                "audit` instead")


def _clean_usage_error(e: Exception) -> None:
    """Typer (click) prints the value it refused: `show "010170 1234"`, `due --within
    0101701234`. Mask it the way every other message is masked."""
    from seniorcli.errors import clean_message

    message = getattr(e, "message", None)
    if isinstance(message, str):
        e.message = clean_message(message)  # type: ignore[attr-defined]


def report(e: SeniorError, saved: bool = False) -> None:
    """Print a refusal on standard error: ``Error: …``, details, ``Try: …``; CPR numbers masked,
    escape codes and control characters removed (a name from a file never reaches the
    terminal raw). ``saved``: the command had committed a change before the error."""
    from seniorcli.errors import clean_message

    lines = [_("Error: {message}").format(message=e.message)] + [f"  {d}" for d in e.details]
    hint = _(SAVED_HINT) if saved else e.hint  # never "run it again" once it is saved
    if hint:
        lines.append(_("Try: {hint}").format(hint=hint))
    if saved:
        lines.append(_(SAVED_NOTE))
    from seniorcli.cli.common import fit_to_terminal

    sys.stderr.write(fit_to_terminal(clean_message("\n".join(lines))) + "\n")


def _internal(e: Exception, saved: bool = False) -> None:
    """An exception that is not a SeniorError: a failure of the database file or the disk (said
    in plain words), or else a programming error (said as such, without a traceback)."""
    from seniorcli.db import explain
    from seniorcli.db.engine import root_cause

    cause = root_cause(e)
    error: SeniorError | None = explain(cause, saved=saved)
    if error is None and isinstance(cause, OSError):
        error = _file_error(cause, saved)
    if error is not None:
        if saved:  # the message says so; the advice must not be to run it again
            error.hint = _(SAVED_HINT)
        report(error)
        return
    if isinstance(cause, ValueError) and "null" in str(cause):
        # os.stat/open refuse a path with a NUL byte (pasted binary, a broken script)
        report(SeniorError(_("a file or folder name contains a NUL character, which no file "
                             "name can hold") + ("" if saved else _("; nothing was changed")),
                           hint=_("check the paths given (--db, --output, the file arguments)")),
               saved=saved)
        return
    done = (_("the command had already saved its change before it (see `seniorcli audit`)")
            if saved else _("nothing was changed"))
    report(SeniorError(_("unexpected internal error ({error}); {done}")
        .format(error=type(e).__name__, done=done),
                       hint=_(SAVED_HINT) if saved else
                       _("run again with SENIORCLI_DEBUG=1 for details, and report it")))


def _file_error(e: OSError, saved: bool) -> SeniorError:
    """A file other than the database (an export, a roster, standard output) could not be
    read or written."""
    import errno

    from seniorcli.errors import os_reason

    name = f" {e.filename}" if e.filename else ""
    done = (_("; the command had already saved its change to the database before this (see "
              "`seniorcli audit`)") if saved else _("; nothing was changed in the database"))
    code = e.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return SeniorError(_("the disk is full: could not write{name}{done}")
            .format(name=name, done=done),
                           hint=_("free some space on the disk and run the command again"))
    if code == errno.EROFS:
        return SeniorError(_("cannot write{name}: the disk or folder is read-only{done}")
            .format(name=name, done=done),
                           hint=_("choose a file in a folder you can write to"))
    if code in (errno.EACCES, errno.EPERM):
        return SeniorError(_("no permission to use{name}{done}").format(name=name, done=done),
                           hint=_("check the permissions of the file and its folder (ls -l)"))
    if code == errno.EISDIR:
        return SeniorError(_("{file} is a folder, not a file{done}")
            .format(file=e.filename or _('the file'), done=done),
                           hint=_("give a file name"))
    if code in (errno.ENOENT, errno.ENOTDIR):
        return SeniorError(_("there is no such file or folder:{unknown}{done}")
            .format(unknown=name or _(' (unknown)'), done=done),
                           hint=_("check the path"))
    if code == errno.EIO:
        return SeniorError(_("the disk reported an error reading or writing{name}{done}")
            .format(name=name, done=done),
                           hint=_("check the disk, then run the command again"))
    return SeniorError(_("could not use{file}: {e}{done}")
        .format(file=name or _(' a file'), e=os_reason(e), done=done))


app = typer.Typer(
    cls=_Group,
    name="seniorcli",
    help=_("Senior conversations (seniorsamtaler) and senior agreements for Danish "
    "municipalities.\n\nExample: seniorcli --db hr.db import roster.csv && "
    "seniorcli --db hr.db due --rules norddjurs"),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"seniorcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="FILE|URL",
                     help=_("The register: an SQLite file (created on first use, mode 0600) or "
                            "a PostgreSQL database, postgresql://USER@HOST/DATABASE (default: "
                            "$SENIORCLI_DB, else a file in the user's data folder).")),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Print the version.")),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help=_("Print no summaries and no warnings on standard "
                     "error, only errors (summaries are only shown on a terminal anyway).")),
    ] = False,
) -> None:
    """Senior conversations and senior agreements for Danish municipalities."""
    from seniorcli.files import guard_database
    from seniorcli.i18n import refresh, set_config_language

    refresh()  # the environment of this command (read once, not for every text)
    set_config_language(None)  # until this command opens its database (config set language)
    state.db_option = db
    state.quiet = quiet

    def database_in_use():  # no file the tool writes may land on it (asked for lazily)
        from seniorcli.db.engine import resolve_db_path

        return resolve_db_path(state.db_option)

    guard_database(database_in_use)


def _register() -> None:
    from seniorcli.cli import admin, agreements, digest, due, invite, reports, roster, rules

    for module in (roster, rules, due, invite, digest, agreements, reports, admin):
        module.register(app)


_register()


def main() -> None:
    """The console script: ``seniorcli``."""
    os.umask(0o077)  # every file the tool creates is private to its user
    # A command lives for seconds and builds hundreds of thousands of small tuples and dicts,
    # nearly none in reference cycles: the collector's default (a pass every 700 allocations)
    # cost 5–8 % of a due list or an import at 500,000 employees (measured), with the same
    # peak memory when it runs every 50,000. What start-up loaded is never collected.
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)
    app()
