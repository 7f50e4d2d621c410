"""``digest``: one overview per manager of their staff due for a senior conversation and their
senior agreements ending soon, as files in a folder, with an index for a mail script."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    ManagerOpt,
    RulesFileOpt,
    RulesOpt,
    open_db,
    resolve_rules,
    say,
    today,
    warn,
)
from seniorcli.errors import SeniorError
from seniorcli.i18n import _, ngettext

#: The index's fields (the contract's English names), in this order.
INDEX_FIELDS = ("manager_id", "manager_name", "manager_email", "file", "due_now", "due_soon",
                "agreements_ending")
#: How many managers a warning names before it says "and N more".
NAMED_MAX = 20


class DigestFormat(StrEnum):
    html = "html"
    text = "text"


def _check_folder(folder: Path) -> None:
    """Refuse, before anything is read or written, a --to that cannot be the folder: a file
    (the database above all), a folder without write permission, or one that cannot be
    created."""
    from seniorcli.files import check_target

    if folder.exists() and not folder.is_dir():
        check_target(folder)  # the database (or its -wal …): its own message
        raise SeniorError(
            _("{folder} is a file, not a folder; nothing was written").format(folder=folder),
            hint=_("give a folder for the overviews with --to, e.g. --to overviews/"))
    existing = folder
    while not existing.exists():  # the folder is created: its nearest existing parent counts
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise SeniorError(
            _("cannot create the folder {folder}: {file} is a file; nothing was written")
                .format(folder=folder, file=existing),
            hint=_("give a folder for the overviews with --to, e.g. --to overviews/"))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SeniorError(
            _("no permission to write in the folder {folder}; nothing was written")
                .format(folder=existing),
            hint=_("choose a folder you may write in"))


def _make_folder(folder: Path) -> None:
    """The folder, created private (0700) if it is not there; an existing one is left as it
    is."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    except FileExistsError:
        if not folder.is_dir():
            raise
    except OSError as e:
        raise SeniorError(
            _("cannot create the folder {folder}: {error}; nothing was written")
                .format(folder=folder, error=e.strerror or e),
            hint=_("choose a folder you may write in")) from None


def _previous_files(index: Path) -> set[str]:
    """The files a previous run listed in the index (to remove those this run has not
    written: the folder and its index always agree)."""
    import contextlib
    import csv

    from seniorcli.output.digest import OWN_FILE

    if not index.is_file():
        return set()
    with contextlib.suppress(OSError, UnicodeDecodeError, csv.Error), \
            index.open(encoding="utf-8-sig", newline="") as f:
        return {r["file"] for r in csv.DictReader(f, delimiter=";")
                if OWN_FILE.fullmatch(r.get("file") or "")}
    return set()


def _label(d) -> str:
    from seniorcli.cli.common import manager_label

    return manager_label(d.manager_id, d.manager_name)


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:NAMED_MAX])
    if len(items) > NAMED_MAX:
        shown += _(" and {n} more").format(n=len(items) - NAMED_MAX)
    return shown


def digest(
    to: Annotated[Path, typer.Option(
        "--to", metavar="FOLDER",
        help=_("The folder to write the overviews to (created, private to you, if it is not "
               "there)."))],
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS",
        help=_("Also list those due in the DAYS after the as-of date."))] = 30,
    agreements_within: Annotated[int, typer.Option(
        "--agreements-within", min=0, max=3660, metavar="DAYS",
        help=_("List the senior agreements that end in the DAYS after the as-of date."))] = 90,
    fmt: Annotated[DigestFormat, typer.Option(
        "--format", "-f", help=_("html (prints on A4) or text (80 columns)."))] = DigestFormat.html,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
) -> None:
    """One overview per manager, for the monthly reminder: their staff who must be offered a
    senior conversation now, those due within --within days, and their senior agreements that
    end within --agreements-within days.

    Writes leder-MANAGER_ID.html (or .txt) for each manager with something in the overview,
    uden-leder.html for the staff without a manager (or whose manager is not in the register
    or has left), and oversigt.csv: one row per file with the manager's name and e-mail, for a
    mail script. A manager with nothing to do gets no file.

    Example: seniorcli digest --rules koege --to ~/seniorsamtaler/2026-12
    """
    from seniorcli.files import private_file
    from seniorcli.output import Column, emit
    from seniorcli.output.digest import INDEX_FILE, file_names, render
    from seniorcli.services.digest import manager_digests, without_email
    from seniorcli.services.filters import resolve_filters

    folder = to.expanduser()
    _check_folder(folder)
    conn = open_db(must_exist=True)
    department, manager = resolve_filters(conn, department, manager)
    rule_set = resolve_rules(conn, rules, rules_file)
    day = as_of or today()
    run = manager_digests(conn, rule_set, day, within, agreements_within,
                          department=department, manager=manager)
    digests = run.all()
    names = file_names([d.manager_id for d in digests], fmt.value)

    _make_folder(folder)
    index = folder / INDEX_FILE
    before = _previous_files(index)
    rows = []
    for d in digests:
        name = names[d.manager_id]
        with private_file(folder / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(render(d, run, fmt.value))
        rows.append({"manager_id": d.manager_id, "manager_name": d.manager_name,
                     "manager_email": d.manager_email, "file": name,
                     "due_now": len(d.due_now), "due_soon": len(d.due_soon),
                     "agreements_ending": len(d.agreements_ending)})
    # The index last: a mail script that finds it finds every file it names.
    emit(rows, [Column(k, k) for k in INDEX_FIELDS], "excel-csv", index)
    removed = 0
    for old in sorted(before - {r["file"] for r in rows}):
        stale = folder / old
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            removed += 1

    missing = without_email(run.managers)
    if missing:
        warn(ngettext(
            "{n} manager has no e-mail address in the register: pass the overview on by hand "
            "(its row in {index} has no manager_email): {managers}",
            "{n} managers have no e-mail address in the register: pass their overviews on by "
            "hand (their rows in {index} have no manager_email): {managers}", len(missing))
            .format(n=len(missing), index=index, managers=_named([_label(d) for d in missing])))
    hr = run.without_manager
    if hr is not None:
        people = len({r["employee_id"] for r in hr.due_now + hr.due_soon
                      + hr.agreements_ending})
        warn(ngettext(
            "{n} employee is in no manager's overview (no manager in the register, an unknown "
            "one, or one who is not employed): see {file}",
            "{n} employees are in no manager's overview (no manager in the register, an "
            "unknown one, or one who is not employed): see {file}", people)
            .format(n=people, file=folder / names[None]))
    summary = ngettext("Wrote {n} overview to {folder}", "Wrote {n} overviews to {folder}",
                       len(rows)).format(n=len(rows), folder=folder)
    if missing:
        summary += ngettext(" ({n} manager without e-mail)", " ({n} managers without e-mail)",
                            len(missing)).format(n=len(missing))
    if removed:
        summary += ngettext("; removed {n} overview of an earlier run that is no longer due",
                            "; removed {n} overviews of an earlier run that are no longer due",
                            removed).format(n=removed)
    say(summary + ".")


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)
