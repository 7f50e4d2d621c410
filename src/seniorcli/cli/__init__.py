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


class _Group(TyperGroup):
    """The root group: every SeniorError becomes one clear message and exit code 1.

    No traceback ever reaches a user; locals (which hold personal data) are never printed.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SeniorError as e:
            report(e)
            raise typer.Exit(e.exit_code) from None
        except (typer.Exit, typer.Abort, typer.BadParameter, KeyboardInterrupt):
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
            _internal(e)
            raise typer.Exit(1) from None


def report(e: SeniorError) -> None:
    from seniorcli.cpr import redact

    lines = [f"Error: {e.message}"] + [f"  {d}" for d in e.details]
    if e.hint:
        lines.append(f"Try: {e.hint}")
    sys.stderr.write(redact("\n".join(lines)) + "\n")


def _internal(e: Exception) -> None:
    import sqlite3

    if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
        msg = "the database is busy (another seniorcli is writing); nothing was changed"
        hint = "run the command again in a minute"
    else:
        msg = f"unexpected internal error ({type(e).__name__}); nothing was changed"
        hint = "run again with SENIORCLI_DEBUG=1 for details, and report it"
    sys.stderr.write(f"Error: {msg}\nTry: {hint}\n")


app = typer.Typer(
    cls=_Group,
    name="seniorcli",
    help="Senior conversations (seniorsamtaler) and senior agreements for Danish "
    "municipalities.\n\nExample: seniorcli --db hr.db import roster.csv && "
    "seniorcli --db hr.db due --rules norddjurs",
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
        typer.Option("--db", metavar="PATH",
                     help="The database file (default: $SENIORCLI_DB, else the user's data "
                     "folder). Created on first use, mode 0600."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Senior conversations and senior agreements for Danish municipalities."""
    state.db_option = db


def _register() -> None:
    from seniorcli.cli import admin, agreements, due, reports, roster, rules

    for module in (roster, rules, due, agreements, reports, admin):
        module.register(app)


_register()


def main() -> None:
    """The console script: ``seniorcli``."""
    os.umask(0o077)  # every file the tool creates is private to its user
    app()
