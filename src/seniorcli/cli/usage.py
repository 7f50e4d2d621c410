"""Typer's usage errors (exit 2) in the reader's language.

Typer vendors click without gettext: its frame ("Usage:", "Try '… --help' for help.",
"Error:") and its refusals ("Invalid value for '--within': 'x' is not a valid int range.",
"No such option: --rule", "Missing option '--start'.") are fixed English. ``install`` replaces
the frame, and ``translate`` recognises click's refusals by their shape and says them again in
the language of the call; a text it does not recognise is kept as it is (our own reasons, such
as a refused date, are Danish already). The English message ids are click's own words, so an
English run reads exactly as before.
"""

from __future__ import annotations

import re
from typing import Any

from seniorcli.i18n import N_, _

#: click's refusals, by shape → our message (fields named by the groups).
_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), message) for pattern, message in (
        (r"(?P<reason>.*)\. Did you mean (?P<suggestions>.*)\?",
         N_("{reason}. Did you mean {suggestions}?")),
        (r"Invalid value for (?P<option>.+?): (?P<reason>.*)",
         N_("Invalid value for {option}: {reason}")),
        (r"Invalid value: (?P<reason>.*)", N_("Invalid value: {reason}")),
        (r"No such option: (?P<option>\S+) \(Possible options: (?P<possible>.*)\)",
         N_("No such option: {option} (Possible options: {possible})")),
        (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
        (r"Missing argument (?P<name>'[^']*')\.(?P<rest>.*)", N_("Missing argument {name}.")),
        (r"Missing option (?P<name>'[^']*'(?: / '[^']*')*)\.(?P<rest>.*)",
         N_("Missing option {name}.")),
        (r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)",
         N_("Got unexpected extra argument(s) ({args})")),
        (r"Option (?P<option>'[^']*') requires an argument\.",
         N_("Option {option} requires an argument.")),
        (r"Option (?P<option>'[^']*') does not take a value\.",
         N_("Option {option} does not take a value.")),
        (r"(?P<value>'.*') is not a valid (?:int|integer)(?: range)?\.",
         N_("{value} is not a valid integer.")),
        (r"(?P<value>'.*') is not a valid (?:float|float range)\.",
         N_("{value} is not a valid number.")),
        (r"(?P<value>\S+) is not in the range (?P<range>.*)\.",
         N_("{value} is not in the range {range}.")),
        (r"(?P<value>'.*') is not one of (?P<choices>.*)\.",
         N_("{value} is not one of {choices}.")),
    ))


def translate(message: str) -> str:
    """One of click's refusals in the language of the call (nested: the reason of an invalid
    value may itself be one of click's)."""
    for pattern, text in _REFUSALS:
        m = pattern.fullmatch(message)
        if m is not None:
            fields = m.groupdict()
            fields.pop("rest", None)
            if "reason" in fields:
                fields["reason"] = translate(fields["reason"])
            return _(text).format(**fields)
    return message


def install() -> None:
    """Replace the frame click prints around a usage error, and the "Usage:" of help pages."""
    from typer._click import exceptions, formatting

    usage_error: Any = exceptions.UsageError
    if getattr(usage_error.show, "translated", False):
        return

    def show(self: Any, file: Any = None) -> None:
        from typer._click._compat import get_text_stderr
        from typer._click.utils import echo

        file = file or get_text_stderr()
        color = self.ctx.color if self.ctx is not None else None
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = _("Try '{command} {option}' for help.").format(
                    command=self.ctx.command_path, option=self.ctx.help_option_names[0]) + "\n"
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        echo(_("Error: {message}").format(message=translate(self.format_message())),
             file=file, color=color)

    show.translated = True  # type: ignore[attr-defined]
    usage_error.show = show

    formatter: Any = formatting.HelpFormatter
    write_usage = formatter.write_usage

    def write_usage_translated(self: Any, prog: str, args: str = "",
                               prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatter.write_usage = write_usage_translated
