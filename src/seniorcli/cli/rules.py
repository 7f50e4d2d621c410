"""``rules list``, ``rules show`` and ``config``."""

from __future__ import annotations

from typing import Annotated

import typer

from seniorcli.cli.common import (
    Format,
    FormatOpt,
    RulesFileOpt,
    open_db,
    parse_day_option,
    resolve_rules,
    rules_dir,
    say,
)
from seniorcli.errors import SeniorError
from seniorcli.i18n import N_, _

rules_app = typer.Typer(help=_("The rule sets: when senior conversations must be offered."),
                        no_args_is_help=True)
config_app = typer.Typer(help=_("Settings stored in the database (e.g. the default rule set)."),
                         no_args_is_help=True)


def _open_if_exists():
    """The database, for the settings that shape a rule set (start-date); None if there is
    none yet (``rules show`` works before anything is imported)."""
    from seniorcli.cli.common import db_exists

    return open_db() if db_exists() else None


def _registry(files):
    from seniorcli.rules import load_registry

    return load_registry(rules_dir(), files or [])


#: A rule set's trigger as people read it in `rules list`'s table (json keeps the value).
TRIGGER_WORDS = {"birthday": N_("the birthday"), "calendar_year": N_("the calendar year")}


@rules_app.command("list")
def rules_list(rules_file: RulesFileOpt = None, fmt: FormatOpt = Format.table) -> None:
    """List the rule sets: the built-ins and your own TOML files.

    Example: seniorcli rules list
    """
    from seniorcli.output import Column, emit

    rows = [
        {"name": rs.name, "title": rs.title, "first_offer_age": rs.first_offer_age,
         "trigger": rs.trigger, "repeat": rs.repeat if rs.repeat == "calendar_year"
         else f"{rs.repeat_months} months", "reoffer_age": rs.reoffer_age,
         "agreement_default_term_months": rs.agreement_default_term_months, "origin": rs.origin}
        for rs in _registry(rules_file).all()
    ]
    if fmt == Format.table:  # the machine values as people read them
        for r in rows:
            r["trigger"] = _(TRIGGER_WORDS.get(r["trigger"], r["trigger"]))
            r["repeat"] = (_("every calendar year") if r["repeat"] == "calendar_year"
                           else _("after {n} months").format(n=r["repeat"].split()[0]))
            r["origin"] = _("built-in") if r["origin"] == "built-in" else r["origin"]
    cols = [Column("name", _("Name")), Column("title", _("Title")),
            Column("first_offer_age", _("First offer at"), "number"),
            Column("trigger", _("Trigger")), Column("repeat", _("Repeat")),
            Column("reoffer_age", _("Re-offer at"), "number"),
            Column("agreement_default_term_months", _("Agreement term (months)"), "number"),
            Column("origin", _("Defined in"))]
    emit(rows, cols, fmt.value, title=_("Rule sets"))


@rules_app.command("show")
def rules_show(
    name: Annotated[str, typer.Argument(metavar="NAME",
        help=_("The rule set's name, e.g. albertslund."))],
    rules_file: RulesFileOpt = None,
) -> None:
    """The rule set's definition in plain language, its sources and its interpretations.

    Example: seniorcli rules show albertslund
    """
    from seniorcli.rules.base import AS_OF_RULES, COMMON_INTERPRETATIONS

    rs = resolve_rules(_open_if_exists(), name, rules_file)
    origin = _("built-in") if rs.origin == "built-in" else rs.origin
    out = [f"{rs.title} ({rs.name})", _("Defined in: {origin}").format(origin=origin), "",
           _("Definition:")]
    out += [f"  - {line}" for line in rs.describe()]
    out += ["", _("Sources:")] + [f"  - {_(s)}" for s in rs.sources]
    out += ["", _("Interpretations (choices where the source is silent):")]
    out += [f"  - {_(s)}" for s in rs.interpretations]
    out += ["", _("Common rules (every rule set):"),
            "  - " + _("Left (leave date on or before the as-of date): never due."),
            "  - " + _("Asked for a conversation ('requested' on d): due no later than d, until "
                       "a conversation is held or declined."),
            "  - " + _("'invited' and 'postponed' do not complete a cycle: still due, shown as "
                       "pending."),
            "  - " + _("A conversation held or declined before the first offer was due counts: "
                       "the next offer is due on the later of the first due date and the repeat "
                       "date."),
            "  - " + _("Hired after a due date: due from the hire date."),
            "", _("Answers on a date:")]
    out += [f"  - {_(s)}" for s in AS_OF_RULES]
    out += ["", _("Common interpretations:")]
    out += [f"  - {_(s)}" for s in COMMON_INTERPRETATIONS]
    typer.echo("\n".join(_wrapped(out)))


def _wrapped(lines: list[str]) -> list[str]:
    """The definition wrapped between words to the terminal (at most 100 columns), each item's
    further lines indented under its text."""
    import shutil
    import textwrap

    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" -")))
        out.extend(textwrap.wrap(line, width, subsequent_indent=indent,
                                 break_long_words=False) or [""])
    return out


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(metavar="KEY",
        help=_("The setting: rules (the default rule set), start-date (the day the register "
        "started) or language (da or en)."))],
    value: Annotated[str, typer.Argument(metavar="VALUE",
        help=_("Its value, e.g. a rule set's name."))],
    rules_file: RulesFileOpt = None,
) -> None:
    """Store a setting: the default rule set (so --rules may be omitted), the day the
    register started (start-date: a due date before it is reported from it, so a municipality
    starting today is not shown hundreds of people "overdue" since years), or the language
    (language: da or en; SENIORCLI_LANG wins over it, and help texts follow SENIORCLI_LANG
    and the locale).

    Example: seniorcli config set rules albertslund; seniorcli config set start-date 2026-01-01
    """
    from seniorcli.services.settings import set_setting

    if key == "rules":
        value = _registry(rules_file).get(value).name
    elif key == "start-date":
        value = parse_day_option(value).isoformat()
    elif key == "language":
        from seniorcli.i18n import LANGUAGES, set_config_language

        value = value.strip().lower()
        if value not in LANGUAGES:
            raise SeniorError(_("unknown language '{value}'").format(value=value),
                              hint=_("seniorcli config set language da (Danish) or en (English)"))
    set_setting(open_db(), key, value)
    if key == "language":
        set_config_language(value)
    say(_("{key} = {value}").format(key=key, value=value))


@config_app.command("get")
def config_get(key: Annotated[str | None, typer.Argument(metavar="KEY",
    help=_("One setting."))] = None) -> None:
    """Print the stored settings (or one).

    Example: seniorcli config get rules
    """
    from seniorcli.services.settings import all_settings

    settings = all_settings(open_db(must_exist=True))
    if key is not None:
        if key not in settings:
            raise typer.Exit(1)
        typer.echo(settings[key])
        return
    for k, v in settings.items():
        typer.echo(_("{key} = {value}").format(key=k, value=v))


@config_app.command("unset")
def config_unset(key: Annotated[str, typer.Argument(metavar="KEY",
    help=_("The setting to remove."))]) -> None:
    """Remove a stored setting.

    Example: seniorcli config unset rules
    """
    from seniorcli.services.settings import set_setting

    set_setting(open_db(), key, None)
    if key == "language":
        from seniorcli.i18n import set_config_language

        set_config_language(None)
    say(_("{key} removed").format(key=key))


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
    app.add_typer(config_app, name="config")
