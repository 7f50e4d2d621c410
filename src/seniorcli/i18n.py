"""Danish by default for everything a person reads, English on request.

Message ids are the English text; the Danish catalog is ``locale/da/LC_MESSAGES/seniorcli.po``
(compiled to ``seniorcli.mo`` when the package is built: see ``setup.py``). English needs no
catalog: a message id is its own English translation.

The language, decided at every call (so a language chosen after start-up applies):

1. ``SENIORCLI_LANG`` (``da`` or ``en``);
2. ``seniorcli config set language da|en``, stored in the database: it can apply only once a
   command has opened the database (``set_config_language``);
3. the locale: ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting with ``en`` means English,
   ``da`` Danish (the first of them that is set decides, as the C library does);
4. else Danish.

Help texts (``--help``) are built when the command line is imported, before any database is
open: they follow ``SENIORCLI_LANG`` and the locale, not ``config set language``.

Module-level texts that must follow the language of the call (table headers, rule texts) are
marked with ``N_()`` (extracted, not translated) and translated where they are used.

Start-up time matters: this module imports nothing heavy (``gettext`` is already imported by
click), never Babel. Without a compiled catalog (an editable install, a checkout) the ``.po``
file is read directly by a small parser: about 11 ms for the whole catalog (~700 texts),
against about 3.5 ms for the compiled ``.mo``; either is read once, on the first Danish text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

LANGUAGES = ("da", "en")
DEFAULT = "da"
ENV_VAR = "SENIORCLI_LANG"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "seniorcli"

_config_language: str | None = None
# language → (singular translations, plural translations); English is the identity.
_catalogs: dict[str, tuple[dict[str, str], dict[str, list[str]]]] = {}


def set_config_language(value: str | None) -> None:
    """The language stored with ``config set language`` (None: not set / forget it)."""
    global _config_language
    _config_language = value if value in LANGUAGES else None


def _from_locale() -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            value = value.lower()
            if value.startswith("en"):
                return "en"
            if value.startswith("da"):
                return "da"
            return None  # C, POSIX, de_DE …: the first variable set decides
    return None


#: What the environment says (SENIORCLI_LANG, else the locale), read once per command: reading
#: five environment variables on each of the ~170,000 texts of a large due list cost 1.3 s.
_from_environment: str | None = None


def refresh() -> None:
    """Read the environment again (at the start of every command, and in tests)."""
    global _from_environment
    _from_environment = None


def _environment() -> str:
    """``da``/``en`` if SENIORCLI_LANG names one, else ``""``; then the locale, as ``:da``."""
    global _from_environment
    if _from_environment is None:
        env = os.environ.get(ENV_VAR, "").strip().lower()[:2]
        _from_environment = env if env in LANGUAGES else ":" + (_from_locale() or DEFAULT)
    return _from_environment


def language() -> str:
    """The language of this call: ``da`` or ``en``."""
    env = _environment()
    if env[0] != ":":
        return env
    if _config_language is not None:
        return _config_language
    return env[1:]


def _(msgid: str) -> str:
    """The text in the current language (``msgid`` is the English text)."""
    lang = language()
    if lang == "en":
        return msgid
    return _catalog(lang)[0].get(msgid) or msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, in the current language (Danish and English both
    use the singular for exactly 1)."""
    index = 0 if n == 1 else 1
    lang = language()
    if lang != "en":
        forms = _catalog(lang)[1].get(singular)
        if forms and len(forms) > index and forms[index]:
            return forms[index]
    return singular if index == 0 else plural


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a text for the catalog without translating it now (translate it with ``_()`` where
    it is used, so it follows the language of that call)."""
    return msgid


#: Typer's own words that go through gettext (typer.core), and the --help option's help;
#: translated by ``install_click``. The rest of Typer's help and error frame (its vendored
#: click: "Usage:", "Error:", "No such option", "Missing argument") is fixed English.
HELP_OPTION = N_("Show this message and exit.")
TYPER_WORDS = (N_("Options"), N_("Arguments"), N_("Commands"), N_("required"),
               N_("default: {default}"), N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"),
               N_("Missing command."), N_("No such command {name!r}."))


def install_click() -> None:
    """Let Typer's gettext-marked words ("Options", "Commands", "required" …) follow our
    language: typer.core looks them up with ``gettext.gettext`` under the name ``_``."""
    import sys

    core = sys.modules.get("typer.core")
    if core is not None and getattr(core, "_", None) is not _:
        core._ = _  # type: ignore[attr-defined]
    command: Any = getattr(sys.modules.get("typer._click.core"), "Command", None)
    original = getattr(command, "get_help_option", None)
    if original is None or getattr(original, "translated", False):
        return

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = _(HELP_OPTION)
        return option

    get_help_option.translated = True  # type: ignore[attr-defined]
    command.get_help_option = get_help_option


def _catalog(lang: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    cat = _catalogs.get(lang)
    if cat is None:
        cat = _catalogs[lang] = _load(lang)
    return cat


def _load(lang: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    # The compiled catalog when installed (setup.py builds it); a checkout has none (*.mo is
    # not committed), so the .po it reads is always the current one.
    if mo.is_file():
        return _read_mo(mo)
    if po.is_file():
        return read_po(po.read_text(encoding="utf-8"))
    return {}, {}


def _read_mo(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    import gettext

    with path.open("rb") as f:
        trans = gettext.GNUTranslations(f)
    single: dict[str, str] = {}
    plural: dict[str, list[str]] = {}
    for key, value in trans._catalog.items():  # type: ignore[attr-defined]
        if isinstance(key, tuple):  # (msgid, n) for plural forms
            forms = plural.setdefault(key[0], [])
            forms.extend([""] * (key[1] + 1 - len(forms)))
            forms[key[1]] = value
        elif key:
            single[key] = value
    return single, plural


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError(f"not a quoted string: {s!r}")
    s = s[1:-1]
    if "\\" not in s:
        return s
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(_ESCAPES.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_po(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A small reader of gettext ``.po`` text: translated, non-fuzzy entries only, the way
    ``msgfmt`` compiles them (for running from a checkout without a compiled ``.mo``)."""
    single: dict[str, str] = {}
    plural: dict[str, list[str]] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    key: str | None = None

    def flush() -> None:
        nonlocal entry, fuzzy
        msgid = entry.get("msgid")
        if msgid and not fuzzy:
            if "msgid_plural" in entry:
                forms = [entry.get(f"msgstr[{i}]", "") for i in range(2)]
                if all(forms):
                    plural[msgid] = forms
            elif entry.get("msgstr"):
                single[msgid] = entry["msgstr"]
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
            elif line.startswith("#~"):
                continue
        elif line.startswith('"'):
            if key is not None:
                entry[key] += _unquote(line)
        else:
            word, _sep, rest = line.partition(" ")
            if word == "msgid" and "msgid" in entry:
                flush()
            key = word
            entry[key] = _unquote(rest)
    flush()
    return single, plural
