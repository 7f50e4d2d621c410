"""``log``: record what came of an offer (``log EMPLOYEE_ID OUTCOME``, ``log --from-file``), and
correct or withdraw a logged outcome (``log correct ID``, ``log withdraw ID``).

``log`` is a group whose only subcommands are ``correct`` and ``withdraw``; anything else after
``log`` (an employee id, ``--from-file``, ``--help``) goes to the command that records an outcome
(not listed as a subcommand: it is ``log`` itself), so ``seniorcli log 00123 held`` works as it
always has.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from seniorcli.cli.common import (
    AsOf,
    id_argument,
    open_db,
    parse_day_option,
    parse_delimiter_option,
    say,
)
from seniorcli.fmt import date_short
from seniorcli.i18n import _, ngettext

_RECORD = "record"
_SUBCOMMANDS = ("correct", "withdraw")


# The overrides take typer.Context, a subclass of the Context that Typer's click (vendored as
# typer._click, not public) declares: the targeted ignores below are for that mismatch only.
class _LogGroup(TyperGroup):
    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if not args or args[0] not in _SUBCOMMANDS:
            args = [_RECORD, *args]
        return super().parse_args(ctx, args)

    def get_command(self, ctx: typer.Context, name: str) -> Any:  # type: ignore[override]
        # Not one of the group's listed commands: `log` itself, to people and to help.
        if name == _RECORD:
            return typer.main.get_command(_record_app)
        return super().get_command(ctx, name)


# The base is Typer's click Context, read at run time (Typer vendors click in newer versions):
# mypy takes no variable as a base class, hence the targeted ignore.
class _RecordContext(TyperCommand.context_class):  # type: ignore[misc,valid-type]
    @property
    def command_path(self) -> str:
        """``seniorcli log``, not ``seniorcli log record``: in usage lines and error hints."""
        return self.parent.command_path if self.parent is not None else super().command_path


class _RecordCommand(TyperCommand):
    context_class = _RecordContext


log_app = typer.Typer(
    cls=_LogGroup, add_completion=False, rich_markup_mode=None,
    help=_("Record what came of an offer (seniorcli log EMPLOYEE_ID OUTCOME, or --from-file), "
    "or correct or withdraw a logged outcome (log correct ID, log withdraw ID). "
    "See seniorcli log --help."),
)


_record_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@_record_app.command(_RECORD, cls=_RecordCommand)
def record(
    employee_id: Annotated[str | None, typer.Argument(
        metavar="EMPLOYEE_ID", help=_("The employee's id."), show_default=False)] = None,
    outcome: Annotated[str | None, typer.Argument(
        metavar="OUTCOME", help=_("invited, held, declined, postponed or requested."),
        show_default=False)] = None,
    on: Annotated[date | None, typer.Option(
        "--date", parser=parse_day_option, metavar="DATE",
        help=_("When it happened (default: today)."))] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT",
        help=_("A short note."))] = None,
    with_mus: Annotated[bool, typer.Option(
        "--with-mus", help=_("Held together with the yearly appraisal (MUS)."))] = False,
    union_rep: Annotated[bool, typer.Option(
        "--union-rep", help=_("The union representative (TR) took part."))] = False,
    from_file: Annotated[Path | None, typer.Option(
        "--from-file", metavar="FILE.csv",
        help=_("Log many outcomes: columns employee_id, outcome, date [, note, with_mus]. Rows "
        "already logged are skipped, so the file may be run again."))
    ] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help=_("With --from-file: check the file, log nothing."))] = False,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="NAME",
        help=_("With --from-file: utf-8 or cp1252 (default: detected)."))] = None,
    delimiter: Annotated[str | None, typer.Option(
        "--delimiter", metavar="CHAR", parser=parse_delimiter_option,
        help=_("With --from-file: ',', ';' or 'tab' (default: detected)."))] = None,
    as_of: AsOf = None,
) -> None:
    """Record what came of an offer: invited, held, declined, postponed or requested.

    Refused (exit 1, nothing logged): an unknown employee or outcome, a date before the hire
    date or after the leave date, a date after today (except 'invited': an invitation for a
    planned meeting; --as-of does not move today), the same outcome twice on one day. With
    --from-file, rows already logged are skipped (a file may be run again).

    A mistake is put right with `seniorcli log correct ID` (another employee, date, outcome or
    note) or `seniorcli log withdraw ID --reason TEXT`; `seniorcli show EMPLOYEE_ID` gives the
    ids. The audit log keeps what was there before.

    Example: seniorcli log 00123 held --date 2026-11-03 --with-mus --note "Ønsker 32 timer"
    """
    from seniorcli.cli import common
    from seniorcli.services.conversations import (
        Entry,
        log_from_file,
        log_outcome,
    )

    # What happened is dated by the real calendar: --as-of only sets the default --date, it
    # never makes a later day's outcome loggable.
    real_today = common.today()
    day = as_of or real_today
    conn = open_db()
    if from_file is not None:
        if employee_id or outcome:
            raise typer.BadParameter(_("give either EMPLOYEE_ID OUTCOME or --from-file, not both"))
        result = log_from_file(conn, from_file, real_today, encoding=encoding,
                               delimiter=delimiter, dry_run=dry_run)
        text = (_("Would log {n} outcomes from {file}") if dry_run
                else _("Logged {n} outcomes from {file}")).format(n=result.logged,
                                                                  file=from_file.name)
        if result.skipped:
            text += (_("; {n} already logged, would be skipped") if dry_run
                     else _("; {n} already logged, skipped")).format(n=result.skipped)
        say(text + ".")
        if result.retracted:
            # A summary like the one above: a person withdrew or corrected them on purpose,
            # so an unattended run again has nothing to act on.
            say(ngettext("{n} row was withdrawn or corrected earlier and is not logged again.",
                         "{n} rows were withdrawn or corrected earlier and are not logged "
                         "again.", result.retracted).format(n=result.retracted))
        return
    if not employee_id or not outcome:
        raise typer.BadParameter(_("give EMPLOYEE_ID and OUTCOME (or --from-file FILE.csv)"))
    if encoding is not None or delimiter is not None:
        raise typer.BadParameter(_("--encoding and --delimiter are for --from-file"))
    normal = _outcome(outcome)
    entry = Entry(employee_id.strip(), normal, on or day, note, with_mus, union_rep)
    outcome_id = log_outcome(conn, entry, real_today)
    from seniorcli.rules.base import outcome_word

    say(_("Logged: {employee_id} {outcome} on {date} (id {outcome_id}).")
        .format(employee_id=entry.employee_id, outcome=outcome_word(entry.outcome),
                date=date_short(entry.date), outcome_id=outcome_id))


def _outcome(text: str) -> str:
    from seniorcli.errors import SeniorError
    from seniorcli.services.common import show_value
    from seniorcli.services.conversations import normalise_outcome

    normal = normalise_outcome(text)
    if normal is None:
        raise SeniorError(_("'{text}' is not an outcome").format(text=show_value(text)),
                          hint=_("use invited, held, declined, postponed or requested"))
    return normal


IdArg = Annotated[int, id_argument(
    _("The logged outcome's id (seniorcli show EMPLOYEE_ID lists them)."))]


@log_app.command("correct")
def correct(
    outcome_id: IdArg,
    employee: Annotated[str | None, typer.Option(
        "--employee", metavar="EMPLOYEE_ID", help=_("The employee it should have been logged for.")
    )] = None,
    on: Annotated[date | None, typer.Option(
        "--date", parser=parse_day_option, metavar="DATE", help=_("The right date."))] = None,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", metavar="OUTCOME", help=_("The right outcome."))] = None,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help=_('The right note ("" removes it).'))] = None,
    with_mus: Annotated[bool | None, typer.Option(
        "--with-mus/--no-with-mus", help=_("Held together with MUS, or not."),
        show_default=False)] = None,
    union_rep: Annotated[bool | None, typer.Option(
        "--union-rep/--no-union-rep", help=_("The union representative took part, or not."),
        show_default=False)] = None,
) -> None:
    """Correct a logged outcome: the employee, date, outcome or note.

    Checked as `log` checks a new outcome: the date within the employment, not after today
    (except 'invited'), not the same outcome twice on one day. The audit log and `show` keep
    the old values (who, when, old → new).

    Example: seniorcli log correct 12 --employee 00124 --date 2026-11-04
    """
    from seniorcli.cli import common
    from seniorcli.services.conversations import OutcomeChange, correct_outcome

    change = OutcomeChange(
        employee_id=employee, outcome=_outcome(outcome) if outcome is not None else None,
        date=on, note=note, with_mus=with_mus, union_rep=union_rep)
    if change == OutcomeChange():
        raise typer.BadParameter(
            _("say what to correct: --employee, --date, --outcome, --note, --with-mus or "
            "--union-rep"))
    from seniorcli.cpr import redact
    from seniorcli.errors import printable

    changes = correct_outcome(open_db(must_exist=True), outcome_id, change, common.today())
    if changes:
        say(printable(redact(_("Corrected outcome {outcome_id}: {changes}.").format(
            outcome_id=outcome_id, changes=common.changes_text(changes)))))
    else:
        say(_("Outcome {outcome_id} already is so: nothing was changed.")
            .format(outcome_id=outcome_id))


ReasonOpt = Annotated[str, typer.Option(
    "--reason", metavar="TEXT", help=_("Why (kept in the audit log and shown by `show`)."))]


@log_app.command("withdraw")
def withdraw(outcome_id: IdArg, reason: ReasonOpt) -> None:
    """Withdraw an outcome logged by mistake: it no longer counts anywhere.

    The audit log and `show` keep what it was, who withdrew it, when and why.

    Example: seniorcli log withdraw 12 --reason "logged for the wrong employee"
    """
    from seniorcli.cpr import redact
    from seniorcli.errors import printable
    from seniorcli.fmt import date_short
    from seniorcli.rules.base import outcome_word
    from seniorcli.services.conversations import withdraw_outcome

    old = withdraw_outcome(open_db(must_exist=True), outcome_id, reason)
    day = old["date"]
    what = _("{outcome} on {date}").format(
        outcome=outcome_word(old["outcome"]),
        date=date_short(date.fromisoformat(day) if isinstance(day, str) else day))
    what += "".join(text for text, on in ((_(", with MUS"), old["with_mus"]),
                                          (_(", union rep"), old["union_rep"])) if on)
    if old["note"]:
        what += _(", note '{note}'").format(note=old["note"])
    say(printable(redact(_("Withdrew outcome {outcome_id} of {employee}: {what}.").format(
        outcome_id=outcome_id, employee=old["employee_id"], what=what))))


def register(app: typer.Typer, **_: Any) -> None:
    app.add_typer(log_app, name="log")
