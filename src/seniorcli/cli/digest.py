"""``digest``: one overview per manager of their staff due for a senior conversation and their
senior agreements ending soon, as files in a folder, with an index for a mail script.

A folder holds one selection (--department, --manager, --format): a hidden manifest
(.seniorcli-digest.json) records it with the files written, so that a re-run of the same
selection removes what is no longer current, and a run of another selection into the folder is
refused before anything is written — it would remove or overwrite the other selection's files
and replace the index its mail script reads (docs/digest.md, "Re-running").
"""

from __future__ import annotations

import json
import re
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
    folder_option,
    open_db,
    resolve_rules,
    say,
    today,
    warn,
)
from seniorcli.errors import SeniorError
from seniorcli.files import check_folder, make_private_folder
from seniorcli.i18n import _, ngettext

#: The index's fields (the contract's English names), in this order.
INDEX_FIELDS = ("manager_id", "manager_name", "manager_email", "file", "due_now", "due_soon",
                "agreements_ending")
#: How many managers a warning names before it says "and N more".
NAMED_MAX = 20


class DigestFormat(StrEnum):
    html = "html"
    text = "text"


# The folder's selection ------------------------------------------------------------------------

def _selection(department: str | None, manager: str | None, fmt: str) -> dict:
    """What a run writes (the stored values of the filters, as services.filters resolved
    them: "--manager m1" and "--manager M1" are the same selection)."""
    return {"department": department, "manager": manager, "format": fmt}


def _describe(selection: dict) -> str:
    """A selection as people read it: "all managers, html", "manager 00021, text"."""
    parts = []
    if selection.get("department") is not None:
        parts.append(_("department {name}").format(name=selection["department"]))
    if selection.get("manager") is not None:
        parts.append(_("manager {id}").format(id=selection["manager"]))
    return ", ".join((parts or [_("all managers")]) + [str(selection.get("format"))])


def _own_folder(folder: Path, selection: dict) -> Path:
    """A folder for a selection, to suggest: FOLDER/leder-00021, FOLDER/afdeling-Vej-tekst
    (Danish words, as the file names are in every language)."""
    def plain(v: str) -> str:
        return re.sub(r"[^A-Za-z0-9_-]+", "_", v).strip("_-")[:40] or "x"

    tag = []
    if selection.get("department") is not None:
        tag.append("afdeling-" + plain(selection["department"]))
    if selection.get("manager") is not None:
        tag.append("leder-" + plain(selection["manager"]))
    if selection.get("format") == DigestFormat.text:
        tag.append("tekst")
    return folder / "-".join(tag or ["alle"])


def _earlier(manifest: Path) -> dict | None:
    """The manifest of the run that wrote the folder: its selection and files; None when there
    is none (a new folder). Raises ValueError for one that cannot be read."""
    from seniorcli.output.digest import OWN_FILE

    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(getattr(e, "strerror", None) or str(e)) from None
    try:
        kept = json.loads(text)
        selection, written = kept["selection"], kept["files"]
        if not isinstance(selection, dict) or not isinstance(written, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ValueError(_("not a manifest of seniorcli digest")) from None
    # only the names this command writes: a manifest can never make it remove another file
    return {"selection": selection,
            "files": {f for f in written if isinstance(f, str) and OWN_FILE.fullmatch(f)}}


def _manifest_text(selection: dict, written: list[str]) -> str:
    """The manifest: the same selection and files give the same bytes (no time in it)."""
    return json.dumps({"manifest": 1, "command": "seniorcli digest", "selection": selection,
                       "files": sorted(written)}, ensure_ascii=False, indent=2) + "\n"


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
        "--to", metavar="FOLDER", parser=folder_option,
        help=_("The folder to write the overviews to (created, private to you, if it is not "
               "there). A folder holds one selection (--department, --manager, --format): "
               "another one is refused."))],
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS",
        help=_("Also list those due in the DAYS after the as-of date."))] = 30,
    agreements_within: Annotated[int, typer.Option(
        "--agreements-within", min=0, max=3660, metavar="DAYS",
        help=_("List the senior agreements that end in the DAYS after the as-of date (0: "
               "leave the section out, as --within 0 does)."))] = 90,
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
    from seniorcli.output.digest import (
        INDEX_FILE,
        MANIFEST_FILE,
        file_names,
        manager_note,
        render,
    )
    from seniorcli.services.digest import NO_MANAGER, manager_digests, without_email
    from seniorcli.services.filters import resolve_filters

    folder = to.expanduser()
    check_folder(folder, _("give a folder for the overviews with --to, e.g. --to overviews/"))
    conn = open_db(must_exist=True)
    department, manager = resolve_filters(conn, department, manager)
    rule_set = resolve_rules(conn, rules, rules_file)
    selection = _selection(department, manager, fmt.value)
    manifest = folder / MANIFEST_FILE
    try:
        earlier = _earlier(manifest)
    except ValueError as e:
        earlier = None
        warn(_("cannot read {file} ({error}): the files of earlier runs are not removed this "
               "time").format(file=manifest, error=e))
    if earlier is not None and earlier["selection"] != selection:
        raise SeniorError(
            _("{folder} holds the overviews of another selection ({theirs}), and this run "
              "({ours}) would remove or overwrite them and replace the index; nothing was "
              "written").format(folder=folder, theirs=_describe(earlier["selection"]),
                                ours=_describe(selection)),
            hint=_("give each selection a folder of its own, e.g. --to {example}")
                .format(example=_own_folder(folder, selection)))
    day = as_of or today()
    run = manager_digests(conn, rule_set, day, within, agreements_within,
                          department=department, manager=manager)
    digests = run.all()
    names = file_names([d.manager_id for d in digests], fmt.value)

    make_private_folder(folder)
    index = folder / INDEX_FILE
    # Only the files this selection wrote before: without a manifest (a folder copied without
    # its hidden file) whose files the index names cannot be told, so none is removed.
    before = earlier["files"] if earlier is not None else set()
    rows = []
    written: list[str] = []
    for d in digests:
        name = names[d.manager_id]
        written.append(name)
        with private_file(folder / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(render(d, run, fmt.value))
        rows.append({"manager_id": d.manager_id, "manager_name": d.manager_name,
                     "manager_email": d.manager_email, "file": name,
                     "due_now": len(d.due_now), "due_soon": len(d.due_soon),
                     "agreements_ending": len(d.agreements_ending)})
    # The index last: a mail script that finds it finds every file it names.
    emit(rows, [Column(k, k) for k in INDEX_FIELDS], "excel-csv", index)
    removed = 0
    for old in sorted(before - set(written)):
        stale = folder / old
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            removed += 1
    # The manifest after the folder is as it says: a run stopped before it leaves the earlier
    # manifest, whose files the next run of the selection still removes.
    with private_file(manifest, "w", encoding="utf-8", newline="\n") as f:
        f.write(_manifest_text(selection, written))

    missing = without_email(run.managers)
    if missing:
        warn(ngettext(
            "{n} manager has no e-mail address in the register: pass the overview on by hand "
            "(its row in {index} has no manager_email): {managers}",
            "{n} managers have no e-mail address in the register: pass their overviews on by "
            "hand (their rows in {index} have no manager_email): {managers}", len(missing))
            .format(n=len(missing), index=index, managers=_named([_label(d) for d in missing])))
    # Staff with no manager at all (the director) are normal: the file for HR and the index
    # carry them, and a terminal gets a line. A manager id that names nobody, or someone not
    # employed on the day, needs the roster corrected: a warning, so cron mails it.
    hr = run.without_manager
    unmanaged: set[str] = set()
    to_fix: dict[str, set[str]] = {}  # the manager as HR reads it → their staff
    if hr is not None:
        for r in hr.due_now + hr.due_soon + hr.agreements_ending:
            if r.get("manager_problem") == NO_MANAGER:
                unmanaged.add(r["employee_id"])
            else:
                to_fix.setdefault(manager_note(r), set()).add(r["employee_id"])
    if to_fix:
        people = len(set().union(*to_fix.values()))
        warn(ngettext(
            "{n} employee has a manager who is not in the register or not employed on the "
            "day ({managers}): correct the manager column of the roster; until then the "
            "employee is in {file}",
            "{n} employees have a manager who is not in the register or not employed on the "
            "day ({managers}): correct the manager column of the roster; until then the "
            "employees are in {file}", people)
            .format(n=people, managers=_named(sorted(to_fix)), file=folder / names[None]))
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
    if unmanaged:
        say(ngettext("{n} employee without a manager in the register (the director, for "
                     "instance) is in {file}.",
                     "{n} employees without a manager in the register (the director, for "
                     "instance) are in {file}.", len(unmanaged))
            .format(n=len(unmanaged), file=folder / names[None]))


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)
